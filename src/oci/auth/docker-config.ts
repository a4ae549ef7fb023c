import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../core/errors';
import { addSecret } from '../../core/log';
import { canonicalRegistry, DOCKER_HUB } from '../reference';
import { runCredentialHelper, type HelperCredential } from './cred-helper';
import { READ_CAPS, readTextCapped } from '../../core/read-capped';

/** Credentials for one registry, however they were found. */
export interface RegistryCredential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (docker `identitytoken`, helper username `<token>`). */
  identityToken?: string;
  /** A bearer token sent as is (docker `registrytoken`). */
  registryToken?: string;
  /** Where it came from, for debug messages (never the secret itself). */
  source: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** One parsed `config.json` / `auth.json`. */
export interface DockerConfigFile {
  path: string;
  auths: Record<string, AuthEntry>;
  credHelpers: Record<string, string>;
  credsStore?: string;
}

export interface DockerConfigLocation {
  /** Directory holding config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir?: string;
  /** podman/buildah auth file; default `$REGISTRY_AUTH_FILE`. Consulted before config.json. */
  authFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** The server URL docker uses for Docker Hub in config keys and with credential helpers. */
export const DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';

/** Files to read, first match wins: the auth file when set, then the docker config. */
export function dockerConfigPaths(loc: DockerConfigLocation = {}): string[] {
  const env = loc.env ?? process.env;
  const paths: string[] = [];
  const authFile = loc.authFile ?? env.REGISTRY_AUTH_FILE;
  if (authFile) paths.push(authFile);
  const dir = loc.dockerConfigDir ?? env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker');
  paths.push(path.join(dir, 'config.json'));
  return paths;
}

/** Read and parse one config file; undefined when it does not exist. */
export function readDockerConfigFile(file: string): DockerConfigFile | undefined {
  let text: string;
  try {
    text = readTextCapped(file, READ_CAPS.document, { what: 'the registry auth file', hint: 'fix it or point DOCKER_CONFIG elsewhere' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ETOOLARGE') throw err;
    throw new UserError(`cannot read registry auth file ${file}: ${(err as Error).message}; fix its permissions or point DOCKER_CONFIG elsewhere`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(`registry auth file ${file} is not valid JSON; fix it or point DOCKER_CONFIG / REGISTRY_AUTH_FILE elsewhere`);
  }
  const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  return {
    path: file,
    auths: isRecord(obj.auths) ? (obj.auths as Record<string, AuthEntry>) : {},
    credHelpers: isRecord(obj.credHelpers) ? (obj.credHelpers as Record<string, string>) : {},
    credsStore: typeof obj.credsStore === 'string' && obj.credsStore ? obj.credsStore : undefined,
  };
}

/** `https://index.docker.io/v1/` → `docker.io`; `https://ghcr.io/foo` → `ghcr.io`; `Ghcr.IO` → `ghcr.io`. */
export function normalizeRegistryKey(key: string): string {
  let host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  return canonicalRegistry(host.toLowerCase());
}

/**
 * Credentials for `registry` from the auth file and docker config, in docker's order per file:
 * `credHelpers[host]`, then `credsStore`, then the `auths` entry.
 */
export async function dockerConfigCredential(
  registry: string,
  loc: DockerConfigLocation = {},
  helperTimeoutMs?: number,
): Promise<RegistryCredential | undefined> {
  const wanted = canonicalRegistry(registry.toLowerCase());
  for (const file of dockerConfigPaths(loc)) {
    const config = readDockerConfigFile(file);
    if (!config) continue;
    const serverUrl = wanted === DOCKER_HUB ? DOCKER_HUB_SERVER_URL : registry;
    const helperKey = findKey(config.credHelpers, wanted);
    const helper = helperKey !== undefined ? config.credHelpers[helperKey] : config.credsStore;
    if (helper) {
      const configuredIn = `${file} ${helperKey !== undefined ? `credHelpers["${helperKey}"]` : 'credsStore'}`;
      const found = await runCredentialHelper(helper, serverUrl, { timeoutMs: helperTimeoutMs, env: loc.env, configuredIn });
      if (found) return fromHelper(found, `docker-credential-${helper}`);
    }
    const authKey = findKey(config.auths, wanted);
    if (authKey !== undefined) {
      const entry = config.auths[authKey];
      const credential = entry && fromAuthEntry(entry, `${file} auths["${authKey}"]`);
      if (credential) return credential;
    }
  }
  return undefined;
}

function findKey(record: Record<string, unknown>, wanted: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(record, wanted)) return wanted;
  return Object.keys(record).find((k) => normalizeRegistryKey(k) === wanted);
}

function fromHelper(found: HelperCredential, source: string): RegistryCredential {
  if (found.username === '<token>') return { identityToken: found.secret, source };
  return { username: found.username, password: found.secret, source };
}

function fromAuthEntry(entry: AuthEntry, source: string): RegistryCredential | undefined {
  if (!isRecord(entry)) return undefined;
  if (typeof entry.registrytoken === 'string' && entry.registrytoken) {
    addSecret(entry.registrytoken);
    return { registryToken: entry.registrytoken, source };
  }
  let username = typeof entry.username === 'string' ? entry.username : undefined;
  let password = typeof entry.password === 'string' ? entry.password : undefined;
  if (typeof entry.auth === 'string' && entry.auth) {
    addSecret(entry.auth);
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new UserError(`${source}: 'auth' must be base64 of user:password; log in again to rewrite it`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  addSecret(password);
  if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
    addSecret(entry.identitytoken);
    return { username, identityToken: entry.identitytoken, source };
  }
  if (username !== undefined && password !== undefined && (username !== '' || password !== '')) return { username, password, source };
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

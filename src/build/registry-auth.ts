import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { addSecret } from '../core/log';
import type { RegistryCredentials } from './types';
import { READ_CAPS, readTextCapped } from '../core/read-capped';

/**
 * Push credentials for a builder, in temporary files rather than argv: a DOCKER_CONFIG directory
 * (docker, buildx) and an auth.json (buildah `--authfile`). Both start from the user's own
 * configuration, so other registries (base images) and buildx builder instances keep working.
 */
export interface TempRegistryAuth {
  /** A directory to use as DOCKER_CONFIG. */
  dockerConfigDir: string;
  /** A containers-auth.json file for buildah `--authfile`. */
  authFile: string;
  /** Deletes both; safe to call twice. */
  remove(): void;
}

const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

interface AuthConfigFile {
  auths?: Record<string, Record<string, unknown>>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [key: string]: unknown;
}

export function writeTempRegistryAuth(registry: string, credentials: RegistryCredentials, env: NodeJS.ProcessEnv = process.env): TempRegistryAuth {
  addSecret(credentials.password);
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  addSecret(auth);

  // RUNNER_TEMP is emptied by the runner when the job ends, even when this process is killed.
  const dir = fs.mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), 'ship-image-auth-'));
  fs.chmodSync(dir, 0o700);
  const dockerConfigDir = path.join(dir, 'docker');
  fs.mkdirSync(dockerConfigDir, { mode: 0o700 });

  // Docker config: the user's config.json plus our entry; the rest of their config dir linked in.
  const userDockerDir = env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
  const dockerConfig = readJson(path.join(userDockerDir, 'config.json'));
  const dockerKey = registry === 'docker.io' ? DOCKER_HUB_KEY : registry;
  dockerConfig.auths = { ...(dockerConfig.auths ?? {}), [dockerKey]: { auth } };
  if (dockerConfig.credsStore) {
    // A credsStore would win over `auths`; an empty helper for this host selects the file store.
    dockerConfig.credHelpers = { ...(dockerConfig.credHelpers ?? {}), [dockerKey]: '' };
  } else if (dockerConfig.credHelpers && dockerKey in dockerConfig.credHelpers) {
    delete dockerConfig.credHelpers[dockerKey];
  }
  writePrivate(path.join(dockerConfigDir, 'config.json'), dockerConfig);
  linkSiblings(userDockerDir, dockerConfigDir, 'config.json');

  // containers auth.json: REGISTRY_AUTH_FILE's content (when set) plus our entry.
  const authFile = path.join(dir, 'auth.json');
  const containersAuth = env.REGISTRY_AUTH_FILE ? readJson(env.REGISTRY_AUTH_FILE) : {};
  containersAuth.auths = { ...(containersAuth.auths ?? {}), [registry]: { auth } };
  writePrivate(authFile, containersAuth);

  let removed = false;
  return {
    dockerConfigDir,
    authFile,
    remove() {
      if (removed) return;
      removed = true;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readJson(file: string): AuthConfigFile {
  try {
    const parsed: unknown = JSON.parse(readTextCapped(file, READ_CAPS.document));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as AuthConfigFile) : {};
  } catch {
    return {};
  }
}

function writePrivate(file: string, content: unknown): void {
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
}

/** buildx/, cli-plugins/, contexts/ ... of the user's docker config dir, as symlinks. */
function linkSiblings(fromDir: string, toDir: string, except: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(fromDir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === except) continue;
    try {
      fs.symlinkSync(path.join(fromDir, name), path.join(toDir, name));
    } catch {
      // best effort: a missing link only loses that piece of the user's setup
    }
  }
}

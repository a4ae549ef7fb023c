import { addSecret } from '../../core/log';
import { canonicalRegistry } from '../reference';
import { dockerConfigCredential, normalizeRegistryKey, type DockerConfigLocation, type RegistryCredential } from './docker-config';

export interface CredentialOptions extends DockerConfigLocation {
  /** Used for every registry; wins over everything else. */
  username?: string;
  password?: string;
  /** Per registry host (`ghcr.io`, `localhost:5000`); the shells pass GITHUB_TOKEN for ghcr.io this way. */
  credentials?: Record<string, { username: string; password: string }>;
  helperTimeoutMs?: number;
}

/**
 * Finds the credentials for a registry, in this order: explicit username/password option,
 * per-host credentials option, then the auth file / docker config (helpers included).
 * Looked up once per registry, only when a registry asks for authentication.
 */
export class CredentialResolver {
  private readonly cache = new Map<string, Promise<RegistryCredential | undefined>>();
  private readonly perHost = new Map<string, { username: string; password: string }>();

  constructor(private readonly opts: CredentialOptions = {}) {
    addSecret(opts.password);
    for (const [host, cred] of Object.entries(opts.credentials ?? {})) {
      addSecret(cred.password);
      this.perHost.set(normalizeRegistryKey(host), cred);
    }
  }

  get(registry: string): Promise<RegistryCredential | undefined> {
    const key = canonicalRegistry(registry.toLowerCase());
    let found = this.cache.get(key);
    if (!found) {
      found = this.lookup(key, registry);
      this.cache.set(key, found);
      // A failing helper should not poison later attempts.
      found.catch(() => this.cache.delete(key));
    }
    return found;
  }

  private async lookup(key: string, registry: string): Promise<RegistryCredential | undefined> {
    if (this.opts.username !== undefined && this.opts.password !== undefined) {
      return { username: this.opts.username, password: this.opts.password, source: 'the username/password option' };
    }
    const given = this.perHost.get(key);
    if (given) return { username: given.username, password: given.password, source: `the credentials option for ${key}` };
    return dockerConfigCredential(registry, this.opts, this.opts.helperTimeoutMs);
  }
}

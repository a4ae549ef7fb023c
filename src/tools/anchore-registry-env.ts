import { UserError } from '../core/errors';
import { addSecret } from '../core/log';
import type { ImageInput } from './trivy';

/**
 * How grype and syft (both anchore tools, same settings) reach a registry image: plain HTTP and
 * credentials as `<PREFIX>_REGISTRY_*` environment variables, never argv; the password is a secret.
 */
export function registryEnv(prefix: 'GRYPE' | 'SYFT', image: Extract<ImageInput, { kind: 'registry' }>): Record<string, string> {
  const env: Record<string, string> = {};
  if (image.insecure) {
    env[`${prefix}_REGISTRY_INSECURE_USE_HTTP`] = 'true';
    env[`${prefix}_REGISTRY_INSECURE_SKIP_TLS_VERIFY`] = 'true';
  }
  if (image.username || image.password) {
    if (!image.username || !image.password) throw new UserError('registry credentials need both a username and a password; give both or neither');
    addSecret(image.password);
    env[`${prefix}_REGISTRY_AUTH_AUTHORITY`] = registryHost(image.ref);
    env[`${prefix}_REGISTRY_AUTH_USERNAME`] = image.username;
    env[`${prefix}_REGISTRY_AUTH_PASSWORD`] = image.password;
  }
  return env;
}

/** The registry host of an image reference (Docker Hub when it has none). */
function registryHost(ref: string): string {
  const first = ref.split('/')[0];
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'index.docker.io';
}

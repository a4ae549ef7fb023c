import { UserError } from '../core/errors';
import { addSecret } from '../core/log';
import type { RegistryClientOptions } from '../oci/registry';
import { positiveDuration } from '../policy/duration';
import { READ_CAPS, readTextCapped } from '../core/read-capped';

/** The registry flags every command that talks to a registry takes. */
export const REGISTRY_FLAGS = {
  'insecure-registry': { type: 'string', multiple: true },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

export interface RegistryFlagValues {
  username?: string;
  'password-stdin'?: boolean;
  'insecure-registry'?: string[];
  timeout?: string;
}

/**
 * Registry flags and environment (SHIP_IMAGE_CA_FILE) → client options. The password only ever
 * comes from stdin, never from a flag (argv is visible to every process on the machine).
 */
export function registryOptionsFromFlags(values: RegistryFlagValues, env: NodeJS.ProcessEnv, readStdin: () => string): RegistryClientOptions {
  const opts: RegistryClientOptions = { insecureRegistries: values['insecure-registry'] ?? [], env, userAgent: 'ship-image' };
  if (values.timeout !== undefined) opts.deadlineMs = registryTimeout(values.timeout);
  if (values['password-stdin']) {
    if (!values.username) throw new UserError('--password-stdin needs --username; give both or neither');
    const password = readStdin().replace(/\r?\n$/, '');
    if (!password) throw new UserError('--password-stdin read an empty password; pipe the password into ship-image');
    addSecret(password);
    opts.username = values.username;
    opts.password = password;
  } else if (values.username) {
    throw new UserError('--username needs --password-stdin (the password is read from stdin, never from a flag)');
  }
  const caFile = env.SHIP_IMAGE_CA_FILE;
  if (caFile) {
    try {
      opts.caPems = [readTextCapped(caFile, READ_CAPS.certificate)];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ETOOLARGE') throw err;
      throw new UserError(`SHIP_IMAGE_CA_FILE '${caFile}' cannot be read; point it at a PEM file of CA certificates`);
    }
  }
  return opts;
}

/** `--timeout`: how long one registry request may take in all (connect, retries, body), as a Go duration. */
export function registryTimeout(text: string): number {
  const duration = positiveDuration(text);
  if (!duration || duration.milliseconds < 1) throw new UserError(`--timeout '${text}' is not a positive duration; write e.g. 30s or 10m`);
  return duration.milliseconds;
}

// Opens the state store a `--state LOCATION` names: a directory, or `oci://REG/REPO:TAG`.
import type { RegistryClient, RegistryClientOptions } from '../../oci/registry';
import type { StateStore } from '../model';
import { DirectoryStateStore } from './directory-store';
import { parseStateLocation } from './location';
import { OciStateStore } from './oci-store';

export { parseStateLocation, stateFileName, stateTag } from './location';
export { STATE_ARTIFACT_TYPE } from './oci-store';
export { HISTORY_MAX, STATE_MAX_BYTES } from './schema';

export interface StateStoreOptions {
  /** `I/N` when this sweep is one shard: shards keep separate state objects. */
  shard?: string;
  registry?: RegistryClientOptions;
  /** A client to share (connections, tokens) with the rest of the sweep; else one is made per load/save. */
  client?: RegistryClient;
}

export function openStateStore(location: string, opts: StateStoreOptions = {}): StateStore {
  const parsed = parseStateLocation(location, opts.shard);
  if (parsed.kind === 'directory') return new DirectoryStateStore(parsed.dir, parsed.file);
  return new OciStateStore(parsed, opts.registry, opts.client);
}

// Opens the state store a `--state LOCATION` names: a directory, or `oci://REG/REPO:TAG`.
// (Stub: the state-store work replaces this body.)
import type { RegistryClientOptions } from '../../oci/registry';
import type { StateStore } from '../model';

export interface StateStoreOptions {
  /** `I/N` when this sweep is one shard: shards keep separate state objects. */
  shard?: string;
  registry?: RegistryClientOptions;
}

export function openStateStore(location: string, opts: StateStoreOptions = {}): StateStore {
  void location;
  void opts;
  throw new Error('state stores are not implemented yet');
}

// The monitor's inventory: what runs, by digest, from the clusters or from a file.
import type { Inventory } from '../model';
import { readInventoryFile } from './file';
import { inShard, type Shard } from './group';
import type { KubernetesOptions, KubernetesSource } from './kubernetes';

export type { KubernetesSource, KubernetesOptions } from './kubernetes';
export { parseShard, formatShard, shardOf, inShard, mergeInventories, groupContainers, type Shard } from './group';

export type InventorySource = KubernetesSource | { kind: 'file'; path: string };

export interface InventoryOptions extends KubernetesOptions {
  /** Only the digests of this shard (`--shard I/N`); notes are kept whole. */
  shard?: Shard;
}

/** Everything that runs, one RunningImage per digest; unreachable parts of the estate become notes. */
export async function listInventory(source: InventorySource, opts: InventoryOptions = {}): Promise<Inventory> {
  // The Kubernetes client is large: loaded only when a cluster is listed, not for --inventory FILE.
  const inventory = source.kind === 'file' ? await readInventoryFile(source.path) : await (await import('./kubernetes')).listKubernetes(source, opts);
  return opts.shard ? inShard(inventory, opts.shard) : inventory;
}

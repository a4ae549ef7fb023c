// TEMPORARY (mon-sweep): a file-only inventory so the sweep and CLI run before the inventory work
// lands; the lead replaces this file with mon-inventory's at merge. Exports only listInventory,
// shardOf and parseShard, with the signatures that work declares.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors';
import type { Inventory, RunningImage } from '../model';

export type InventorySource =
  | { kind: 'kubernetes'; kubeconfig?: string; contexts?: string[]; inCluster?: boolean; namespaces?: string[] }
  | { kind: 'file'; path: string };

export async function listInventory(source: InventorySource, opts: Record<string, unknown> = {}): Promise<Inventory> {
  void opts;
  if (source.kind !== 'file') throw new UserError('listing Kubernetes is not available in this build; use --inventory FILE');
  let doc: { images?: RunningImage[] };
  try {
    doc = JSON.parse(readFileSync(source.path, 'utf8')) as { images?: RunningImage[] };
  } catch (err) {
    throw new UserError(`cannot read the inventory ${source.path}: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc.images)) throw new UserError(`${source.path} is not an inventory: no "images" list`);
  for (const i of doc.images) {
    if (typeof i?.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(i.digest) || typeof i.repository !== 'string') {
      throw new UserError(`${source.path}: every image needs a sha256 digest and a repository`);
    }
  }
  return { images: doc.images.map((i) => ({ digest: i.digest, repository: i.repository, workloads: i.workloads ?? [] })), notes: [] };
}

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d{1,5})\/(\d{1,5})$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new UserError(`--shard '${text}' must be I/N with 0 <= I < N (e.g. 0/4, the first of four)`);
  return { index, count };
}

export function shardOf(digest: string, count: number): number {
  return createHash('sha256').update(digest).digest().readUIntBE(0, 6) % count;
}

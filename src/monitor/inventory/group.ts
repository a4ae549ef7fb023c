// Containers → one RunningImage per digest, fanned out to every workload and cluster that runs it,
// in an order that does not depend on the API's; and the `--shard I/N` partition by digest.
import { createHash } from 'node:crypto';
import { UserError } from '../../core/errors';
import type { Inventory, RunningImage, Workload } from '../model';
import type { ContainerRow } from './pods';

function compareWorkloads(a: Workload, b: Workload): number {
  const keys = ['cluster', 'namespace', 'kind', 'name', 'pod', 'containerKind', 'container', 'image', 'node', 'containerId'] as const;
  for (const k of keys) {
    const x = a[k] ?? '';
    const y = b[k] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One RunningImage per digest. When one digest is pulled through more than one repository the
 * record names the one most of its containers use (ties: the first by name), so the choice does
 * not depend on listing order.
 */
export function groupContainers(rows: readonly ContainerRow[]): RunningImage[] {
  const byDigest = new Map<string, { repositories: Map<string, number>; workloads: Workload[] }>();
  for (const row of rows) {
    let entry = byDigest.get(row.digest);
    if (!entry) byDigest.set(row.digest, (entry = { repositories: new Map(), workloads: [] }));
    entry.repositories.set(row.repository, (entry.repositories.get(row.repository) ?? 0) + 1);
    entry.workloads.push(row.workload);
  }
  const images: RunningImage[] = [];
  for (const [digest, entry] of byDigest) {
    const repository = [...entry.repositories].sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))[0][0];
    const workloads = entry.workloads.slice().sort(compareWorkloads).filter((w, i, all) => i === 0 || compareWorkloads(all[i - 1], w) !== 0);
    images.push({ digest, repository, workloads });
  }
  return images.sort((a, b) => byString(a.digest, b.digest));
}

/** Joins inventories (one per cluster or file): digests seen in several are merged into one record. */
export function mergeInventories(parts: readonly Inventory[]): Inventory {
  const rows: ContainerRow[] = [];
  for (const part of parts) for (const image of part.images) for (const workload of image.workloads) rows.push({ digest: image.digest, repository: image.repository, workload });
  return { images: groupContainers(rows), notes: parts.flatMap((p) => p.notes) };
}

export interface Shard {
  /** 0-based, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX. */
  index: number;
  count: number;
}

const MAX_SHARDS = 10_000;

/** `I/N` → {index: I, count: N}, 0 ≤ I < N; a UserError naming the flag otherwise. */
export function parseShard(text: string): Shard {
  const m = /^(\d{1,5})\/(\d{1,5})$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index >= count) {
    throw new UserError(`--shard '${text}' must be I/N with 0 <= I < N <= ${MAX_SHARDS} (e.g. 0/4, the first of four)`);
  }
  return { index, count };
}

export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** Which of `count` shards a digest falls in: a hash of the digest, so it never moves between sweeps. */
export function shardOf(digest: string, count: number): number {
  const h = createHash('sha256').update(digest).digest();
  return h.readUIntBE(0, 6) % count;
}

export function inShard(inventory: Inventory, shard: Shard): Inventory {
  return { images: inventory.images.filter((i) => shardOf(i.digest, shard.count) === shard.index), notes: inventory.notes };
}

// The estate from its shards: each shard's sweep.json joined into one result (records by digest,
// findings by key), as the merge job of a sharded workflow or Indexed Job writes it.
import { UserError } from '../core/errors';
import type { Finding, ImageRecord, SweepResult } from './model';

/** Reads one shard's output, refusing what is not a sweep result. */
export function parseSweepResult(text: string, source: string): SweepResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UserError(`${source} is not JSON; pass the sweep.json a monitor run wrote`);
  }
  const r = doc as Partial<SweepResult> | null;
  if (!r || typeof r !== 'object' || typeof r.sweptAt !== 'string' || !Array.isArray(r.records) || !Array.isArray(r.findings) || !Array.isArray(r.opened) || !Array.isArray(r.resolved)) {
    throw new UserError(`${source} is not a monitor sweep result (sweptAt, records, findings, opened, resolved); pass the sweep.json a monitor run wrote`);
  }
  return { notes: [], ...r } as SweepResult;
}

function byKey<T>(items: Iterable<T>, key: (t: T) => string): T[] {
  const out = new Map<string, T>();
  for (const item of items) if (!out.has(key(item))) out.set(key(item), item);
  return [...out.values()];
}

export function mergeSweeps(results: readonly SweepResult[]): SweepResult {
  if (results.length === 0) throw new UserError('monitor merge needs at least one sweep.json');
  const dbVersions = new Set(results.map((r) => r.dbVersion).filter((v): v is string => !!v));
  const records: ImageRecord[] = byKey(
    results.flatMap((r) => r.records),
    (r) => r.digest,
  );
  const findingKey = (f: Finding) => f.key;
  return {
    sweptAt: results.map((r) => r.sweptAt).sort().at(-1)!,
    ...(dbVersions.size === 1 ? { dbVersion: [...dbVersions][0] } : {}),
    records,
    findings: byKey(results.flatMap((r) => r.findings), findingKey),
    opened: byKey(results.flatMap((r) => r.opened), findingKey),
    resolved: byKey(results.flatMap((r) => r.resolved), findingKey),
    notes: results.flatMap((r) => r.notes ?? []),
  };
}

// One sweep: the inventory's digests (this shard's), each judged with bounded concurrency, the
// findings' lifecycle advanced over the saved state, the state saved, then alerts delivered.
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { silentLogger, type Logger } from '../core/log';
import { mapLimited } from '../core/map-limited';
import type { RegistryClient, RegistryClientOptions } from '../oci/registry';
import type { Policy } from '../policy/types';
import { deliverAlerts } from './alerts';
import { historyEntry } from './coverage';
import { advance } from './findings';
import { inspectImage, type Inspected } from './inspect';
import { shardOf } from './inventory';
import type { AlertSink, Inventory, MonitorState, StateStore, SweepResult } from './model';
import type { ScanAttester } from './attest';
import type { SbomScanner } from './rescan';

export const DEFAULT_CONCURRENCY = 8;

export interface SweepOptions {
  inventory: Inventory;
  shard?: { index: number; count: number };
  policy: Policy;
  client: RegistryClient;
  registry?: RegistryClientOptions;
  trustedRoot?: TrustedRoot;
  scanner: SbomScanner;
  store: StateStore;
  sinks?: readonly AlertSink[];
  now: Date;
  maxAgeMs: number;
  concurrency?: number;
  /** `--attest`: a fresh signed scan for each digest re-scanned. */
  attester?: ScanAttester;
  logger?: Logger;
}

export interface Swept {
  result: SweepResult;
  state: MonitorState;
  /** One line per alert that could not be delivered. */
  alertErrors: string[];
  /** Digests scanned in this sweep (the rest reused their last scan). */
  rescanned: number;
}

export async function runSweep(opts: SweepOptions): Promise<Swept> {
  const logger = opts.logger ?? silentLogger;
  const previous = await opts.store.load();
  const images = opts.shard ? opts.inventory.images.filter((i) => shardOf(i.digest, opts.shard!.count) === opts.shard!.index) : opts.inventory.images;
  logger.info(`monitor: sweeping ${images.length} digest(s)${opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count})` : ''}`);
  const ctx = { policy: opts.policy, client: opts.client, registry: opts.registry ?? {}, trustedRoot: opts.trustedRoot, scanner: opts.scanner, previous, now: opts.now, maxAgeMs: opts.maxAgeMs, attester: opts.attester };
  const inspected: Inspected[] = await mapLimited(images, opts.concurrency ?? DEFAULT_CONCURRENCY, (image) => inspectImage(image, ctx));

  const records = inspected.map((i) => i.record);
  for (const n of opts.inventory.notes) logger.warn(`monitor: ${n.source}: ${n.message}`);
  for (const r of records) for (const e of r.errors) logger.warn(`monitor: ${e}`);
  const sweptAt = opts.now.toISOString();
  // The trend point, counted from the records exactly as the dashboard's headline counts them.
  const entry = historyEntry({ sweptAt, dbVersion: opts.scanner.dbVersion, records, findings: [], opened: [], resolved: [], notes: [] });
  const advanced = advance(
    previous,
    inspected.flatMap((i) => i.findings),
    images.map((i) => i.digest),
    opts.now,
    entry,
  );
  for (const i of inspected) if (i.scan) advanced.state.scans[i.record.digest] = i.scan;
  await opts.store.save(advanced.state);

  let state = advanced.state;
  let alertErrors: string[] = [];
  if (opts.sinks && opts.sinks.length > 0) {
    const delivered = await deliverAlerts(state, { sweptAt: opts.now.toISOString(), opened: advanced.opened, resolved: advanced.resolved }, opts.sinks, opts.store);
    state = delivered.state;
    alertErrors = delivered.errors;
  }
  const result: SweepResult = {
    sweptAt: opts.now.toISOString(),
    dbVersion: opts.scanner.dbVersion,
    ...(opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {}),
    records,
    findings: Object.values(state.open).map((o) => o.finding),
    opened: advanced.opened,
    resolved: advanced.resolved,
    notes: opts.inventory.notes,
  };
  return { result, state, alertErrors, rescanned: inspected.filter((i) => i.scan).length };
}

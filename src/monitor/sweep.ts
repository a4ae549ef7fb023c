// One sweep: the inventory's digests (this shard's), each judged with bounded concurrency, the
// findings' lifecycle advanced over the saved state, the state saved, then alerts delivered.
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { silentLogger, type Logger } from '../core/log';
import { mapLimited } from '../core/map-limited';
import type { RegistryClient, RegistryClientOptions } from '../oci/registry';
import type { Policy } from '../policy/types';
import { deliverAlerts } from './alerts';
import { historyEntry } from './coverage';
import { advance, openByDigest } from './findings';
import { inspectImage, type Inspected } from './inspect';
import { inShard } from './inventory';
import type { AlertSink, Finding, Inventory, MonitorState, StateStore, SweepResult } from './model';
import { nodeDrift, onNode, withNodeDrift, type NodeDriftCache, type NodeDriftOptions } from './node';
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
  /** `--node`: only the pods on this node, and each running container's drift from its digest's attested SBOM. */
  node?: NodeMode;
}

export interface NodeMode {
  nodeName: string;
  /** The host's procfs (`/proc` with hostPID). */
  procRoot: string;
  scanRoot: NodeDriftOptions['scanRoot'];
  /** Kept across the sweeps of one process: a container is re-scanned only when its packages changed. */
  cache: NodeDriftCache;
  containerProcesses?: NodeDriftOptions['containerProcesses'];
}

export interface Swept {
  result: SweepResult;
  state: MonitorState;
  /** One line per alert that could not be delivered. */
  alertErrors: string[];
  /** Digests scanned in this sweep (the rest reused their last scan). */
  rescanned: number;
  /** Node mode: container root filesystems scanned in this sweep (the rest came from the cache). */
  rootScans?: number;
}

export async function runSweep(opts: SweepOptions): Promise<Swept> {
  const logger = opts.logger ?? silentLogger;
  const previous = await opts.store.load();
  const sharded = opts.shard ? inShard(opts.inventory, opts.shard).images : opts.inventory.images;
  const images = opts.node ? onNode(sharded, opts.node.nodeName) : sharded;
  logger.info(`monitor: sweeping ${images.length} digest(s)${opts.shard ? ` (shard ${opts.shard.index}/${opts.shard.count})` : ''}${opts.node ? ` on node ${opts.node.nodeName}` : ''}`);
  const ctx = { policy: opts.policy, client: opts.client, registry: opts.registry ?? {}, trustedRoot: opts.trustedRoot, scanner: opts.scanner, previous, previousOpen: openByDigest(previous), now: opts.now, maxAgeMs: opts.maxAgeMs, attester: opts.attester };
  const inspected: Inspected[] = await mapLimited(images, opts.concurrency ?? DEFAULT_CONCURRENCY, (image) => inspectImage(image, ctx));

  let records = inspected.map((i) => i.record);
  const findings: Finding[] = inspected.flatMap((i) => i.findings);
  const notes = [...opts.inventory.notes];
  let rootScans: number | undefined;
  if (opts.node) {
    const byDigest = new Map(inspected.map((i) => [i.record.digest, i]));
    const nd = await nodeDrift({
      images,
      nodeName: opts.node.nodeName,
      procRoot: opts.node.procRoot,
      attestedSbom: async (image) => byDigest.get(image.digest)?.sbom ?? { found: false, reason: `${image.digest} could not be verified in this sweep` },
      scanRoot: opts.node.scanRoot,
      cache: opts.node.cache,
      containerProcesses: opts.node.containerProcesses,
    });
    records = withNodeDrift(records, nd);
    findings.push(...nd.findings);
    // A digest with an attested SBOM but no drift verdict this sweep (its scan failed, its process
    // was restarting): nothing was learned, so its drift findings stay open.
    for (const i of inspected) {
      if (i.sbom?.found && !Object.hasOwn(nd.drift, i.record.digest)) {
        findings.push(...(ctx.previousOpen.get(i.record.digest) ?? []).filter((f) => f.kind === 'drift'));
      }
    }
    notes.push(...nd.notes);
    rootScans = nd.scans;
  }
  for (const n of notes) logger.warn(`monitor: ${n.source}: ${n.message}`);
  for (const r of records) for (const e of r.errors) logger.warn(`monitor: ${e}`);
  const sweptAt = opts.now.toISOString();
  // The trend point, counted from the records exactly as the dashboard's headline counts them.
  const entry = historyEntry({ sweptAt, dbVersion: opts.scanner.dbVersion, records, findings: [], opened: [], resolved: [], notes: [] });
  const advanced = advance(
    previous,
    findings,
    images.map((i) => i.digest),
    opts.now,
    entry,
  );
  for (const i of inspected) {
    if (i.scan) advanced.state.scans[i.record.digest] = i.scan;
    if (i.created !== undefined) (advanced.state.created ??= {})[i.record.digest] = i.created;
  }
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
    notes,
  };
  return { result, state, alertErrors, rescanned: inspected.filter((i) => i.scan).length, ...(rootScans !== undefined ? { rootScans } : {}) };
}

// What the dashboard counts, as plain data: per record the facts every figure is made of, and the
// coverage of the estate by cluster, namespace and repository. The page and its tests both read
// these, so a number in the DOM is the number computed here.
import type { ImageRecord, MonitorState, SweepResult } from './model';
import type { SeverityCounts } from '../scan/vulnerability';

/** When the sweep names no DB version, a scan this recent (before the sweep) counts as fresh. */
export const FRESH_SCAN_HOURS = 24;

export const SEVERITY_KEYS = ['critical', 'high', 'medium', 'low', 'unknown'] as const satisfies ReadonlyArray<keyof SeverityCounts>;

export interface RecordFacts {
  /** Signed by an identity the policy allows. */
  signed: boolean;
  sbom: boolean;
  /** Scanned with the sweep's DB version (or, without one, within FRESH_SCAN_HOURS). */
  freshScan: boolean;
  stale: boolean;
  ageUnknown: boolean;
  /** At least one signature rule failed. */
  signatureFailure: boolean;
  drifted: boolean;
  errors: boolean;
  open: SeverityCounts;
}

export type Dimension = 'cluster' | 'namespace' | 'repository';

export interface CoverageCounts {
  digests: number;
  signed: number;
  sbom: number;
  freshScan: number;
  stale: number;
  ageUnknown: number;
  signatureFailures: number;
  drifted: number;
  errors: number;
  /** CVEs open in the running digests, summed per digest. */
  open: SeverityCounts;
  /** Digests with at least one open CVE of each severity. */
  withSeverity: SeverityCounts;
}

export interface CoverageGroup extends CoverageCounts {
  dimension: Dimension;
  /** The cluster, namespace (across clusters) or repository. */
  name: string;
  /** Indexes into sweep.records. */
  records: number[];
}

export interface Coverage {
  total: CoverageCounts;
  clusters: CoverageGroup[];
  namespaces: CoverageGroup[];
  repositories: CoverageGroup[];
}

export function zeroCounts(): SeverityCounts {
  return { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
}

export function recordFacts(record: ImageRecord, sweep: Pick<SweepResult, 'sweptAt' | 'dbVersion'>): RecordFacts {
  const scan = record.scan;
  const drift = record.drift;
  return {
    signed: record.signature.signed,
    sbom: record.sbom,
    freshScan: !!scan && (sweep.dbVersion ? scan.dbVersion === sweep.dbVersion : scannedWithin(scan.scannedAt, sweep.sweptAt)),
    stale: record.age.stale,
    ageUnknown: !record.age.builtAt,
    signatureFailure: record.signature.failedRules.length > 0,
    drifted: !!drift && drift.added.length + drift.removed.length + drift.changed.length > 0,
    errors: record.errors.length > 0,
    open: scan ? { ...zeroCounts(), ...pickCounts(scan.counts) } : zeroCounts(),
  };
}

function pickCounts(c: SeverityCounts): SeverityCounts {
  const out = zeroCounts();
  for (const k of SEVERITY_KEYS) out[k] = Number.isFinite(c[k]) ? c[k] : 0;
  return out;
}

function scannedWithin(scannedAt: string, sweptAt: string): boolean {
  const age = Date.parse(sweptAt) - Date.parse(scannedAt);
  return Number.isFinite(age) && age <= FRESH_SCAN_HOURS * 3600_000;
}

function emptyCounts(): CoverageCounts {
  return { digests: 0, signed: 0, sbom: 0, freshScan: 0, stale: 0, ageUnknown: 0, signatureFailures: 0, drifted: 0, errors: 0, open: zeroCounts(), withSeverity: zeroCounts() };
}

function add(into: CoverageCounts, f: RecordFacts): void {
  into.digests++;
  if (f.signed) into.signed++;
  if (f.sbom) into.sbom++;
  if (f.freshScan) into.freshScan++;
  if (f.stale) into.stale++;
  if (f.ageUnknown) into.ageUnknown++;
  if (f.signatureFailure) into.signatureFailures++;
  if (f.drifted) into.drifted++;
  if (f.errors) into.errors++;
  for (const k of SEVERITY_KEYS) {
    into.open[k] += f.open[k];
    if (f.open[k] > 0) into.withSeverity[k]++;
  }
}

/**
 * Where a record runs: its clusters and namespaces, each once. A namespace is counted by name across
 * clusters (a team's namespace in every cluster is one row; the cluster table splits by cluster).
 */
export function placesOf(record: ImageRecord): { clusters: string[]; namespaces: string[] } {
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  for (const w of record.workloads) {
    clusters.add(w.cluster);
    namespaces.add(w.namespace);
  }
  return { clusters: [...clusters], namespaces: [...namespaces] };
}

/** Coverage of the estate: a digest counts once in every cluster, namespace and repository it runs in. */
export function coverage(sweep: SweepResult, facts: RecordFacts[] = sweep.records.map((r) => recordFacts(r, sweep))): Coverage {
  const total = emptyCounts();
  const maps: Record<Dimension, Map<string, CoverageGroup>> = { cluster: new Map(), namespace: new Map(), repository: new Map() };
  const into = (dimension: Dimension, name: string, i: number) => {
    let g = maps[dimension].get(name);
    if (!g) maps[dimension].set(name, (g = { dimension, name, records: [], ...emptyCounts() }));
    g.records.push(i);
    add(g, facts[i]!);
  };
  sweep.records.forEach((record, i) => {
    add(total, facts[i]!);
    const places = placesOf(record);
    for (const c of places.clusters) into('cluster', c, i);
    for (const n of places.namespaces) into('namespace', n, i);
    into('repository', record.repository, i);
  });
  return {
    total,
    clusters: [...maps.cluster.values()].sort(byName),
    namespaces: [...maps.namespace.values()].sort(byGaps),
    repositories: [...maps.repository.values()].sort(byGaps),
  };
}

/** How much is missing or wrong in a group: the worst come first in long tables. */
export function gaps(c: CoverageCounts): number {
  return c.digests - c.signed + (c.digests - c.sbom) + (c.digests - c.freshScan) + c.stale + c.signatureFailures + c.drifted;
}

function byName(a: CoverageGroup, b: CoverageGroup): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function byGaps(a: CoverageGroup, b: CoverageGroup): number {
  return gaps(b) - gaps(a) || byName(a, b);
}

/** Whole percent, rounded down: 99.9 % shows as 99 %, never as complete. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((100 * part) / whole);
}

export type HistoryEntry = MonitorState['history'][number];

/** The state's history entry for a sweep, counted as the dashboard counts (so trends and headline agree). */
export function historyEntry(sweep: SweepResult): HistoryEntry {
  const t = coverage(sweep).total;
  return { sweptAt: sweep.sweptAt, digests: t.digests, open: t.open, signed: t.signed, withSbom: t.sbom, stale: t.stale };
}

/** The history to chart: the state's, with this sweep at the end unless the state already has it. */
export function trend(sweep: SweepResult, state: MonitorState, max = 120): HistoryEntry[] {
  const history = state.history.filter((h) => h.sweptAt !== sweep.sweptAt);
  return [...history, historyEntry(sweep)].slice(-max);
}

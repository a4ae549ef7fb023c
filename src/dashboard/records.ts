// The records table: one compact row per running digest, carrying the hashed classes the filters
// select on. Rows are lean on purpose (no closing tags the parser can infer, no per-cell classes
// but for marks) so 10,000 of them stay a few megabytes.
import { html, htmlId } from '../core/html';
import type { ImageRecord, Workload } from '../monitor/model';
import { placesOf, type RecordFacts } from '../monitor/coverage';
import { METRICS } from './filters';

export interface RowClasses {
  clusters: string[];
  namespaces: string[];
  repository: string;
  /** Extra classes (the listed CVEs a record is affected by). */
  extra: string[];
}

export function recordId(record: ImageRecord): string {
  return htmlId('d', record.digest, 10);
}

// 32 bits per group: a clash among a few thousand groups of one dimension is about one in a million.
export const groupClass = {
  cluster: (name: string) => htmlId('c', name, 8),
  namespace: (name: string) => htmlId('n', name, 8),
  repository: (name: string) => htmlId('r', name, 8),
};

export function rowClasses(record: ImageRecord, extra: string[] = []): RowClasses {
  const places = placesOf(record);
  return {
    clusters: places.clusters.map(groupClass.cluster),
    namespaces: places.namespaces.map(groupClass.namespace),
    repository: groupClass.repository(record.repository),
    extra,
  };
}

function metricClasses(f: RecordFacts): string[] {
  const c: string[] = [];
  if (!f.signed) c.push(METRICS.unsigned.cls);
  if (!f.sbom) c.push(METRICS['no-sbom'].cls);
  if (!f.freshScan) c.push(METRICS['no-fresh-scan'].cls);
  if (f.stale) c.push(METRICS.stale.cls);
  if (f.ageUnknown) c.push(METRICS['age-unknown'].cls);
  if (f.signatureFailure) c.push(METRICS['signature-failure'].cls);
  if (f.drifted) c.push(METRICS.drift.cls);
  if (f.errors) c.push(METRICS.errors.cls);
  if (f.open.critical) c.push(METRICS.critical.cls);
  if (f.open.high) c.push(METRICS.high.cls);
  if (f.open.medium) c.push(METRICS.medium.cls);
  if (f.open.low) c.push(METRICS.low.cls);
  if (f.open.unknown) c.push(METRICS.unknown.cls);
  return c;
}

export function shortDigest(digest: string): string {
  const m = /^sha256:([0-9a-f]{12})/.exec(digest);
  return m ? `sha256:${m[1]}` : html(digest, 19);
}

export function whereText(workloads: Workload[]): string {
  const w = workloads[0];
  if (!w) return '—';
  const more = workloads.length > 1 ? ` <i>+${workloads.length - 1}</i>` : '';
  return `${html(w.cluster, 60)} / ${html(w.namespace, 60)} · ${html(w.kind, 30)} ${html(w.name, 80)}${more}`;
}

const YES = '<td class="y">✓';
const NO = '<td class="n">✗';

export function recordRow(record: ImageRecord, f: RecordFacts, classes: RowClasses): string {
  const cls = ['r', ...classes.clusters, ...classes.namespaces, classes.repository, ...metricClasses(f), ...classes.extra].join(' ');
  const s = record.scan;
  const scan = s
    ? `<td${f.freshScan ? '' : ' class="o"'}>${sevCells(f)}${f.freshScan ? '' : ' <i>old DB</i>'}`
    : '<td class="n">none';
  const built = record.age.builtAt
    ? `<td${f.stale ? ' class="n"' : ''}>${html(record.age.builtAt.slice(0, 10), 10)}${f.stale ? ' stale' : ''}`
    : '<td class="o">unknown';
  const d = record.drift;
  const drift = f.drifted && d ? `<td class="n">+${d.added.length} −${d.removed.length} ~${d.changed.length}` : '<td>';
  const rule = record.signature.failedRules[0];
  const note = rule ? `${html(rule.rule, 60)}: ${html(rule.reason, 140)}` : record.errors[0] ? html(record.errors[0], 160) : '';
  return (
    `<tr id="${recordId(record)}" class="${cls}"><td class="dg">${html(record.digest, 80)}` +
    `<td>${html(record.repository, 120)}<td>${whereText(record.workloads)}` +
    `${f.signed ? YES : NO}${f.sbom ? YES : NO}${scan}${built}${drift}<td>${note}\n`
  );
}

function sevCells(f: RecordFacts): string {
  const o = f.open;
  const b = (cls: string, n: number) => (n ? `<b class="${cls}">${n}</b>` : '0');
  return `${b('k', o.critical)} ${b('h', o.high)} ${b('m', o.medium)} ${b('l', o.low)}`;
}

export const RECORDS_HEAD =
  '<thead><tr><th>Digest<th>Repository<th>Runs in<th>Signed<th>SBOM<th>CVEs C H M L<th>Built<th>Drift<th>Why</thead>';

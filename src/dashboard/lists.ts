// The lists beside the figures: signature failures, stale images, drift, the open CVE findings and
// what could not be listed. Each is bounded (the records table holds every row); each row links to
// its record.
import { html } from '../core/html';
import type { Finding, ImageRecord, InventoryNote } from '../monitor/model';
import { severityRank } from '../scan/vulnerability';
import type { RecordFacts } from '../monitor/coverage';
import { Filters, type MetricName } from './filters';
import { recordId, shortDigest, whereText } from './records';

/** Rows in a list before it folds, and most rows a list holds at all. */
export const LIST_SHOWN = 8;
export const LIST_MAX = 200;
/** CVE ids listed (each gets a filter class on the rows it affects). */
export const CVE_MAX = 40;

interface Item {
  record: ImageRecord;
  cells: string;
}

function digestLink(r: ImageRecord): string {
  return `<a href="#${recordId(r)}">${shortDigest(r.digest)}</a>`;
}

function list(filters: Filters, id: string, title: string, metric: MetricName, head: string, items: Item[], empty: string): string {
  const n = items.length;
  const count = filters.link(undefined, metric, n, n.toLocaleString('en-US'));
  if (n === 0) return `<section class="card" id="${id}"><h2>${title} <span class="cnt ok">${count}</span></h2><p class="none">${empty}</p></section>`;
  const rows = (xs: Item[]) => xs.map((i) => `<tr><td>${html(i.record.repository, 90)}<br>${digestLink(i.record)}${i.cells}\n`).join('');
  const table = (xs: Item[]) => `<table class="l"><thead><tr>${head}</thead><tbody>${rows(xs)}</tbody></table>`;
  const shown = items.slice(0, LIST_SHOWN);
  const rest = items.slice(LIST_SHOWN, LIST_MAX);
  const cut = n > LIST_MAX ? `<p class="none">${(n - LIST_MAX).toLocaleString('en-US')} more: ${filters.link(undefined, metric, n, `all ${n.toLocaleString('en-US')}`)} in the records table.</p>` : '';
  const more = rest.length ? `<details><summary>${(n - LIST_SHOWN).toLocaleString('en-US')} more</summary>${table(rest)}${cut}</details>` : '';
  return `<section class="card" id="${id}"><h2>${title} <span class="cnt bad">${count}</span></h2>${table(shown)}${more}</section>`;
}

export function failuresList(filters: Filters, records: ImageRecord[], facts: RecordFacts[]): string {
  const items = records
    .map((record, i) => ({ record, f: facts[i]! }))
    .filter((x) => x.f.signatureFailure)
    .map(({ record }) => ({
      record,
      cells: record.signature.failedRules
        .slice(0, 2)
        .map((r, i) => `${i ? '<br>' : '<td>'}<code>${html(r.rule, 60)}</code> ${html(r.reason, 160)}`)
        .join(''),
    }));
  return list(filters, 'failures', 'Signature failures', 'signature-failure', '<th>Image<th>Rule and reason', items, 'Every running digest passed its signature rules.');
}

export function staleList(filters: Filters, records: ImageRecord[], facts: RecordFacts[], sweptAt: string): string {
  const now = Date.parse(sweptAt);
  const items = records
    .map((record, i) => ({ record, f: facts[i]!, t: Date.parse(record.age.builtAt ?? '') }))
    .filter((x) => x.f.stale)
    .sort((a, b) => (a.t || 0) - (b.t || 0))
    .map(({ record, t }) => ({
      record,
      cells:
        `<td class="num">${Number.isFinite(t) && Number.isFinite(now) ? Math.floor((now - t) / 86400_000).toLocaleString('en-US') : '?'}` +
        `<td>${html((record.age.builtAt ?? '').slice(0, 10), 10)} <i>${record.age.source ?? ''}</i><td>${whereText(record.workloads)}`,
    }));
  return list(filters, 'stale', 'Stale images', 'stale', '<th>Image<th>Days<th>Built<th>Runs in', items, 'Nothing older than the maximum age runs.');
}

function purls(xs: string[], sign: string): string {
  const shown = xs.slice(0, 3).map((p) => `${sign} ${html(p, 120)}`);
  if (xs.length > 3) shown.push(`${sign} <i>${xs.length - 3} more</i>`);
  return shown.join('<br>');
}

export function driftList(filters: Filters, records: ImageRecord[], facts: RecordFacts[]): string {
  const items = records
    .map((record, i) => ({ record, f: facts[i]! }))
    .filter((x) => x.f.drifted && x.record.drift)
    .map(({ record }) => {
      const d = record.drift!;
      const changed = d.changed.slice(0, 3).map((c) => `~ ${html(c.name, 80)} ${html(c.from, 40)} → ${html(c.to, 40)}`);
      if (d.changed.length > 3) changed.push(`~ <i>${d.changed.length - 3} more</i>`);
      return { record, cells: `<td class="dr">${[purls(d.added, '+'), purls(d.removed, '−'), changed.join('<br>')].filter(Boolean).join('<br>')}` };
    });
  return list(filters, 'drift', 'Drift from the attested SBOM', 'drift', '<th>Image<th>Packages added, removed, changed', items, 'No running container differs from its SBOM.');
}

export interface CveGroup {
  id: string;
  severity: Finding['severity'];
  summary: string;
  digests: Set<string>;
  cls: string;
}

/** Open vulnerability findings by CVE id, worst and widest first, at most CVE_MAX. */
export function cveGroups(findings: Finding[]): { groups: CveGroup[]; total: number } {
  const byId = new Map<string, CveGroup>();
  for (const f of findings) {
    if (f.kind !== 'vulnerability') continue;
    let g = byId.get(f.id);
    if (!g) byId.set(f.id, (g = { id: f.id, severity: f.severity, summary: f.summary, digests: new Set(), cls: '' }));
    if (severityRank(f.severity) > severityRank(g.severity)) g.severity = f.severity;
    g.digests.add(f.digest);
  }
  const all = [...byId.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.digests.size - a.digests.size || (a.id < b.id ? -1 : 1));
  const groups = all.slice(0, CVE_MAX);
  groups.forEach((g, i) => (g.cls = `v${i}`));
  return { groups, total: all.length };
}

export function cveList(filters: Filters, groups: CveGroup[], total: number): string {
  if (total === 0) return `<section class="card" id="cves"><h2>Open CVE findings <span class="cnt ok">0</span></h2><p class="none">No vulnerability finding is open.</p></section>`;
  const rows = groups.map((g) => {
    const n = g.digests.size;
    const link = filters.link(undefined, { cls: g.cls, label: `affected by ${g.id}` }, n, n.toLocaleString('en-US'), `cve`);
    return `<tr data-cve="${html(g.id, 80)}"><td><code>${html(g.id, 60)}</code><td><span class="sev ${g.severity.toLowerCase()}">${g.severity.toLowerCase()}</span><td class="num">${link}<td>${html(g.summary, 160)}\n`;
  });
  const shown = rows.slice(0, LIST_SHOWN).join('');
  const rest = rows.slice(LIST_SHOWN).join('');
  const head = '<thead><tr><th>CVE<th>Severity<th>Digests<th>Title</thead>';
  const more = rest ? `<details><summary>${groups.length - LIST_SHOWN} more</summary><table class="l">${head}<tbody>${rest}</tbody></table></details>` : '';
  const cut = total > groups.length ? `<p class="none">${(total - groups.length).toLocaleString('en-US')} lower-ranked CVE ids not listed.</p>` : '';
  return `<section class="card" id="cves"><h2>Open CVE findings <span class="cnt bad">${total.toLocaleString('en-US')}</span> <small>new since the attested scan</small></h2><table class="l">${head}<tbody>${shown}</tbody></table>${more}${cut}</section>`;
}

export function notesList(notes: InventoryNote[], errors: number, filters: Filters): string {
  if (notes.length === 0 && errors === 0) return '';
  const items = notes.slice(0, 50).map((n) => `<li><b>${html(n.source, 80)}</b>: ${html(n.message, 200)}`);
  if (notes.length > 50) items.push(`<li>${notes.length - 50} more`);
  const err = errors ? `<p>${filters.link(undefined, 'errors', errors, errors.toLocaleString('en-US'))} ${errors === 1 ? 'record' : 'records'} could not be completed (see “Why” in the records).</p>` : '';
  return `<section class="card warn wide" id="notes"><h2>Part of the estate was not seen</h2>${items.length ? `<ul>${items.join('')}</ul>` : ''}${err}</section>`;
}

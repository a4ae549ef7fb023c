// Coverage by cluster, namespace and repository: one table each, worst first, long tails folded.
import { html } from '../core/html';
import { gaps, percent, type CoverageCounts, type CoverageGroup, type Dimension } from '../monitor/coverage';
import { Filters, type GroupRef, type MetricName } from './filters';
import { groupClass } from './records';

/** Rows shown before the rest of a table folds into <details>. */
export const GROUP_ROWS_SHOWN = 15;

export function groupRef(g: Pick<CoverageGroup, 'dimension' | 'name'>): GroupRef {
  return { cls: groupClass[g.dimension](g.name), label: `${g.dimension} ${g.name}` };
}

/** A coverage percentage whose link lists the records lacking it. */
export function percentCell(filters: Filters, group: GroupRef | undefined, have: number, c: CoverageCounts, missing: MetricName): string {
  const p = percent(have, c.digests);
  const link = filters.link(group, missing, c.digests - have, `${p}%`);
  return `<td class="p" style="--p:${p}%">${link}`;
}

/** `shown` when the figure is not the number of records behind it (CVEs counted per digest). */
function countCell(filters: Filters, group: GroupRef, metric: MetricName, n: number, cls = '', shown = n): string {
  return `<td${n && cls ? ` class="${cls}"` : ''}>${filters.link(group, metric, n, shown.toLocaleString('en-US'))}`;
}

function row(filters: Filters, g: CoverageGroup): string {
  const ref = groupRef(g);
  return (
    `<tr data-dim="${g.dimension}" data-name="${html(g.name, 200)}"><th>${html(g.name, 120)}` +
    countCell(filters, ref, 'digests', g.digests) +
    percentCell(filters, ref, g.signed, g, 'unsigned') +
    percentCell(filters, ref, g.sbom, g, 'no-sbom') +
    percentCell(filters, ref, g.freshScan, g, 'no-fresh-scan') +
    countCell(filters, ref, 'stale', g.stale, 'wa') +
    countCell(filters, ref, 'signature-failure', g.signatureFailures, 'ba') +
    countCell(filters, ref, 'drift', g.drifted, 'wa') +
    countCell(filters, ref, 'critical', g.withSeverity.critical, 'sk', g.open.critical) +
    countCell(filters, ref, 'high', g.withSeverity.high, 'sh', g.open.high) +
    '\n'
  );
}

const HEAD = (dim: Dimension) =>
  `<thead><tr><th>${dim[0]!.toUpperCase()}${dim.slice(1)}<th>Digests<th>Signed<th>SBOM<th>Fresh scan<th>Stale<th>Sig. failures<th>Drift<th>Critical<th>High</thead>`;

export function groupTable(filters: Filters, dim: Dimension, title: string, groups: CoverageGroup[]): string {
  if (groups.length === 0) return '';
  const shown = groups.slice(0, GROUP_ROWS_SHOWN);
  const rest = groups.slice(GROUP_ROWS_SHOWN);
  const ok = groups.filter((g) => gaps(g) === 0).length;
  const table = (gs: CoverageGroup[]) => `<table class="g">${HEAD(dim)}<tbody>${gs.map((g) => row(filters, g)).join('')}</tbody></table>`;
  const more = rest.length
    ? `<details><summary>${rest.length.toLocaleString('en-US')} more ${dim === 'repository' ? 'repositories' : `${dim}s`}</summary>${table(rest)}</details>`
    : '';
  return (
    `<section class="card wide" id="by-${dim}"><h2>${title} <small>${groups.length.toLocaleString('en-US')} · ${ok.toLocaleString('en-US')} fully covered${dim === 'cluster' ? '' : ', worst first'}</small></h2>` +
    `${table(shown)}${more}</section>`
  );
}

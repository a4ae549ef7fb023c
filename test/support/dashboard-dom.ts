// Reading the dashboard's figures out of the DOM, and the same figures computed by coverage() from
// the sweep's JSON, in one shape so a test compares them whole.
import type { Page } from 'playwright-core';
import { inertText } from '../../src/core/untrusted-text';
import { coverage, percent, SEVERITY_KEYS, type CoverageGroup } from '../../src/monitor/coverage';
import type { SweepResult } from '../../src/monitor/model';

/** A linked figure: how many records its link shows, and the text it shows. */
export interface Figure {
  n: number;
  text: string | null;
}

export type Headline = Record<string, Figure | string | null>;

export interface GroupRow {
  dim: string | null;
  name: string | null;
  figures: Record<string, Figure>;
}

export function readFigure(page: Page, selector: string): Promise<Figure> {
  return page.$eval(selector, (e) => ({ n: Number(e.getAttribute('data-n')), text: e.textContent }));
}

const HEADLINE_FIGURES: Record<string, string> = {
  unsigned: '#g-signed [data-m="unsigned"]',
  'no-sbom': '#g-sbom [data-m="no-sbom"]',
  'no-fresh-scan': '#g-fresh [data-m="no-fresh-scan"]',
  stale: '#t-stale [data-m="stale"]',
  'signature-failure': '#t-signature-failure [data-m="signature-failure"]',
  drift: '#t-drift [data-m="drift"]',
  ...Object.fromEntries(SEVERITY_KEYS.map((k) => [k, `#open-cves [data-m="${k}"]`])),
};

/** The headline: each figure, the signed percentage and the signed count. */
export async function readHeadline(page: Page): Promise<Headline> {
  const out: Headline = { signedPercent: await page.textContent('#g-signed .pct'), signed: await page.textContent('#g-signed b[data-v]') };
  for (const [m, selector] of Object.entries(HEADLINE_FIGURES)) out[m] = await readFigure(page, selector);
  return out;
}

/** What the headline must show for `sweep`. */
export function expectedHeadline(sweep: SweepResult): Headline {
  const t = coverage(sweep).total;
  const fig = (n: number, shown: number | string = n): Figure => ({ n, text: String(shown) });
  const out: Headline = {
    signedPercent: `${percent(t.signed, t.digests)}%`,
    signed: String(t.signed),
    unsigned: fig(t.digests - t.signed),
    'no-sbom': fig(t.digests - t.sbom),
    'no-fresh-scan': fig(t.digests - t.freshScan),
    stale: fig(t.stale),
    'signature-failure': fig(t.signatureFailures),
    drift: fig(t.drifted),
  };
  // The figure counts CVEs; its link, the digests that have one (counted from the JSON directly).
  for (const k of SEVERITY_KEYS) out[k] = fig(sweep.records.filter((r) => (r.scan?.counts[k] ?? 0) > 0).length, t.open[k].toLocaleString('en-US'));
  return out;
}

/** Every cluster, namespace and repository row, with its figures. */
export function readGroupRows(page: Page): Promise<GroupRow[]> {
  return page.$$eval('tr[data-dim]', (trs) =>
    trs.map((tr) => ({
      dim: tr.getAttribute('data-dim'),
      name: tr.getAttribute('data-name'),
      figures: Object.fromEntries([...tr.querySelectorAll('[data-m]')].map((e) => [e.getAttribute('data-m'), { n: Number(e.getAttribute('data-n')), text: e.textContent }])),
    })),
  );
}

/** What every group row must show for `sweep`, in the page's order (clusters, namespaces, repositories). */
export function expectedGroupRows(sweep: SweepResult): GroupRow[] {
  const cov = coverage(sweep);
  const withSeverity = (g: CoverageGroup, k: 'critical' | 'high') => g.records.filter((i) => (sweep.records[i]!.scan?.counts[k] ?? 0) > 0).length;
  return [...cov.clusters, ...cov.namespaces, ...cov.repositories].map((g) => ({
    dim: g.dimension,
    name: inertText(g.name, { max: 200 }),
    figures: {
      digests: { n: g.digests, text: String(g.digests) },
      unsigned: { n: g.digests - g.signed, text: `${percent(g.signed, g.digests)}%` },
      'no-sbom': { n: g.digests - g.sbom, text: `${percent(g.sbom, g.digests)}%` },
      'no-fresh-scan': { n: g.digests - g.freshScan, text: `${percent(g.freshScan, g.digests)}%` },
      stale: { n: g.stale, text: String(g.stale) },
      'signature-failure': { n: g.signatureFailures, text: String(g.signatureFailures) },
      drift: { n: g.drifted, text: String(g.drifted) },
      critical: { n: withSeverity(g, 'critical'), text: String(g.open.critical) },
      high: { n: withSeverity(g, 'high'), text: String(g.open.high) },
    },
  }));
}

/** Rows in a fixed order, so two lists compare whole whatever order the page chose within a table. */
export function sortRows(rows: GroupRow[]): GroupRow[] {
  const key = (r: GroupRow) => `${r.dim}\u0000${r.name}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

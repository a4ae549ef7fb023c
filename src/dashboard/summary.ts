// The top of the page: when and against which DB, the three coverage gauges, the problem counts,
// the open CVEs by severity, and the trends across sweeps.
import { html } from '../core/html';
import type { SweepResult } from '../monitor/model';
import { lineChart } from './charts';
import { percent, SEVERITY_KEYS, type Coverage, type HistoryEntry } from '../monitor/coverage';
import type { Filters, MetricName } from './filters';

export const SEVERITY_COLORS = { critical: '#b91c1c', high: '#ea580c', medium: '#ca8a04', low: '#2563eb', unknown: '#6b7280' } as const;

export function formatTime(time: string): string {
  const t = Date.parse(time);
  return Number.isFinite(t) ? new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : html(time, 40);
}

export function header(sweep: SweepResult, cov: Coverage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const shard = sweep.shard ? ` · shard <b>${html(sweep.shard, 20)}</b>` : '';
  return (
    `<header><h1>Estate: signatures, SBOMs and CVEs of what runs</h1>` +
    `<p class="asof">As of <time datetime="${html(sweep.sweptAt, 40)}" id="asof">${formatTime(sweep.sweptAt)}</time>` +
    ` · vulnerability DB <b id="db">${sweep.dbVersion ? html(sweep.dbVersion, 80) : 'unknown'}</b>${shard}</p>` +
    `<p class="scope"><a href="#all"><b>${n(cov.total.digests)}</b> running digests</a> in <a href="#by-cluster"><b>${n(cov.clusters.length)}</b> clusters</a>, ` +
    `<a href="#by-namespace"><b>${n(cov.namespaces.length)}</b> namespaces</a>, <a href="#by-repository"><b>${n(cov.repositories.length)}</b> repositories</a> · ` +
    `this sweep opened <b>${n(sweep.opened.length)}</b> and resolved <b>${n(sweep.resolved.length)}</b> findings; <b>${n(sweep.findings.length)}</b> open</p></header>`
  );
}

function gauge(filters: Filters, title: string, have: number, whole: number, missing: MetricName, missingText: string, id: string): string {
  const p = percent(have, whole);
  const r = 34;
  const len = 2 * Math.PI * r;
  const color = p >= 95 ? '#15803d' : p >= 80 ? '#ca8a04' : '#b91c1c';
  const ring =
    `<svg viewBox="0 0 84 84" class="ring" aria-hidden="true"><circle cx="42" cy="42" r="${r}" class="track"/>` +
    `<circle cx="42" cy="42" r="${r}" stroke="${color}" stroke-dasharray="${((len * p) / 100).toFixed(1)} ${len.toFixed(1)}" transform="rotate(-90 42 42)" class="arc"/>` +
    `<text x="42" y="48" class="pct">${p}%</text></svg>`;
  const gap = whole - have;
  return (
    `<div class="card gauge" id="${id}">${ring}<div><h3>${title}</h3><p><b data-v="${have}">${have.toLocaleString('en-US')}</b> of ${whole.toLocaleString('en-US')} digests</p>` +
    `<p class="${gap ? 'bad' : 'ok'}">${filters.link(undefined, missing, gap, gap.toLocaleString('en-US'))} ${missingText}</p></div></div>`
  );
}

function tile(filters: Filters, metric: MetricName, n: number, title: string, tone: 'bad' | 'warn'): string {
  return `<div class="card tile ${n ? tone : 'ok'}" id="t-${metric}"><div class="big">${filters.link(undefined, metric, n, n.toLocaleString('en-US'))}</div><h3>${title}</h3></div>`;
}

export function headline(filters: Filters, cov: Coverage): string {
  const t = cov.total;
  const gauges =
    gauge(filters, 'Signed by an allowed identity', t.signed, t.digests, 'unsigned', 'not signed', 'g-signed') +
    gauge(filters, 'With a verified SBOM', t.sbom, t.digests, 'no-sbom', 'without SBOM', 'g-sbom') +
    gauge(filters, 'Scanned on the current DB', t.freshScan, t.digests, 'no-fresh-scan', 'not rescanned', 'g-fresh');
  const tiles =
    tile(filters, 'signature-failure', t.signatureFailures, 'signature failures', 'bad') +
    tile(filters, 'stale', t.stale, 'stale images', 'warn') +
    tile(filters, 'drift', t.drifted, 'drifted from SBOM', 'bad') +
    tile(filters, 'age-unknown', t.ageUnknown, 'of unknown age', 'warn');
  const sum = SEVERITY_KEYS.reduce((a, k) => a + t.open[k], 0);
  const bar = SEVERITY_KEYS.filter((k) => t.open[k] > 0)
    .map((k) => `<span style="flex:${t.open[k]};background:${SEVERITY_COLORS[k]}" title="${k}: ${t.open[k]}"></span>`)
    .join('');
  const chips = SEVERITY_KEYS.map((k) => {
    const digests = t.withSeverity[k];
    return `<div class="chip"><span class="sev ${k}">${k}</span>${filters.link(undefined, k, digests, t.open[k].toLocaleString('en-US'))}<small>in ${digests.toLocaleString('en-US')} digests</small></div>`;
  }).join('');
  const cves =
    `<div class="card cves" id="open-cves"><h3>Open CVEs in running images <small>${sum.toLocaleString('en-US')} (counted per digest)</small></h3>` +
    `<div class="sbar">${bar || '<span style="flex:1;background:#dcfce7"></span>'}</div><div class="chips">${chips}</div></div>`;
  return `<div class="row gauges">${gauges}</div><div class="row tiles">${tiles}${cves}</div>`;
}

export function trends(history: HistoryEntry[]): string {
  const times = history.map((h) => h.sweptAt);
  const cves = lineChart(
    times,
    (['critical', 'high', 'medium', 'low'] as const).map((k) => ({ label: k, color: SEVERITY_COLORS[k], values: history.map((h) => h.open?.[k] ?? 0) })),
    { title: 'Open CVEs by severity across sweeps' },
  );
  const pct = (f: (h: HistoryEntry) => number) => history.map((h) => (h.digests ? (100 * f(h)) / h.digests : 0));
  const cover = lineChart(
    times,
    [
      { label: 'signed', color: '#15803d', values: pct((h) => h.signed) },
      { label: 'SBOM', color: '#0e7490', values: pct((h) => h.withSbom) },
      { label: 'stale', color: '#a16207', values: pct((h) => h.stale) },
    ],
    { title: 'Coverage across sweeps', percent: true },
  );
  const n = history.length;
  return (
    `<div class="row charts"><section class="card chartcard" id="trend-cves"><h2>Open CVEs by severity <small>last ${n} ${n === 1 ? 'sweep' : 'sweeps'}</small></h2>${cves}</section>` +
    `<section class="card chartcard" id="trend-coverage"><h2>Coverage <small>% of running digests</small></h2>${cover}</section></div>`
  );
}

// Inline SVG line charts for the trends across sweeps. Only numbers and fixed labels go into the
// markup here; dates are formatted from parsed times, never copied from input.
import { html } from '../core/html';

export interface Series {
  label: string;
  color: string;
  values: number[];
}

export interface ChartOptions {
  /** Values are percentages (0–100); the axis is fixed to 0–100 %. */
  percent?: boolean;
  title: string;
}

const W = 560;
const H = 190;
const PAD = { left: 40, right: 96, top: 12, bottom: 24 };

export function lineChart(times: string[], series: Series[], opts: ChartOptions): string {
  const n = times.length;
  const max = opts.percent ? 100 : niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const x = (i: number) => PAD.left + (n <= 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${yy}" y2="${yy}" class="gl"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${yy}" class="yl">${axisLabel(v, opts.percent)}</text>`);
  }
  const ticks = n <= 1 ? [0] : n === 2 ? [0, 1] : [0, Math.floor((n - 1) / 2), n - 1];
  for (const i of ticks) parts.push(`<text x="${x(i).toFixed(1)}" y="${H - 6}" class="xl">${shortDate(times[i]!)}</text>`);
  // Latest-value labels on the right, nudged apart so they do not overlap.
  const ends = series.map((s) => ({ s, v: s.values[n - 1] ?? 0 })).sort((a, b) => b.v - a.v);
  let lastY = -Infinity;
  for (const { s, v } of ends) {
    const pts = s.values.map((val, i) => `${x(i).toFixed(1)},${y(val).toFixed(1)}`).join(' ');
    if (n > 1) parts.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2.2" stroke-linejoin="round"/>`);
    parts.push(`<circle cx="${x(n - 1).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.2" fill="${s.color}"/>`);
    const ly = Math.max(y(v) + 4, lastY + 12);
    lastY = ly;
    parts.push(`<text x="${W - PAD.right + 8}" y="${ly.toFixed(1)}" fill="${s.color}" class="el">${endLabel(v, opts.percent)} ${s.label}</text>`);
  }
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${html(opts.title)}" class="chart">${parts.join('')}</svg>`;
}

function niceMax(v: number): number {
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * mag >= v) return m * mag;
  return 10 * mag;
}

function axisLabel(v: number, percent?: boolean): string {
  if (percent) return `${Math.round(v)}%`;
  return v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : `${Math.round(v * 10) / 10}`;
}

function endLabel(v: number, percent?: boolean): string {
  return percent ? `${Math.floor(v)}%` : Math.round(v).toLocaleString('en-US');
}

/** `12-02` from an RFC 3339 time; `?` when it does not parse. */
export function shortDate(time: string): string {
  const t = Date.parse(time);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(5, 10) : '?';
}

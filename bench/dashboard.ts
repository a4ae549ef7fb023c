/**
 * The estate dashboard at scale: renders a generated estate of BENCH_DIGESTS digests (default
 * 10,000; 8 clusters, 200 namespaces, a repository per 10 digests, 60 sweeps of history), then
 * opens it in Debian's headless chromium from a file:// URL. Prints the HTML size, the render time
 * (median of BENCH_RUNS, default 3), chromium's load time (fresh page, to the load event) and the
 * time for a figure's filter to show its rows (hash change to laid-out rows). Asserts nothing.
 *
 *   node --require ./bench/register.js bench/dashboard.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { coverage, renderDashboard } from '../src/dashboard';
import { launchChromium } from '../test/support/chromium';
import { historyFor, largeSweep } from '../test/support/dashboard-fixture';
import { printRow } from './support/rows';

const DIGESTS = Number(process.env.BENCH_DIGESTS ?? 10_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const sweep = largeSweep(DIGESTS);
  const state = historyFor(sweep, 60);
  const renders: number[] = [];
  let page = '';
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    page = renderDashboard(sweep, state);
    renders.push(performance.now() - t);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-dashboard-'));
  const file = path.join(dir, 'dashboard.html');
  writeFileSync(file, page);
  const url = pathToFileURL(file).href;
  const bytes = Buffer.byteLength(page);
  const browser = await launchChromium();
  const loads: number[] = [];
  const filters: number[] = [];
  const stale = coverage(sweep).total.stale;
  try {
    for (let i = 0; i < RUNS; i++) {
      const p = await browser.context.newPage();
      const t = performance.now();
      await p.goto(url, { waitUntil: 'load', timeout: 600_000 });
      // Layout done too: the first frame after load.
      await p.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
      loads.push(performance.now() - t);
      // A string, run in the page (this file is type-checked without the DOM library).
      const [ms, shown] = await p.evaluate<[number, number]>(`new Promise((resolve) => {
        const t0 = performance.now();
        addEventListener('hashchange', () => {
          const rows = [...document.querySelectorAll('#records tbody tr')].filter((r) => r.getClientRects().length > 0).length;
          resolve([performance.now() - t0, rows]);
        }, { once: true });
        location.hash = 'f.s';
      })`);
      if (shown !== stale) throw new Error(`stale filter showed ${shown} rows, expected ${stale}`);
      filters.push(ms);
      await p.close();
    }
    if (browser.requests.some((u) => !u.startsWith(url))) throw new Error(`the page made requests: ${browser.requests.join(' ')}`);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const n = DIGESTS.toLocaleString('en-US');
  console.log(`dashboard, ${n} digests: ${(bytes / 1e6).toFixed(2)} MB (${Math.round(bytes / DIGESTS)} bytes/digest)`);
  console.log(`  render ${median(renders).toFixed(0)} ms, chromium load ${median(loads).toFixed(0)} ms, stale filter (${stale} rows) ${median(filters).toFixed(0)} ms; runs=${RUNS}`);
  printRow({ name: `dashboard HTML size, ${n} digests`, value: Math.round(bytes / 1e4) / 100, unit: 'MB' });
  printRow({ name: `dashboard bytes per digest, ${n} digests`, value: Math.round(bytes / DIGESTS), unit: 'bytes' });
  printRow({ name: `dashboard render, ${n} digests`, value: Math.round(median(renders)), unit: 'ms' });
  printRow({ name: `dashboard chromium load, ${n} digests`, value: Math.round(median(loads)), unit: 'ms' });
  printRow({ name: `dashboard filter (stale), ${n} digests`, value: Math.round(median(filters)), unit: 'ms' });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

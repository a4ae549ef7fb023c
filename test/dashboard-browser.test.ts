// The dashboard in a real browser: Debian's chromium (headless, through playwright-core) opens the
// static file from a file:// URL. The figures in the DOM are checked against coverage() of the
// sweep's JSON, every figure's link is followed and the rows it shows counted (the page's one
// script filters them), hostile names and titles must stay text, and the page must request nothing
// but itself.
// UPDATE_DASHBOARD_SCREENSHOT=1 also writes docs/dashboard.png.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { coverage, renderDashboard } from '../src/dashboard';
import { FILTER_SCRIPT, FILTER_SCRIPT_HASH } from '../src/dashboard/filter-script';
import { launchChromium, type Browser } from './support/chromium';
import { expectedGroupRows, expectedHeadline, readGroupRows, readHeadline, sortRows } from './support/dashboard-dom';
import { historyFor, HOSTILE, largeSweep, realisticSweep } from './support/dashboard-fixture';

jest.setTimeout(300_000);

let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dashboard-browser-'));
  browser = await launchChromium({ width: 1280, height: 1400 });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, htmlText: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, htmlText);
  return pathToFileURL(file).href;
}

/** Visible record rows (the :target filters hide the rest). */
async function visibleRows(b: Browser): Promise<string[]> {
  return b.page.$$eval('#records tbody tr', (rows) => rows.filter((r) => r.getClientRects().length > 0).map((r) => r.id));
}

async function goHash(b: Browser, url: string, hash: string): Promise<void> {
  await b.page.goto(`${url}#${hash}`);
}

describe('dashboard in chromium', () => {
  const sweep = realisticSweep();
  const state = historyFor(sweep, 9);
  const cov = coverage(sweep);
  let url: string;

  beforeAll(async () => {
    url = write('dashboard.html', renderDashboard(sweep, state));
    await browser.page.goto(url);
  });

  test('the page loads from file:// with no request but itself, no script, no dialog, no CSP violation', async () => {
    const b = browser;
    await b.page.screenshot({ path: path.join(dir, 'dashboard.png') });
    if (process.env.UPDATE_DASHBOARD_SCREENSHOT) await b.page.screenshot({ path: path.resolve(__dirname, '../docs/dashboard.png') });
    expect(b.requests.every((u) => u.startsWith(url))).toBe(true);
    expect(b.dialogs).toEqual([]);
    expect(b.errors).toEqual([]);
    // One script, ours, allowed by its hash; nothing else may run.
    expect(await b.page.$$eval('script', (s) => s.map((e) => e.textContent))).toEqual([FILTER_SCRIPT]);
    expect(await b.page.$$eval('style', (s) => s.length)).toBe(1);
    expect(await b.page.$$eval('img, iframe, object, embed, form, base', (s) => s.length)).toBe(0);
    // No element carries an event handler, whatever the names were.
    const handlers = await b.page.$$eval('*', (els) => els.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)));
    expect(handlers).toEqual([]);
    const csp = await b.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
    expect(csp).toBe(`default-src 'none'; script-src '${FILTER_SCRIPT_HASH}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`);
    expect(FILTER_SCRIPT_HASH).toBe(`sha256-${createHash('sha256').update(FILTER_SCRIPT).digest('base64')}`);
  });

  test('hostile names and titles are shown as text', async () => {
    const b = browser;
    const text = await b.page.innerText('body');
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.img);
    expect(text).toContain(HOSTILE.style);
    expect(text).toContain(HOSTILE.entity);
    expect(text).toContain("' onmouseover='alert(3)' x='");
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('invoicegpj.exe');
    const names = await b.page.$$eval('tr[data-name]', (rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(names).toContain(HOSTILE.script);
    expect(names).toContain(`ghcr.io/acme/${HOSTILE.img}`);
    expect(names).toContain(`edge${HOSTILE.img}`);
  });

  test('"as of" and the DB version are the sweep\'s', async () => {
    const b = browser;
    expect(await b.page.textContent('#asof')).toBe('2026-12-02 01:30 UTC');
    expect(await b.page.getAttribute('#asof', 'datetime')).toBe(sweep.sweptAt);
    expect(await b.page.textContent('#db')).toBe(sweep.dbVersion);
  });

  test('the headline figures are coverage() of the sweep', async () => {
    expect(await readHeadline(browser.page)).toEqual(expectedHeadline(sweep));
    // The fixture has each kind of problem, so every figure above was a real link.
    const t = cov.total;
    expect(t.signatureFailures * t.stale * t.drifted * (t.digests - t.sbom)).toBeGreaterThan(0);
  });

  test('every cluster, namespace and repository row matches coverage()', async () => {
    const rows = await readGroupRows(browser.page);
    expect(rows).toHaveLength(cov.clusters.length + cov.namespaces.length + cov.repositories.length);
    expect(sortRows(rows)).toEqual(sortRows(expectedGroupRows(sweep)));
  });

  test('each linked figure shows exactly the records behind it', async () => {
    const b = browser;
    const links = await b.page.$$eval('a[data-n]', (as) => [...new Map(as.map((a) => [a.getAttribute('href')!, Number(a.getAttribute('data-n'))])).entries()]);
    expect(links.length).toBeGreaterThan(100);
    expect(await visibleRows(b)).toEqual([]);
    for (const [href, n] of links) {
      await goHash(b, url, href.slice(1));
      expect({ href, shown: (await visibleRows(b)).length }).toEqual({ href, shown: n });
    }
    // Clicking works the same way as opening the link.
    await b.page.goto(url);
    const payments = cov.repositories.find((g) => g.name === 'ghcr.io/acme/payments-api')!;
    await b.page.click('tr[data-name="ghcr.io/acme/payments-api"] a[data-m="digests"]');
    const shown = await visibleRows(b);
    expect(shown).toHaveLength(payments.digests);
    const ids = await b.page.$$eval('#records tbody tr', (rows) => rows.map((r) => r.id));
    expect(shown.sort()).toEqual(payments.records.map((i) => ids[i]!).sort());
    expect(await b.page.textContent('#flt')).toBe(`Showing ${payments.digests} digests in repository ghcr.io/acme/payments-api`);
    // A hostile group name reaches the filter label as text.
    await b.page.click(`tr[data-dim="namespace"][data-name="${HOSTILE.script}"] a[data-m="digests"]`);
    expect(await b.page.textContent('#flt')).toContain(`in namespace ${HOSTILE.script}`);
    expect(await b.page.$$eval('script', (s) => s.length)).toBe(1);
    // A digest link from a list shows that record only.
    await b.page.goto(url);
    const first = await b.page.$eval('#stale table a', (a) => a.getAttribute('href')!);
    await b.page.click(`#stale table a[href="${first}"]`);
    expect(await visibleRows(b)).toEqual([first.slice(1)]);
    await goHash(b, url, 'all');
    expect(await visibleRows(b)).toHaveLength(sweep.records.length);
    expect(b.dialogs).toEqual([]);
    expect(b.requests.every((u) => u.startsWith(url))).toBe(true);
  });
});

describe('dashboard at 10,000 digests', () => {
  test('renders, loads and filters; size and times printed', async () => {
    const sweep = largeSweep(10_000);
    const state = historyFor(sweep, 60);
    const t0 = performance.now();
    const page = renderDashboard(sweep, state);
    const renderMs = performance.now() - t0;
    const url = write('large.html', page);
    const b = browser;
    b.requests.length = 0;
    const t1 = performance.now();
    await b.page.goto(url, { waitUntil: 'load', timeout: 240_000 });
    const loadMs = performance.now() - t1;
    expect(await b.page.$$eval('#records tbody tr', (r) => r.length)).toBe(10_000);
    const cov = coverage(sweep);
    expect(Number(await b.page.getAttribute('#g-signed [data-m="unsigned"]', 'data-n'))).toBe(cov.total.digests - cov.total.signed);
    const t2 = performance.now();
    await b.page.click('#t-stale a', { timeout: 240_000 });
    const shown = (await visibleRows(b)).length;
    const filterMs = performance.now() - t2;
    expect(shown).toBe(cov.total.stale);
    expect(b.requests.every((u) => u.startsWith(url))).toBe(true);
    expect(b.dialogs).toEqual([]);
    process.stdout.write(
      `dashboard 10,000 digests: ${(Buffer.byteLength(page) / 1e6).toFixed(2)} MB, render ${renderMs.toFixed(0)} ms, chromium load ${loadMs.toFixed(0)} ms, stale filter ${filterMs.toFixed(0)} ms\n`,
    );
  });
});

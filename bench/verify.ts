/**
 * `verify` latency against a real registry (CNCF distribution, loopback) holding one image shipped
 * with keyless signing on the loopback Sigstore stack: in-process warm (one RegistryClient reused)
 * and as a cold CLI process (dist/cli, else a fresh ncc bundle), beside a bare `node -e 0` run
 * interleaved with it; the CLI's first run (which writes its code cache) is timed on its own. Prints measurements and BENCH-ROW lines beside the targets; asserts nothing.
 *
 *   node --require ./bench/register.js bench/verify.ts
 *   BENCH_WARM_RUNS=50 BENCH_CLI_RUNS=10 BENCH_CLI=/path/to/bundled/cli/index.js node --require ./bench/register.js bench/verify.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RegistryClient } from '../src/oci/registry';
import { loadPolicy } from '../src/policy/load';
import { ship } from '../src/ship/run';
import { verifyImage } from '../src/verify/verify-image';
import { DEFAULT_GITHUB_CLAIMS, GITHUB_ISSUER, startOidcServer } from '../test/support/oidc';
import { startRegistry } from '../test/support/registry';
import { makeFixtureSources, shipInputs, shipWorld } from '../test/support/ship-fixture';
import { startSigstoreStack } from '../test/support/sigstore';
import { printRow } from './support/rows';

const RUNS = Math.max(5, Number(process.env.BENCH_WARM_RUNS ?? 50));
const CLI_RUNS = Math.max(3, Number(process.env.BENCH_CLI_RUNS ?? Math.max(5, 2 * Number(process.env.BENCH_RUNS ?? 5))));
const WARMUP = 3;
const TARGET_WARM_MS = 30;
const TARGET_COLD_OVER_NODE = 3;
const DIST_CLI = path.join(__dirname, '..', 'dist', 'cli', 'index.js');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function line(label: string, samples: number[], target: number): string {
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  return `${label.padEnd(34)} p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   (target p50 <= ${target} ms: ${p50 <= target ? 'met' : 'NOT met'}; n=${samples.length})`;
}

/** The CLI as dist/ lays it out: the dispatcher, and the verify command as its own bundle beside it. */
function bundleCli(outDir: string): string {
  const root = path.resolve(__dirname, '..');
  const ncc = (entry: string, out: string) =>
    execFileSync(process.execPath, [path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js'), 'build', path.join(root, entry), '-o', out, '--target', 'es2022', '-q'], {
      cwd: root,
      stdio: 'inherit',
    });
  ncc('src/cli/index.ts', outDir);
  ncc('src/cli/commands/verify.ts', path.join(outDir, 'commands', 'verify'));
  return path.join(outDir, 'index.js');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ship-image-bench-verify-'));
  const [registry, oidc] = await Promise.all([startRegistry('open'), startOidcServer()]);
  const stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
  const client = new RegistryClient();
  try {
    const sources = await makeFixtureSources(path.join(dir, 'sources'));
    const sigstore = { fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL };
    const shipped = await ship(shipInputs(sources.patched, `${registry.host}/bench/api`, sources.trivyCache, path.join(dir, 'out'), { sigstore }), shipWorld(dir, oidc));
    const imageRef = `${registry.host}/bench/api@${shipped.outputs.digest}`;
    const policyFile = path.join(dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      [
        'apiVersion: ship-image/v1',
        'kind: Policy',
        'metadata: {name: bench}',
        'spec:',
        `  images: ["${registry.host}/*"]`,
        `  sigstore: {trustedRoot: ${JSON.stringify(stack.trustedRootPath)}}`,
        `  identities: [{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: ${JSON.stringify(`https://github.com/${DEFAULT_GITHUB_CLAIMS.job_workflow_ref}`)}}]`,
        '',
      ].join('\n'),
    );
    const policy = loadPolicy(policyFile);
    console.log(`image ${imageRef}: ${Object.keys(shipped.outputs.referrers).length} Sigstore bundle referrers (keyless, Rekor + TSA), fallback tag`);

    const warm: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const started = process.hrtime.bigint();
      const report = await verifyImage(imageRef, policy, { client });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (!report.allowed) throw new Error(`the bench image was denied: ${report.rules.map((r) => r.reason).join('; ')}`);
      if (i >= WARMUP) warm.push(ms);
    }

    const cli = process.env.BENCH_CLI ?? (existsSync(DIST_CLI) ? DIST_CLI : bundleCli(path.join(dir, 'cli')));
    const cold: number[] = [];
    const bareNode: number[] = [];
    // The CLI's code cache in a directory of its own: the first run after an install writes it.
    const env = { ...process.env, SHIP_IMAGE_CODE_CACHE: path.join(dir, 'code-cache') };
    const runCli = () => spawnSync(process.execPath, [cli, 'verify', imageRef, '--policy', policyFile, '--json'], { encoding: 'utf8', env });
    const firstStarted = process.hrtime.bigint();
    const firstRun = runCli();
    const firstMs = Number(process.hrtime.bigint() - firstStarted) / 1e6;
    if (firstRun.status !== 0) throw new Error(`the CLI exited ${firstRun.status}: ${firstRun.stderr}`);
    // interleaved: the CLI and bare node see the same machine load
    for (let i = 0; i < CLI_RUNS; i++) {
      let started = process.hrtime.bigint();
      const run = runCli();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (run.status !== 0) throw new Error(`the CLI exited ${run.status}: ${run.stderr}`);
      cold.push(ms);
      started = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0']);
      bareNode.push(Number(process.hrtime.bigint() - started) / 1e6);
    }

    const coldP50 = percentile(cold, 50);
    const nodeP50 = percentile(bareNode, 50);
    console.log(line('verify, in-process warm', warm, TARGET_WARM_MS));
    console.log(`${'verify, cold CLI process'.padEnd(34)} p50 ${coldP50.toFixed(1).padStart(7)} ms   p95 ${percentile(cold, 95).toFixed(1).padStart(7)} ms   (${path.relative(process.cwd(), cli) || cli}; n=${cold.length})`);
    console.log(`${'(node -e 0 alone, for scale)'.padEnd(34)} p50 ${nodeP50.toFixed(1).padStart(7)} ms   cold CLI ÷ node = ${(coldP50 / nodeP50).toFixed(2)} (target <= ${TARGET_COLD_OVER_NODE})`);
    const warmP50 = percentile(warm, 50);
    const warmP95 = percentile(warm, 95);
    printRow({ name: 'verify, in-process warm, p50', value: warmP50, unit: 'ms', target: `≤ ${TARGET_WARM_MS} ms`, met: warmP50 <= TARGET_WARM_MS });
    printRow({ name: 'verify, in-process warm, p95', value: warmP95, unit: 'ms', target: `≤ ${TARGET_WARM_MS} ms`, met: warmP95 <= TARGET_WARM_MS });
    console.log(`${'verify, cold CLI, first run'.padEnd(34)}     ${firstMs.toFixed(1).padStart(7)} ms   (no code cache yet: it is written by this run)`);
    printRow({ name: 'verify, cold CLI, first run after install (writes the code cache)', value: firstMs, unit: 'ms' });
    printRow({ name: 'verify, cold CLI process, p50', value: coldP50, unit: 'ms' });
    printRow({ name: 'verify, cold CLI p50 ÷ node -e 0 p50', value: coldP50 / nodeP50, unit: '×', target: `≤ ${TARGET_COLD_OVER_NODE}×`, met: coldP50 / nodeP50 <= TARGET_COLD_OVER_NODE });
  } finally {
    client.close();
    await Promise.all([registry.stop(), stack.stop(), oidc.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * `verify` latency against a real registry (CNCF distribution, loopback) holding one image shipped
 * with keyless signing on the loopback Sigstore stack: in-process warm (one RegistryClient reused)
 * and as a cold CLI process (dist/cli, else a fresh ncc bundle), beside a bare `node -e 0` run
 * interleaved with it. Prints measurements and BENCH-ROW lines beside the targets; asserts nothing.
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

    writeFileSync('/tmp/vprobe.env', `IMG=${imageRef}\nPOL=${policyFile}\n`);
    const { existsSync: ex } = await import('node:fs');
    while (!ex('/tmp/vprobe.stop')) await new Promise((r) => setTimeout(r, 500));
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

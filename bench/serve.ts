/**
 * `ship-image serve` latency and load against a real registry (CNCF distribution, loopback) holding
 * an image shipped with keyless signing on the loopback Sigstore stack, copied with its referrers
 * into many repositories so that every cold request meets an image no cache has seen. The server
 * runs in this process over real TLS; requests are Gatekeeper ProviderRequests with tag keys (so
 * every request, warm or cold, resolves its tags against the registry). The answer deadline is
 * lifted so a cold figure is the time to the full verdicts, not serve's 1.5 s cut-off. Prints measurements beside
 * the targets and one BENCH-ROW per figure; asserts nothing.
 *
 *   node --require ./bench/register.js bench/serve.ts
 *   BENCH_RUNS=20 BENCH_LOAD_SECONDS=10 node --require ./bench/register.js bench/serve.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../src/core/log';
import { mapLimited } from '../src/core/map-limited';
import { RegistryClient } from '../src/oci/registry';
import { serve } from '../src/serve/run';
import { ship } from '../src/ship/run';
import { httpsRequest, providerRequest } from '../test/support/admission-requests';
import { DEFAULT_GITHUB_CLAIMS, GITHUB_ISSUER, startOidcServer } from '../test/support/oidc';
import { writePolicyFile } from '../test/support/policy-file';
import { startRegistry } from '../test/support/registry';
import { copyWithReferrers, makeFixtureSources, shipInputs, shipWorld } from '../test/support/ship-fixture';
import { startSigstoreStack } from '../test/support/sigstore';
import { makeServerTls } from '../test/support/tls';
import { printRow } from './support/rows';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 20));
const COLD_20_RUNS = Math.max(3, Math.round(RUNS / 4));
const LOAD_SECONDS = Math.max(2, Number(process.env.BENCH_LOAD_SECONDS ?? 10));
const CLIENTS = 50;
const BATCH = 20;
/** Gatekeeper's own validating webhook timeout by default (validatingWebhookTimeoutSeconds: 3): no provider call can take longer. */
const GATEKEEPER_TIMEOUT_MS = 3000;
/** The Provider timeout `policy render --engine gatekeeper` writes by default. */
const RENDERED_PROVIDER_TIMEOUT_MS = 2000;
const TARGET_WARM_P50_MS = 5;
const TARGET_COLD_P50_MS = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function report(label: string, samples: number[], target?: { p50: number }): void {
  const p50 = percentile(samples, 50);
  const p95 = percentile(samples, 95);
  const verdict = target ? `   (target p50 <= ${target.p50} ms: ${p50 <= target.p50 ? 'met' : 'NOT met'})` : '';
  process.stdout.write(`${label.padEnd(36)} p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   n=${samples.length}${verdict}\n`);
  printRow({ name: `serve ${label} p50`, value: Number(p50.toFixed(2)), unit: 'ms', ...(target ? { target: `≤ ${target.p50}`, met: p50 <= target.p50 } : {}) });
  printRow({ name: `serve ${label} p95`, value: Number(p95.toFixed(2)), unit: 'ms' });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ship-image-bench-serve-'));
  const [registry, oidc] = await Promise.all([startRegistry('open'), startOidcServer()]);
  const stack = await startSigstoreStack({ oidcIssuers: [{ issuer: oidc.issuer, publicKey: oidc.publicKey }] });
  const client = new RegistryClient();
  const agent = new https.Agent({ keepAlive: true, maxSockets: CLIENTS });
  let serving: Awaited<ReturnType<typeof serve>> | undefined;
  try {
    const sources = await makeFixtureSources(path.join(dir, 'sources'));
    const sigstore = { fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL };
    const shipped = await ship(shipInputs(sources.patched, `${registry.host}/bench/api`, sources.trivyCache, path.join(dir, 'out'), { sigstore }), shipWorld(dir, oidc));
    const digest = shipped.outputs.digest;
    const source = client.repository(registry.host, 'bench/api');
    // One repository per cold sample: the verdict and bundle caches are keyed by repository and digest.
    const repos = Array.from({ length: RUNS + COLD_20_RUNS * BATCH + BATCH }, (_, i) => `bench/copy-${i}`);
    await mapLimited(repos, 4, (repo) => copyWithReferrers(source, client.repository(registry.host, repo), digest, 'v1'));
    const key = (repo: string) => `${registry.host}/${repo}:v1`;

    const tls = makeServerTls(dir);
    const policyFile = writePolicyFile(dir, 'policy', {
      images: `${registry.host}/*`,
      trustedRoot: stack.trustedRootPath,
      identities: [`{issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: "https://github.com/${DEFAULT_GITHUB_CLAIMS.job_workflow_ref as string}"}`],
      require: ['vulnerabilities: {maxScanAge: 168h, criticalGrace: 168h}'],
    });
    serving = await serve({ policyFile, tls: { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, host: '127.0.0.1', port: 0, audit: false, cacheTtlMs: 300_000, registry: {}, logger: silentLogger, watch: false, gatekeeperDeadlineMs: 120_000 });
    const port = serving.port;
    let errors = 0;
    const ask = async (keys: string[]): Promise<number> => {
      const start = process.hrtime.bigint();
      const res = await httpsRequest(port, 'POST', '/gatekeeper', { ca: tls.caPem, agent }, providerRequest(keys));
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const items = res.status === 200 ? (res.json().response.items as Array<{ value?: { allowed: boolean } }>) : [];
      if (items.length !== keys.length || items.some((i) => i.value?.allowed !== true)) errors++;
      return ms;
    };
    let next = 0;
    const fresh = (n: number) => repos.slice(next, (next += n)).map(key);

    await ask(fresh(1)); // TLS session, code paths, the trusted root: once per process, not per image
    const cold1: number[] = [];
    for (let i = 0; i < RUNS - 1; i++) cold1.push(await ask(fresh(1)));
    const cold20: number[] = [];
    for (let i = 0; i < COLD_20_RUNS; i++) cold20.push(await ask(fresh(BATCH)));
    const warmKeys = fresh(BATCH);
    await ask(warmKeys);
    const warm1: number[] = [];
    const warm20: number[] = [];
    for (let i = 0; i < RUNS * 5; i++) warm1.push(await ask([warmKeys[0]!]));
    for (let i = 0; i < RUNS * 2; i++) warm20.push(await ask(warmKeys));
    const coldErrors = errors;

    process.stdout.write(`serve over HTTPS, Gatekeeper ProviderRequests with tag keys, registry ${registry.host} (loopback)\n`);
    report('cold, 1 image', cold1, { p50: TARGET_COLD_P50_MS });
    report('cold, 20 distinct images', cold20);
    report('warm, 1 image', warm1, { p50: TARGET_WARM_P50_MS });
    report('warm, 20 distinct images', warm20);
    const margin = GATEKEEPER_TIMEOUT_MS - percentile(cold20, 95);
    process.stdout.write(
      `Gatekeeper provider timeout ${GATEKEEPER_TIMEOUT_MS} ms; 20 cold images p95 ${percentile(cold20, 95).toFixed(0)} ms: margin ${margin.toFixed(0)} ms (${(GATEKEEPER_TIMEOUT_MS / percentile(cold20, 95)).toFixed(1)}x)\n`,
    );
    printRow({ name: 'serve 20 cold images: margin under the 3 s Gatekeeper timeout (p95)', value: Math.round(margin), unit: 'ms', target: '> 0', met: margin > 0 });
    const rendered = RENDERED_PROVIDER_TIMEOUT_MS - percentile(cold20, 95);
    process.stdout.write(`rendered Provider timeout ${RENDERED_PROVIDER_TIMEOUT_MS} ms: margin ${rendered.toFixed(0)} ms\n`);
    printRow({ name: 'serve 20 cold images: margin under the rendered 2 s Provider timeout (p95)', value: Math.round(rendered), unit: 'ms' });

    // Sustained load: 50 clients, each one request after another, warm single-image requests (each resolves its tag).
    errors = 0;
    let done = 0;
    const until = Date.now() + LOAD_SECONDS * 1000;
    const loadStart = process.hrtime.bigint();
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        while (Date.now() < until) {
          latencies.push(await ask([warmKeys[(c + done) % warmKeys.length]!]));
          done++;
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - loadStart) / 1e9;
    process.stdout.write(`load: ${CLIENTS} clients for ${seconds.toFixed(1)} s: ${(done / seconds).toFixed(0)} requests/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, ${errors} errors (target 0)\n`);
    printRow({ name: `serve sustained, ${CLIENTS} concurrent clients`, value: Math.round(done / seconds), unit: 'requests/s' });
    printRow({ name: `serve errors under ${CLIENTS}-client load`, value: errors, unit: 'requests', target: '0', met: errors === 0 });
    if (coldErrors) process.stdout.write(`warning: ${coldErrors} latency requests were not answered 'allowed'\n`);
  } finally {
    agent.destroy();
    await serving?.close();
    client.close();
    await Promise.all([registry.stop(), stack.stop(), oidc.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/serve: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * Registry client benchmark against a real CNCF distribution registry (open mode, loopback).
 * Prints measurements only; asserts nothing.
 *
 *   node --require ./bench/register.js bench/registry.ts        (BENCH_RUNS=5 by default)
 */
import { randomBytes } from 'node:crypto';
import { OCI_CONFIG, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../src/oci/media-types';
import { RegistryClient, type RegistryClientOptions } from '../src/oci/registry';
import type { ImageManifest } from '../src/oci/types';
import { startRegistry, type TestRegistry } from '../test/support/registry';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const SMALL_BLOB_BYTES = 4 * 1024;
const SMALL_BLOB_COUNT = Number(process.env.BENCH_SMALL_BLOBS ?? 200);
const SMALL_BLOB_CONCURRENCY = 8;
const BIG_BLOB_BYTES = 50 * 1000 * 1000;
const MONOLITHIC = 1024 * 1024 * 1024;
const CHUNK_SIZES = [5 * 1024 * 1024, 16 * 1024 * 1024];
const MB = 1000 * 1000;

interface Measured {
  seconds: number;
  requests: number;
  bytesUp: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

let repoCounter = 0;
/** Run `work` with a fresh client and repository; measure wall time, requests and bytes sent. */
async function measure(registry: TestRegistry, opts: RegistryClientOptions, work: (c: RegistryClient, repository: string) => Promise<void>): Promise<Measured> {
  const client = new RegistryClient(opts);
  const repository = `bench/r${++repoCounter}`;
  try {
    const started = process.hrtime.bigint();
    await work(client, repository);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = client.stats();
    return { seconds, requests: stats.requests, bytesUp: stats.bytesUp };
  } finally {
    client.close();
  }
}

interface SmallImage {
  config: Buffer;
  layer: Buffer;
}

function newSmallImage(): SmallImage {
  return { config: Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') })), layer: randomBytes(SMALL_BLOB_BYTES) };
}

async function pushOneLayerImage(client: RegistryClient, registry: TestRegistry, repository: string, image: SmallImage): Promise<void> {
  const repo = client.repository(registry.host, repository);
  const config = await repo.putBlob(image.config, OCI_CONFIG);
  const layer = await repo.putBlob(image.layer, OCI_LAYER_TAR_GZIP);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  await repo.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, 'latest');
}

async function pushSmallBlobs(client: RegistryClient, registry: TestRegistry, repository: string, concurrency: number): Promise<void> {
  const repo = client.repository(registry.host, repository);
  const blobs = Array.from({ length: SMALL_BLOB_COUNT }, () => randomBytes(SMALL_BLOB_BYTES));
  let next = 0;
  const worker = async () => {
    while (next < blobs.length) await repo.putBlob(blobs[next++]!, OCI_LAYER_TAR_GZIP);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function report(label: string, runs: Measured[], payloadBytes: number): void {
  const seconds = median(runs.map((r) => r.seconds));
  const requests = median(runs.map((r) => r.requests));
  const mbps = payloadBytes / MB / seconds;
  process.stdout.write(`${label.padEnd(46)} ${(seconds * 1000).toFixed(0).padStart(7)} ms  ${mbps.toFixed(2).padStart(8)} MB/s  ${String(requests).padStart(5)} requests\n`);
}

async function main(): Promise<void> {
  const registry = await startRegistry('open');
  try {
    process.stdout.write(`registry client benchmark: distribution 2.8 at ${registry.url}, median of ${RUNS} runs, node ${process.version}\n\n`);

    const firstPush: Measured[] = [];
    const repeatPush: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      let repoName = '';
      const image = newSmallImage();
      firstPush.push(await measure(registry, {}, async (c, r) => {
        repoName = r;
        await pushOneLayerImage(c, registry, r, image);
      }));
      // The same image again with a new client: both blobs exist (HEAD only), the manifest is re-put.
      repeatPush.push(await measure(registry, {}, (c) => pushOneLayerImage(c, registry, repoName, image)));
    }
    process.stdout.write(`requests per push, image with 1 small layer (config + 4 KiB layer + manifest):\n`);
    process.stdout.write(`  fresh repository: ${median(firstPush.map((m) => m.requests))} requests, ${(median(firstPush.map((m) => m.seconds)) * 1000).toFixed(1)} ms\n`);
    process.stdout.write(`  same image again (blobs present): ${median(repeatPush.map((m) => m.requests))} requests\n`);
    process.stdout.write(`  (each count includes the one failed TLS attempt that tells a loopback registry speaks plain HTTP)\n\n`);

    const smallSeq: Measured[] = [];
    const smallPar: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      smallSeq.push(await measure(registry, {}, (c, r) => pushSmallBlobs(c, registry, r, 1)));
      smallPar.push(await measure(registry, {}, (c, r) => pushSmallBlobs(c, registry, r, SMALL_BLOB_CONCURRENCY)));
    }
    const smallBytes = SMALL_BLOB_BYTES * SMALL_BLOB_COUNT;
    report(`${SMALL_BLOB_COUNT} × 4 KiB blobs, one at a time`, smallSeq, smallBytes);
    report(`${SMALL_BLOB_COUNT} × 4 KiB blobs, ${SMALL_BLOB_CONCURRENCY} at a time`, smallPar, smallBytes);

    const big = randomBytes(BIG_BLOB_BYTES);
    const variants: Array<[string, number]> = [['50 MB blob, monolithic (POST + PUT)', MONOLITHIC], ...CHUNK_SIZES.map((s): [string, number] => [`50 MB blob, chunked PATCH ${s / 1024 / 1024} MiB`, s])];
    for (const [label, chunkSize] of variants) {
      const runs: Measured[] = [];
      for (let i = 0; i < RUNS; i++) {
        big.writeUInt32BE(repoCounter + 1, 0); // a new digest per run, so nothing is deduplicated
        runs.push(await measure(registry, { chunkSize }, (c, r) => c.repository(registry.host, r).putBlob(big, OCI_LAYER_TAR_GZIP).then(() => undefined)));
      }
      report(label, runs, BIG_BLOB_BYTES);
    }
  } finally {
    await registry.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 1;
});

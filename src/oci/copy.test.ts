import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyImage } from './copy';
import { OciLayoutStore } from './layout';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_TAR, OCI_MANIFEST } from './media-types';
import type { Descriptor, ImageIndex, ImageManifest } from './types';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'copy-unit-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A two-platform index; JSON written with odd spacing so that re-serialising would change the digest. */
async function multiArch(store: OciLayoutStore): Promise<Descriptor> {
  const children: Descriptor[] = [];
  for (const arch of ['amd64', 'arm64']) {
    const config = await store.putBlob(Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })), OCI_CONFIG);
    const layer = await store.putBlob(Buffer.from(`layer for ${arch}`), OCI_LAYER_TAR);
    const shared = await store.putBlob(Buffer.from('shared layer'), OCI_LAYER_TAR);
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer, shared] };
    const put = await store.putManifest(Buffer.from(JSON.stringify(manifest, null, 3)), OCI_MANIFEST);
    children.push({ ...put.descriptor, platform: { architecture: arch, os: 'linux' } });
  }
  const index: ImageIndex = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: children };
  return (await store.putManifest(Buffer.from(JSON.stringify(index, null, 1)), OCI_INDEX, 'v1')).descriptor;
}

test('copies an index with its children and blobs, bytes unchanged', async () => {
  const from = new OciLayoutStore(path.join(dir, 'from'));
  const to = new OciLayoutStore(path.join(dir, 'to'));
  const source = await multiArch(from);
  const copied = await copyImage(from, 'v1', to);
  expect(copied).toEqual(source);
  expect((await to.resolve('v1')).digest).toBe(source.digest);
  const index = (await to.getManifest('v1')).manifest as ImageIndex;
  for (const child of index.manifests) {
    const fetched = await to.getManifest(child.digest);
    expect(fetched.bytes).toEqual((await from.getManifest(child.digest)).bytes);
    const m = fetched.manifest as ImageManifest;
    for (const blob of [m.config, ...m.layers]) expect(await to.hasBlob(blob.digest)).toBe(true);
  }
  // Again, under another tag: nothing left to transfer, same digest.
  expect((await copyImage(from, source.digest, to, 'again')).digest).toBe(source.digest);
  expect(await to.listTags()).toEqual(['again', 'v1']);
});

test('a missing child in the source is a clear error', async () => {
  const from = new OciLayoutStore(path.join(dir, 'broken'));
  const source = await multiArch(from);
  const index = (await from.getManifest(source.digest)).manifest as ImageIndex;
  await fs.rm(path.join(from.dir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)));
  await expect(copyImage(from, 'v1', new OciLayoutStore(path.join(dir, 'to2')))).rejects.toThrow(/lacks sha256:[0-9a-f]+, a manifest its index lists/);
});

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256Digest } from './digest';
import { OciLayoutStore } from './layout';
import { ANNOTATION, EMPTY_JSON, EMPTY_JSON_DIGEST, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { ConflictError, NotFoundError } from './store';
import type { Descriptor, ImageIndex, ImageManifest } from './types';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'layout-unit-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

let n = 0;
async function freshStore(): Promise<OciLayoutStore> {
  return new OciLayoutStore(path.join(root, `l${n++}`));
}

function manifestBytes(extra: Partial<ImageManifest> = {}, layerText = 'hello'): Buffer {
  const layer = Buffer.from(layerText);
  const m: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 },
    layers: [{ mediaType: 'text/plain', digest: sha256Digest(layer), size: layer.length }],
    ...extra,
  };
  return Buffer.from(JSON.stringify(m));
}

async function readIndex(store: OciLayoutStore): Promise<ImageIndex> {
  return JSON.parse(await fs.readFile(path.join(store.dir, 'index.json'), 'utf8')) as ImageIndex;
}

test('writes the layout files and reads back blobs and tagged manifests', async () => {
  const store = await freshStore();
  const blob = await store.putBlob(EMPTY_JSON, OCI_EMPTY);
  expect(blob).toEqual({ mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 });
  expect(await store.hasBlob(EMPTY_JSON_DIGEST)).toBe(true);
  expect((await store.getBlob(blob)).toString()).toBe('{}');

  const bytes = manifestBytes();
  const put = await store.putManifest(bytes, OCI_MANIFEST, 'v1');
  expect(put.descriptor.digest).toBe(sha256Digest(bytes));
  expect(put.subjectIndexed).toBe(true);
  expect(JSON.parse(await fs.readFile(path.join(store.dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  const hex = put.descriptor.digest.slice('sha256:'.length);
  expect(await fs.readFile(path.join(store.dir, 'blobs', 'sha256', hex))).toEqual(bytes);

  expect(await store.resolve('v1')).toEqual({ mediaType: OCI_MANIFEST, digest: put.descriptor.digest, size: bytes.length });
  const fetched = await store.getManifest('v1');
  expect(fetched.bytes).toEqual(bytes);
  expect((await store.getManifest(put.descriptor.digest)).descriptor.digest).toBe(put.descriptor.digest);
  expect(await store.listTags()).toEqual(['v1']);
  const index = await readIndex(store);
  expect(index.manifests).toEqual([{ ...put.descriptor, annotations: { [ANNOTATION.refName]: 'v1' } }]);
});

test('writing a tag replaces the old entry of that name; untagged writes add one entry', async () => {
  const store = await freshStore();
  const a = await store.putManifest(manifestBytes({}, 'a'), OCI_MANIFEST, 'latest');
  const b = await store.putManifest(manifestBytes({}, 'b'), OCI_MANIFEST, 'latest');
  const c = await store.putManifest(manifestBytes({}, 'c'), OCI_MANIFEST);
  await store.putManifest(manifestBytes({}, 'c'), OCI_MANIFEST);
  expect((await store.resolve('latest')).digest).toBe(b.descriptor.digest);
  const digests = (await readIndex(store)).manifests.map((d) => d.digest);
  expect(digests).toEqual([b.descriptor.digest, c.descriptor.digest]);
  expect(digests).not.toContain(a.descriptor.digest);
  // Tagging an untagged manifest turns its entry into the tagged one.
  await store.putManifest(manifestBytes({}, 'c'), OCI_MANIFEST, 'c');
  expect((await readIndex(store)).manifests.filter((d) => d.digest === c.descriptor.digest)).toHaveLength(1);
});

test('answers referrers from every manifest whose subject matches, filtered by artifactType', async () => {
  const store = await freshStore();
  const image = await store.putManifest(manifestBytes(), OCI_MANIFEST, 'latest');
  const subject: Descriptor = image.descriptor;
  const sbom = await store.putManifest(manifestBytes({ artifactType: 'application/x-sbom', subject, annotations: { a: '1' } }), OCI_MANIFEST);
  const sig = await store.putManifest(manifestBytes({ artifactType: 'application/x-sig', subject }), OCI_MANIFEST);
  await store.putManifest(manifestBytes({ artifactType: 'application/x-other' }), OCI_MANIFEST);

  const all = await store.referrersApi(subject.digest);
  expect(all.map((d) => d.digest).sort()).toEqual([sbom.descriptor.digest, sig.descriptor.digest].sort());
  expect(all.find((d) => d.digest === sbom.descriptor.digest)).toEqual({
    mediaType: OCI_MANIFEST,
    digest: sbom.descriptor.digest,
    size: sbom.descriptor.size,
    artifactType: 'application/x-sbom',
    annotations: { a: '1' },
  });
  expect((await store.referrersApi(subject.digest, 'application/x-sig')).map((d) => d.digest)).toEqual([sig.descriptor.digest]);
  expect(await store.referrersApi(sha256Digest('nothing'))).toEqual([]);
});

test('a referrer that loses its tag stays reachable as an untagged entry', async () => {
  const store = await freshStore();
  const image = await store.putManifest(manifestBytes(), OCI_MANIFEST, 'latest');
  const ref = await store.putManifest(manifestBytes({ artifactType: 'x/y', subject: image.descriptor }), OCI_MANIFEST, 'tagged');
  await store.putManifest(manifestBytes({}, 'other'), OCI_MANIFEST, 'tagged');
  expect((await store.referrersApi(image.descriptor.digest)).map((d) => d.digest)).toEqual([ref.descriptor.digest]);
});

test('not found, corrupt blobs and conditional writes', async () => {
  const store = await freshStore();
  await expect(store.resolve('nope')).rejects.toBeInstanceOf(NotFoundError);
  await expect(store.resolve(sha256Digest('x'))).rejects.toBeInstanceOf(NotFoundError);
  expect(await store.listTags()).toEqual([]);

  const first = await store.putManifest(manifestBytes({}, '1'), OCI_MANIFEST, 't', { ifNoneMatch: true });
  await expect(store.putManifest(manifestBytes({}, '2'), OCI_MANIFEST, 't', { ifNoneMatch: true })).rejects.toBeInstanceOf(ConflictError);
  await expect(store.putManifest(manifestBytes({}, '2'), OCI_MANIFEST, 't', { ifMatch: sha256Digest('other') })).rejects.toBeInstanceOf(ConflictError);
  await store.putManifest(manifestBytes({}, '2'), OCI_MANIFEST, 't', { ifMatch: first.descriptor.digest });

  const blob = await store.putBlob(Buffer.from('payload'), 'text/plain');
  await fs.writeFile(path.join(store.dir, 'blobs', 'sha256', blob.digest.slice(7)), 'tampered');
  await expect(store.getBlob(blob)).rejects.toThrow(/corrupt/);
  await expect(store.getBlob(blob, 3)).rejects.toThrow(/more than the 3 allowed/);
  await expect(store.putManifest(manifestBytes(), OCI_MANIFEST, sha256Digest('wrong'))).rejects.toThrow(/not the/);
});

test('deleteManifest drops every index entry for that digest', async () => {
  const store = await freshStore();
  const image = await store.putManifest(manifestBytes(), OCI_MANIFEST, 'latest');
  const ref = await store.putManifest(manifestBytes({ artifactType: 'x/y', subject: image.descriptor }), OCI_MANIFEST);
  await store.deleteManifest(ref.descriptor.digest);
  expect(await store.referrersApi(image.descriptor.digest)).toEqual([]);
});

test('concurrent writers in one process lose no index entries', async () => {
  const store = await freshStore();
  const puts = Array.from({ length: 40 }, (_, i) =>
    i % 2 ? store.putManifest(manifestBytes({}, `m${i}`), OCI_MANIFEST) : store.putManifest(manifestBytes({}, `m${i}`), OCI_MANIFEST, `t${i}`),
  );
  const results = await Promise.all(puts);
  const index = await readIndex(store);
  expect(index.mediaType).toBe(OCI_INDEX);
  expect(new Set(index.manifests.map((d) => d.digest))).toEqual(new Set(results.map((r) => r.descriptor.digest)));
  expect(await store.listTags()).toHaveLength(20);
  const leftovers = (await fs.readdir(store.dir)).filter((f) => f.startsWith('.tmp') || f.endsWith('.lock'));
  expect(leftovers).toEqual([]);
});

test('refuses an unknown layout version', async () => {
  const store = await freshStore();
  await fs.mkdir(store.dir, { recursive: true });
  await fs.writeFile(path.join(store.dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
  await expect(store.listTags()).rejects.toThrow(/unsupported oci-layout/);
});

test('tagged entries come before untagged ones; a re-tag keeps its place', async () => {
  const store = await freshStore();
  const untagged = await store.putManifest(manifestBytes({}, 'u'), OCI_MANIFEST);
  const first = await store.putManifest(manifestBytes({}, 'x1'), OCI_MANIFEST, 'x');
  const other = await store.putManifest(manifestBytes({}, 'y'), OCI_MANIFEST, 'y');
  const second = await store.putManifest(manifestBytes({}, 'x2'), OCI_MANIFEST, 'x');
  expect((await readIndex(store)).manifests.map((d) => d.digest)).toEqual([second.descriptor.digest, other.descriptor.digest, untagged.descriptor.digest]);
  expect(first.descriptor.digest).not.toBe(second.descriptor.digest);
});

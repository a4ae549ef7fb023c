/**
 * The registry client against a real CNCF distribution 2.8 registry (open mode) and, for the
 * referrers API, the referrers double in front of it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../src/core/errors';
import { sha256Digest } from '../src/oci/digest';
import { RegistryError } from '../src/oci/errors';
import { EMPTY_JSON, OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER_TAR_GZIP, OCI_MANIFEST, SIGSTORE_BUNDLE_V03 } from '../src/oci/media-types';
import { selectPlatform } from '../src/oci/platform';
import { RegistryClient, type RegistryRepository } from '../src/oci/registry';
import { NotFoundError } from '../src/oci/store';
import type { Descriptor, ImageIndex, ImageManifest } from '../src/oci/types';
import { twoPlatformIndex } from './support/multi-platform';
import { startReferrersDouble, type ReferrersDouble } from './support/referrers-double';
import { startRegistry, type TestRegistry } from './support/registry';

/** Push a one-layer image; returns its manifest descriptor and bytes. */
async function pushImage(repo: RegistryRepository, tag: string | undefined, layerText: string): Promise<{ descriptor: Descriptor; bytes: Buffer }> {
  const config = await repo.putBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })), OCI_CONFIG);
  const layer = await repo.putBlob(Buffer.from(layerText), OCI_LAYER_TAR_GZIP);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const put = await repo.putManifest(bytes, OCI_MANIFEST, tag);
  return { descriptor: put.descriptor, bytes };
}

/** A Sigstore-bundle-shaped referrer of `subject`. */
async function pushReferrer(repo: RegistryRepository, subject: Descriptor, artifactType: string, payload: string) {
  await repo.putBlob(EMPTY_JSON, OCI_EMPTY);
  const layer = await repo.putBlob(Buffer.from(payload), artifactType);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: OCI_EMPTY, digest: sha256Digest(EMPTY_JSON), size: 2 },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  return repo.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST);
}

describe('RegistryClient against distribution 2.8 (open)', () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  let tmp: string;

  beforeAll(async () => {
    registry = await startRegistry('open');
    client = new RegistryClient({ chunkSize: 64 * 1024 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-oci-registry-'));
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('speaks plain HTTP to a loopback registry and pushes, resolves and pulls an image', async () => {
    const repo = client.repository(registry.host, 'acme/api');
    const pushed = await pushImage(repo, 'v1', 'layer one');
    const resolved = await repo.resolve('v1');
    expect(resolved).toEqual({ mediaType: OCI_MANIFEST, digest: pushed.descriptor.digest, size: pushed.bytes.length });
    const byTag = await repo.getManifest('v1');
    expect(byTag.bytes.equals(pushed.bytes)).toBe(true);
    expect(byTag.descriptor).toEqual(resolved);
    const byDigest = await repo.getManifest(pushed.descriptor.digest);
    expect((byDigest.manifest as ImageManifest).layers).toHaveLength(1);
    const layer = (byDigest.manifest as ImageManifest).layers[0]!;
    expect((await repo.getBlob(layer)).toString()).toBe('layer one');
  });

  it('agrees on plain HTTP when the first requests of a new client run concurrently', async () => {
    const fresh = new RegistryClient();
    try {
      const repo = fresh.repository(registry.host, 'acme/concurrent');
      const blobs = Array.from({ length: 6 }, (_, i) => Buffer.from(`concurrent blob ${i}`));
      const descs = await Promise.all(blobs.map((b) => repo.putBlob(b, OCI_LAYER_TAR_GZIP)));
      expect(descs.map((d) => d.digest)).toEqual(blobs.map((b) => sha256Digest(b)));
    } finally {
      fresh.close();
    }
  });

  it('skips the upload when the blob is already there (one HEAD)', async () => {
    const repo = client.repository(registry.host, 'acme/dedupe');
    const content = Buffer.from('same bytes');
    await repo.putBlob(content, OCI_LAYER_TAR_GZIP);
    const before = client.stats().requests;
    await repo.putBlob(content, OCI_LAYER_TAR_GZIP);
    expect(client.stats().requests - before).toBe(1);
    expect(await repo.hasBlob(sha256Digest(content))).toBe(true);
    expect(await repo.hasBlob(sha256Digest('absent'))).toBe(false);
  });

  it('one blob pushed by many at once is uploaded once, and manifests naming it all land', async () => {
    const repo = client.repository(registry.host, 'acme/same-blob');
    const content = Buffer.from('one layer pushed by eight referrers at once');
    const before = client.stats().requests;
    await Promise.all(Array.from({ length: 8 }, () => repo.putBlob(content, OCI_LAYER_TAR_GZIP)));
    // One HEAD + POST + PUT for the upload, then a HEAD for each of the seven that waited.
    expect(client.stats().requests - before).toBe(3 + 7);
    // Referrers sharing the empty config, pushed at once to a repository that has none of it yet.
    const subject = (await pushImage(repo, 'v1', 'subject')).descriptor;
    const referrers = await Promise.all(Array.from({ length: 8 }, (_, i) => pushReferrer(repo, subject, 'application/x-test', `payload ${i}`)));
    expect(new Set(referrers.map((r) => r.descriptor.digest)).size).toBe(8);
    // Each one really is in the registry, not only answered 201.
    for (const r of referrers) expect(await repo.resolve(r.descriptor.digest)).toEqual({ mediaType: OCI_MANIFEST, digest: r.descriptor.digest, size: r.descriptor.size });
  });

  it('uploads monolithically up to the chunk size (POST + PUT) and in PATCH chunks above it', async () => {
    const repo = client.repository(registry.host, 'acme/chunks');
    const small = Buffer.alloc(64 * 1024, 1);
    let before = client.stats().requests;
    await repo.putBlob(small, OCI_LAYER_TAR_GZIP);
    expect(client.stats().requests - before).toBe(3); // HEAD, POST, PUT
    const big = Buffer.alloc(64 * 1024 * 3 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    before = client.stats().requests;
    const desc = await repo.putBlob(big, OCI_LAYER_TAR_GZIP);
    expect(client.stats().requests - before).toBe(1 + 1 + 4 + 1); // HEAD, POST, 4 PATCH, PUT
    expect((await repo.getBlob(desc)).equals(big)).toBe(true);
  });

  it('uploads a file without buffering it and downloads to a file, verified', async () => {
    const repo = client.repository(registry.host, 'acme/files');
    const src = path.join(tmp, 'layer.bin');
    const content = Buffer.alloc(200 * 1024);
    for (let i = 0; i < content.length; i++) content[i] = i % 256;
    fs.writeFileSync(src, content);
    const desc = await repo.putBlobFile(src, OCI_LAYER_TAR_GZIP);
    expect(desc.digest).toBe(sha256Digest(content));
    const dest = path.join(tmp, 'out.bin');
    await repo.downloadBlob(desc, dest);
    expect(fs.readFileSync(dest).equals(content)).toBe(true);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('refuses a blob above the size limit before downloading it', async () => {
    const repo = client.repository(registry.host, 'acme/files');
    const desc = await repo.putBlob(Buffer.alloc(1000, 3), OCI_LAYER_TAR_GZIP);
    await expect(repo.getBlob(desc, 999)).rejects.toThrow(/over the 999-byte limit/);
  });

  it('refuses a descriptor whose size does not match what the registry holds', async () => {
    const repo = client.repository(registry.host, 'acme/files');
    const desc = await repo.putBlob(Buffer.from('twelve bytes'), OCI_LAYER_TAR_GZIP);
    await expect(repo.getBlob({ digest: desc.digest, size: 5 }, 100)).rejects.toThrow(/announced 12 bytes, the descriptor says 5/);
  });

  it('mounts a blob across repositories, and falls back to uploading when the source lacks it', async () => {
    const source = client.repository(registry.host, 'acme/mount-from');
    const target = client.repository(registry.host, 'acme/mount-to');
    const desc = await source.putBlob(Buffer.from('mount me'), OCI_LAYER_TAR_GZIP);
    expect(await target.mountBlob(desc.digest, 'acme/mount-from')).toBe(true);
    expect(await target.hasBlob(desc.digest)).toBe(true);
    const other = Buffer.from('not in the source repository');
    expect(await target.mountBlob(sha256Digest(other), 'acme/mount-from', other)).toBe(false);
    expect((await target.getBlob({ digest: sha256Digest(other), size: other.length })).equals(other)).toBe(true);
  });

  // distribution 2.8 ignores `n` on tags/list (pagination came in 3.0): paging is covered in registry.test.ts.
  it('lists tags', async () => {
    const repo = client.repository(registry.host, 'acme/tags');
    const first = await pushImage(repo, 't0', 'tagged');
    for (const tag of ['t1', 't2', 't3', 't4']) await repo.putManifest(first.bytes, OCI_MANIFEST, tag);
    expect((await repo.listTags(2)).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(await client.repository(registry.host, 'acme/never-pushed').listTags()).toEqual([]);
  });

  it('pushes an index and picks a platform from it', async () => {
    const repo = client.repository(registry.host, 'acme/multi');
    const amd = await pushImage(repo, undefined, 'amd64 layer');
    const arm = await pushImage(repo, undefined, 'arm64 layer');
    await repo.putManifest(Buffer.from(JSON.stringify(twoPlatformIndex(amd.descriptor, arm.descriptor))), OCI_INDEX, 'multi');
    const fetched = await repo.getManifest('multi');
    expect(fetched.descriptor.mediaType).toBe(OCI_INDEX);
    expect(selectPlatform(fetched.manifest as ImageIndex, 'linux/arm64').digest).toBe(arm.descriptor.digest);
  });

  it('maps 404 to NotFoundError naming registry, operation and repository', async () => {
    const repo = client.repository(registry.host, 'acme/api');
    const err = await repo.getManifest('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(new RegExp(`^registry ${registry.host}: GET manifest acme/api:nope failed: 404 MANIFEST_UNKNOWN`));
    await expect(repo.resolve('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports the distribution error of a refused manifest', async () => {
    const repo = client.repository(registry.host, 'acme/api');
    const missing: ImageManifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256Digest('no such config'), size: 14 },
      layers: [],
    };
    const err = await repo.putManifest(Buffer.from(JSON.stringify(missing)), OCI_MANIFEST, 'bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect((err as Error).message).toMatch(new RegExp(`^registry ${registry.host}: PUT manifest acme/api:bad failed: 400 MANIFEST_BLOB_UNKNOWN`));
  });

  it('rejects a malformed tag or digest as user error before any request', async () => {
    const repo = client.repository(registry.host, 'acme/api');
    await expect(repo.getManifest('-bad')).rejects.toBeInstanceOf(UserError);
    await expect(repo.hasBlob('sha256:xyz')).rejects.toBeInstanceOf(UserError);
  });

  it('deletes a manifest by digest', async () => {
    const repo = client.repository(registry.host, 'acme/delete');
    const pushed = await pushImage(repo, 'gone', 'delete me');
    await repo.deleteManifest(pushed.descriptor.digest);
    await expect(repo.getManifest(pushed.descriptor.digest)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('returns undefined from referrersApi (distribution has no referrers API) and no OCI-Subject', async () => {
    const repo = client.repository(registry.host, 'acme/refs');
    const image = await pushImage(repo, 'v1', 'subject layer');
    const put = await pushReferrer(repo, image.descriptor, SIGSTORE_BUNDLE_V03, '{"bundle":1}');
    expect(put.subjectIndexed).toBe(false);
    expect(await repo.referrersApi(image.descriptor.digest)).toBeUndefined();
  });
});

describe('RegistryClient referrers API (referrers double over distribution)', () => {
  let registry: TestRegistry;
  const doubles: ReferrersDouble[] = [];
  let client: RegistryClient;

  beforeAll(async () => {
    registry = await startRegistry('open');
    client = new RegistryClient();
  });
  afterAll(async () => {
    client?.close();
    for (const d of doubles) await d.stop();
    await registry?.stop();
  });

  async function seed(double: ReferrersDouble, name: string) {
    const repo = client.repository(double.host, name);
    const image = await pushImage(repo, 'v1', `subject of ${name}`);
    const results = [];
    for (const [i, type] of [SIGSTORE_BUNDLE_V03, 'application/vnd.example.sbom', SIGSTORE_BUNDLE_V03].entries()) {
      results.push(await pushReferrer(repo, image.descriptor, type, `payload ${i}`));
    }
    return { repo, image, results };
  }

  it('reads pages via Link and trusts server-side filtering', async () => {
    const double = await startReferrersDouble(registry, { filterSupport: true, pageSize: 2 });
    doubles.push(double);
    const { repo, image, results } = await seed(double, 'acme/paged');
    expect(results.every((r) => r.subjectIndexed)).toBe(true);
    const all = await repo.referrersApi(image.descriptor.digest);
    expect(all?.map((d) => d.digest).sort()).toEqual(results.map((r) => r.descriptor.digest).sort());
    const bundles = await repo.referrersApi(image.descriptor.digest, SIGSTORE_BUNDLE_V03);
    expect(bundles).toHaveLength(2);
    expect(bundles?.every((d) => d.artifactType === SIGSTORE_BUNDLE_V03)).toBe(true);
  });

  it('filters locally when the registry did not apply the artifactType filter', async () => {
    const double = await startReferrersDouble(registry, { filterSupport: false });
    doubles.push(double);
    const { repo, image } = await seed(double, 'acme/unfiltered');
    const sboms = await repo.referrersApi(image.descriptor.digest, 'application/vnd.example.sbom');
    expect(sboms).toHaveLength(1);
    expect(sboms?.[0]?.artifactType).toBe('application/vnd.example.sbom');
    expect(await repo.referrersApi(sha256Digest('unknown subject'))).toEqual([]);
  });
});

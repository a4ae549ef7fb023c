/**
 * Referrers, legacy cosign tags and copy against a real CNCF distribution 2.8 registry (no
 * referrers API: the fallback tag path) and the referrers-API test double in front of it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyImage } from '../src/oci/copy';
import { fallbackTag, sha256Digest } from '../src/oci/digest';
import { OciLayoutStore } from '../src/oci/layout';
import { appendLegacyCosign, legacySignatureLayer, readLegacyCosign, simpleSigningPayload } from '../src/oci/legacy-cosign';
import { EMPTY_JSON, OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER_TAR, OCI_MANIFEST, SIGSTORE_BUNDLE_V03 } from '../src/oci/media-types';
import { RegistryClient } from '../src/oci/registry';
import { attachReferrer, ensureReferrersListed, findReferrers, listReferrers, pushArtifact, removeReferrer } from '../src/oci/referrers';
import { NotFoundError, type RepositoryStore } from '../src/oci/store';
import { isIndex, type Descriptor, type ImageManifest } from '../src/oci/types';
import { startReferrersDouble, type ReferrersDouble } from './support/referrers-double';
import { startRegistry, type TestRegistry } from './support/registry';

const CONCURRENT = 50;
const OTHER_TYPE = 'application/vnd.example.other+json';

let registry: TestRegistry;
let client: RegistryClient;
const doubles: ReferrersDouble[] = [];
let tmp: string;

beforeAll(async () => {
  registry = await startRegistry('open');
  client = new RegistryClient();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'referrers-it-'));
});
afterAll(async () => {
  client?.close();
  for (const d of doubles) await d.stop();
  await registry?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** A small single-layer image pushed under `tag`. */
async function pushImage(store: RepositoryStore, tag: string, seed = tag): Promise<Descriptor> {
  const config = await store.putBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed, rootfs: { type: 'layers', diff_ids: [] } })), OCI_CONFIG);
  const layer = await store.putBlob(Buffer.from(`layer ${seed}`), OCI_LAYER_TAR);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  return (await store.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, tag)).descriptor;
}

/** A bundle referrer (REFERENCE §1a shape; the bundle is a stand-in, not a real signature). */
async function bundleReferrer(store: RepositoryStore, subject: Descriptor, i: number, artifactType = SIGSTORE_BUNDLE_V03): Promise<ImageManifest> {
  await store.putBlob(EMPTY_JSON, OCI_EMPTY);
  const bundle = await store.putBlob(Buffer.from(JSON.stringify({ mediaType: SIGSTORE_BUNDLE_V03, n: i })), SIGSTORE_BUNDLE_V03);
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: OCI_EMPTY, digest: sha256Digest(EMPTY_JSON), size: 2 },
    layers: [bundle],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
      'org.opencontainers.image.created': new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    },
  };
}

async function fallbackDigests(store: RepositoryStore, subject: string): Promise<string[]> {
  const m = (await store.getManifest(fallbackTag(subject))).manifest;
  if (!isIndex(m)) throw new Error('fallback tag is not an index');
  return m.manifests.map((d) => d.digest);
}

describe('CNCF distribution without a referrers API (fallback tag)', () => {
  test(`${CONCURRENT} concurrent attaches to one subject all land in the fallback index`, async () => {
    const store = client.repository(registry.host, 'acme/fallback');
    const image = await pushImage(store, 'latest');
    expect(await store.referrersApi(image.digest)).toBeUndefined();
    expect(await listReferrers(store, image.digest)).toEqual([]);

    const manifests = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => bundleReferrer(store, image, i, i % 5 ? SIGSTORE_BUNDLE_V03 : OTHER_TYPE)));
    // Each writer as if in its own process, so the real registry sees them race.
    const attached = await Promise.all(manifests.map((m) => attachReferrer(store, m, { lockInProcess: false })));

    const digests = await fallbackDigests(store, image.digest);
    expect(digests).toHaveLength(CONCURRENT);
    expect(new Set(digests)).toEqual(new Set(attached.map((d) => d.digest)));
    const listing = await findReferrers(store, image.digest);
    expect(listing.source).toBe('fallback-tag');
    const one = listing.referrers.find((d) => d.digest === attached[1].digest);
    expect(one).toEqual(attached[1]);
    expect(one?.annotations?.['dev.sigstore.bundle.predicateType']).toBe('https://slsa.dev/provenance/v1');
    expect(await listReferrers(store, image.digest, { artifactType: OTHER_TYPE })).toHaveLength(CONCURRENT / 5);

    // Superseding one keeps the other 49; the referrer manifest itself stays fetchable.
    expect(await removeReferrer(store, image.digest, attached[0].digest)).toEqual({ removedFromFallback: true, deleted: false });
    expect(await fallbackDigests(store, image.digest)).toHaveLength(CONCURRENT - 1);
    expect((await store.getManifest(attached[0].digest)).descriptor.digest).toBe(attached[0].digest);
    // Asked to, it deletes the manifest too (the test registry allows deletes).
    expect(await removeReferrer(store, image.digest, attached[1].digest, { deleteManifest: true })).toEqual({ removedFromFallback: true, deleted: true });
    await expect(store.getManifest(attached[1].digest)).rejects.toBeInstanceOf(NotFoundError);
  });

  test('removals concurrent with attaches stick and lose nothing else', async () => {
    const store = client.repository(registry.host, 'acme/supersede');
    const image = await pushImage(store, 'latest');
    const first = await Promise.all(Array.from({ length: 10 }, async (_, i) => attachReferrer(store, await bundleReferrer(store, image, i))));
    const later = await Promise.all(Array.from({ length: 10 }, (_, i) => bundleReferrer(store, image, 100 + i)));
    const [removals, added] = await Promise.all([
      Promise.all(first.slice(0, 4).map((d) => removeReferrer(store, image.digest, d.digest, { lockInProcess: false }))),
      Promise.all(later.map((m) => attachReferrer(store, m, { lockInProcess: false }))),
    ]);
    expect(removals.every((r) => r.removedFromFallback)).toBe(true);
    const expected = [...first.slice(4), ...added].map((d) => d.digest);
    expect(new Set(await fallbackDigests(store, image.digest))).toEqual(new Set(expected));
  });

  test('an entry a stale writer dropped from the fallback index is attached again by ensureReferrersListed', async () => {
    const store = client.repository(registry.host, 'acme/ensure');
    const image = await pushImage(store, 'latest');
    const attached = await Promise.all([0, 1, 2].map(async (i) => attachReferrer(store, await bundleReferrer(store, image, i))));
    const expected = attached.map((d) => ({ subject: image.digest, referrer: d.digest }));
    const full = (await store.getManifest(fallbackTag(image.digest))).manifest as { manifests: Descriptor[] };
    // What a writer in another process does when it read the index before the last attach.
    const stale = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: full.manifests.filter((d) => d.digest !== attached[2]!.digest) };
    await store.putManifest(Buffer.from(JSON.stringify(stale)), OCI_INDEX, fallbackTag(image.digest));
    expect(await fallbackDigests(store, image.digest)).toHaveLength(2);
    expect(await ensureReferrersListed(store, expected)).toBe(1);
    expect(new Set(await fallbackDigests(store, image.digest))).toEqual(new Set(attached.map((d) => d.digest)));
    expect(await ensureReferrersListed(store, expected)).toBe(0);
  });

  test('pushArtifact pushes blobs and attaches', async () => {
    const store = client.repository(registry.host, 'acme/artifact');
    const image = await pushImage(store, 'v1');
    const d = await pushArtifact(store, {
      subject: image,
      artifactType: SIGSTORE_BUNDLE_V03,
      layers: [{ content: Buffer.from('{"n":1}'), mediaType: SIGSTORE_BUNDLE_V03 }],
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://cyclonedx.org/bom' },
    });
    expect(await listReferrers(store, image.digest)).toEqual([d]);
  });

  test('concurrent legacy cosign .sig appends keep every layer', async () => {
    const store = client.repository(registry.host, 'acme/legacy');
    const image = await pushImage(store, 'latest');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        appendLegacyCosign(store, image.digest, 'sig', legacySignatureLayer(simpleSigningPayload(`${registry.host}/acme/legacy`, image.digest, { i }), `c2ln${i}`), { lockInProcess: false }),
      ),
    );
    const entries = await readLegacyCosign(store, image.digest);
    expect(entries).toHaveLength(20);
    expect(new Set(entries.map((e) => e.digest))).toEqual(new Set(results.map((r) => r.layer.digest)));
    expect(new Set(entries.map((e) => e.manifestDigest)).size).toBe(1);
  });

  test('copy within one registry mounts blobs instead of uploading them', async () => {
    const source = client.repository(registry.host, 'acme/mount-src');
    const big = randomBytes(256 * 1024);
    const config = await source.putBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'), OCI_CONFIG);
    const layer = await source.putBlob(big, OCI_LAYER_TAR);
    const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
    await source.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, 'big');
    const before = client.stats();
    await copyImage(source, 'big', client.repository(registry.host, 'acme/mount-dst'));
    const after = client.stats();
    expect(after.bytesUp - before.bytesUp).toBeLessThan(16 * 1024);
    expect(after.bytesDown - before.bytesDown).toBeLessThan(16 * 1024);
  });

  test('copy between repositories of one registry, to a layout and back keeps the digest', async () => {
    const source = client.repository(registry.host, 'acme/copy-src');
    const image = await pushImage(source, 'v1', 'copy');
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...image, platform: { architecture: 'amd64', os: 'linux' } }] };
    const indexDigest = (await source.putManifest(Buffer.from(JSON.stringify(index, null, 2)), OCI_INDEX, 'multi')).descriptor.digest;

    const mirror = client.repository(registry.host, 'acme/copy-dst');
    expect((await copyImage(source, 'multi', mirror)).digest).toBe(indexDigest);
    expect((await mirror.resolve('multi')).digest).toBe(indexDigest);
    expect((await mirror.resolve(image.digest)).digest).toBe(image.digest);

    const layout = new OciLayoutStore(path.join(tmp, 'copy-layout'));
    expect((await copyImage(mirror, 'multi', layout, 'saved')).digest).toBe(indexDigest);
    const back = client.repository(registry.host, 'acme/copy-back');
    expect((await copyImage(layout, 'saved', back, 'restored')).digest).toBe(indexDigest);
    const restored = (await back.getManifest(image.digest)).manifest as ImageManifest;
    expect((await back.getBlob(restored.layers[0])).toString()).toBe('layer copy');
  });
});

describe('a registry with the referrers API (test double over distribution)', () => {
  async function viaDouble(opts: { filterSupport?: boolean; pageSize?: number }, repo: string): Promise<RepositoryStore> {
    const double = await startReferrersDouble(registry, opts);
    doubles.push(double);
    return client.repository(double.host, repo);
  }

  test(`${CONCURRENT} concurrent attaches are answered by the API; no fallback tag is written`, async () => {
    const store = await viaDouble({ pageSize: 7 }, 'acme/api');
    const image = await pushImage(store, 'latest');
    const manifests = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => bundleReferrer(store, image, i, i % 5 ? SIGSTORE_BUNDLE_V03 : OTHER_TYPE)));
    const attached = await Promise.all(manifests.map((m) => attachReferrer(store, m)));

    const listing = await findReferrers(store, image.digest);
    expect(listing.source).toBe('referrers-api');
    // Paginated 7 per page: all pages are followed.
    expect(new Set(listing.referrers.map((d) => d.digest))).toEqual(new Set(attached.map((d) => d.digest)));
    expect(await store.listTags()).toEqual(['latest']);
    await expect(store.resolve(fallbackTag(image.digest))).rejects.toBeInstanceOf(NotFoundError);
    const filtered = await listReferrers(store, image.digest, { artifactType: OTHER_TYPE });
    expect(filtered).toHaveLength(CONCURRENT / 5);
    expect(filtered.every((d) => d.artifactType === OTHER_TYPE)).toBe(true);

    // With an API, removing a referrer means deleting its manifest.
    expect(await removeReferrer(store, image.digest, attached[0].digest)).toEqual({ removedFromFallback: false, deleted: true });
    expect(await listReferrers(store, image.digest)).toHaveLength(CONCURRENT - 1);
  });

  test('filters locally when the registry does not', async () => {
    const store = await viaDouble({ filterSupport: false, pageSize: 2 }, 'acme/nofilter');
    const image = await pushImage(store, 'latest');
    for (let i = 0; i < 5; i++) await attachReferrer(store, await bundleReferrer(store, image, i, i < 2 ? OTHER_TYPE : SIGSTORE_BUNDLE_V03));
    expect(await listReferrers(store, image.digest)).toHaveLength(5);
    const filtered = await listReferrers(store, image.digest, { artifactType: OTHER_TYPE });
    expect(filtered.map((d) => d.artifactType)).toEqual([OTHER_TYPE, OTHER_TYPE]);
  });
});

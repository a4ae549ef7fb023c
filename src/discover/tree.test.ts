import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OciLayoutStore } from '../oci/layout';
import { appendLegacyCosign, legacyAttestationLayer, legacyCosignTag, legacySignatureLayer, simpleSigningPayload } from '../oci/legacy-cosign';
import { ANNOTATION, COSIGN_SIMPLESIGNING, DSSE_ENVELOPE, OCI_CONFIG, OCI_LAYER_TAR, OCI_MANIFEST, PREDICATE, SIGSTORE_BUNDLE_V03 } from '../oci/media-types';
import { pushArtifact } from '../oci/referrers';
import type { Descriptor, ImageManifest } from '../oci/types';
import { renderJson, renderText } from './render';
import { discover } from './tree';

let dir: string;
let store: OciLayoutStore;
let image: Descriptor;
let provenance: Descriptor;
let sbom: Descriptor;
let nested: Descriptor;

function bundle(subject: Descriptor, predicateType: string, created: string) {
  return {
    subject,
    artifactType: SIGSTORE_BUNDLE_V03,
    layers: [{ content: Buffer.from(JSON.stringify({ predicateType })), mediaType: SIGSTORE_BUNDLE_V03 }],
    annotations: { [ANNOTATION.bundleContent]: 'dsse-envelope', [ANNOTATION.bundlePredicateType]: predicateType, [ANNOTATION.created]: created },
  };
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'discover-unit-'));
  store = new OciLayoutStore(path.join(dir, 'layout'));
  const config = await store.putBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'), OCI_CONFIG);
  const layer = await store.putBlob(Buffer.from('rootfs'), OCI_LAYER_TAR);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  image = (await store.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, 'latest')).descriptor;
  provenance = await pushArtifact(store, bundle(image, PREDICATE.slsaProvenance, '2026-01-01T00:00:00Z'));
  sbom = await pushArtifact(store, bundle(image, PREDICATE.cyclonedx, '2026-01-02T00:00:00Z'));
  nested = await pushArtifact(store, bundle(sbom, PREDICATE.signature, '2026-01-03T00:00:00Z'));
  await appendLegacyCosign(store, image.digest, 'sig', legacySignatureLayer(simpleSigningPayload('acme/api', image.digest), 'c2ln'));
  await appendLegacyCosign(store, image.digest, 'att', legacyAttestationLayer(Buffer.from('{}'), PREDICATE.vuln));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

test('walks referrers recursively and lists cosign tags', async () => {
  const tree = await discover(store, 'latest', { display: 'oci-layout:x:latest' });
  expect(tree).toMatchObject({ reference: 'oci-layout:x:latest', digest: image.digest, mediaType: OCI_MANIFEST, size: image.size });
  const bySource = tree.referrers.map((n) => n.source);
  expect(bySource).toEqual(['referrers-api', 'referrers-api', 'cosign-tag', 'cosign-tag']);
  const sbomNode = tree.referrers.find((n) => n.digest === sbom.digest);
  expect(sbomNode).toMatchObject({
    artifactType: SIGSTORE_BUNDLE_V03,
    predicateType: PREDICATE.cyclonedx,
    created: '2026-01-02T00:00:00Z',
    size: sbom.size,
    referrers: [{ digest: nested.digest, predicateType: PREDICATE.signature, source: 'referrers-api', referrers: [] }],
  });
  expect(tree.referrers.find((n) => n.digest === provenance.digest)?.referrers).toEqual([]);
  const [sig, att] = tree.referrers.slice(2);
  expect(sig).toMatchObject({ mediaType: COSIGN_SIMPLESIGNING, tag: legacyCosignTag(image.digest, 'sig'), cosignKind: 'sig' });
  expect(att).toMatchObject({ mediaType: DSSE_ENVELOPE, predicateType: PREDICATE.vuln, cosignKind: 'att' });
});

test('depth limit marks truncated nodes; artifactType filter leaves out cosign tags', async () => {
  const shallow = await discover(store, image.digest, { maxDepth: 1 });
  const sbomNode = shallow.referrers.find((n) => n.digest === sbom.digest);
  expect(sbomNode?.referrers).toEqual([]);
  expect(sbomNode?.truncated).toBe(true);
  const filtered = await discover(store, 'latest', { artifactType: 'application/x-none' });
  expect(filtered.referrers).toEqual([]);
  expect((await discover(store, 'latest', { legacyTags: false })).referrers).toHaveLength(2);
});

test('renders a tree and JSON', async () => {
  const tree = await discover(store, 'latest', { display: 'oci-layout:x:latest' });
  const text = renderText(tree);
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe(`oci-layout:x:latest@${image.digest} ${OCI_MANIFEST} ${image.size} bytes`);
  expect(lines[1]).toBe(`├── ${SIGSTORE_BUNDLE_V03} ${provenance.digest} [referrers-api]`);
  expect(lines[2]).toBe(`│       predicateType=${PREDICATE.slsaProvenance} created=2026-01-01T00:00:00Z size=${provenance.size}`);
  expect(lines[3]).toBe(`├── ${SIGSTORE_BUNDLE_V03} ${sbom.digest} [referrers-api]`);
  expect(lines[4]).toMatch(/^│ {3}│ {3}predicateType=https:\/\/cyclonedx\.org\/bom /);
  expect(lines[5]).toBe(`│   └── ${SIGSTORE_BUNDLE_V03} ${nested.digest} [referrers-api]`);
  expect(lines[6]).toMatch(/^│ {11}predicateType=https:\/\/sigstore\.dev\/cosign\/sign\/v1 /);
  expect(lines[7]).toMatch(new RegExp(`^├── ${COSIGN_SIMPLESIGNING.replace(/[.+]/g, '\\$&')} sha256:[0-9a-f]{64} \\[cosign-tag sha256-[0-9a-f]{64}\\.sig\\]$`));
  expect(lines[9]).toMatch(/^└── application\/vnd\.dsse\.envelope\.v1\+json sha256:[0-9a-f]{64} \[cosign-tag sha256-[0-9a-f]{64}\.att\]$/);
  expect(lines[10]).toMatch(/^ {8}predicateType=https:\/\/cosign\.sigstore\.dev\/attestation\/vuln\/v1 size=\d+$/);
  expect(lines).toHaveLength(11);
  expect(JSON.parse(renderJson(tree))).toEqual(tree);

  const empty = renderText({ reference: 'r:t', digest: image.digest, mediaType: OCI_MANIFEST, size: 1, referrers: [], notes: [] });
  expect(empty).toBe(`r:t@${image.digest} ${OCI_MANIFEST} 1 bytes\n└── (nothing attached: no referrers, no cosign tags)\n`);
});

test('a fallback tag beside the referrers API is listed too (images copied from registries without the API)', async () => {
  const other = new OciLayoutStore(path.join(dir, 'copied'));
  const config = await other.putBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'), OCI_CONFIG);
  const img = (await other.putManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] })), OCI_MANIFEST, 'v1')).descriptor;
  const viaApi = await pushArtifact(other, bundle(img, PREDICATE.signature, '2026-01-05T00:00:00Z'));
  const layer = await other.putBlob(Buffer.from('{}'), SIGSTORE_BUNDLE_V03);
  const orphan = (
    await other.putManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: SIGSTORE_BUNDLE_V03, config, layers: [layer] })),
      OCI_MANIFEST,
    )
  ).descriptor;
  const entries = [
    { ...viaApi },
    { ...orphan, artifactType: SIGSTORE_BUNDLE_V03, annotations: { [ANNOTATION.bundlePredicateType]: PREDICATE.cyclonedx } },
  ];
  const fallbackIndex = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries };
  await other.putManifest(Buffer.from(JSON.stringify(fallbackIndex)), 'application/vnd.oci.image.index.v1+json', `sha256-${img.digest.slice(7)}`);
  const tree = await discover(other, 'v1');
  expect(tree.referrers.map((n) => [n.digest, n.source, n.predicateType])).toEqual([
    [viaApi.digest, 'referrers-api', PREDICATE.signature],
    [orphan.digest, 'fallback-tag', PREDICATE.cyclonedx],
  ]);
});

/**
 * `ship-image discover` in-process, against a real CNCF distribution registry (fallback tag), the
 * referrers-API double, an htpasswd+TLS registry, and an OCI layout.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeDiscoverCommand } from '../src/cli/commands/discover';
import type { DiscoverTree } from '../src/discover/tree';
import { copyImage } from '../src/oci/copy';
import { OciLayoutStore } from '../src/oci/layout';
import { appendLegacyCosign, legacySignatureLayer, simpleSigningPayload } from '../src/oci/legacy-cosign';
import { ANNOTATION, EMPTY_JSON, EMPTY_JSON_DIGEST, OCI_CONFIG, OCI_EMPTY, OCI_LAYER_TAR, OCI_MANIFEST, PREDICATE, SIGSTORE_BUNDLE_V03 } from '../src/oci/media-types';
import { attachReferrer } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { RepositoryStore } from '../src/oci/store';
import type { Descriptor, ImageManifest } from '../src/oci/types';
import { runMain as run } from './support/run-main';
import { startReferrersDouble, type ReferrersDouble } from './support/referrers-double';
import { startRegistry, type TestRegistry } from './support/registry';

let open: TestRegistry;
let secured: TestRegistry;
let double: ReferrersDouble;
let client: RegistryClient;
let tmp: string;

beforeAll(async () => {
  [open, secured] = await Promise.all([startRegistry('open'), startRegistry('htpasswd-tls')]);
  double = await startReferrersDouble(open);
  client = new RegistryClient();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'discover-it-'));
});
afterAll(async () => {
  client?.close();
  await double?.stop();
  await Promise.all([open?.stop(), secured?.stop()]);
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

async function pushImage(store: RepositoryStore, tag: string): Promise<Descriptor> {
  const config = await store.putBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })), OCI_CONFIG);
  const layer = await store.putBlob(Buffer.from(`rootfs of ${store.location}`), OCI_LAYER_TAR);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  return (await store.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, tag)).descriptor;
}

/** The Sigstore bundle referrer layout of REFERENCE §1a, with a stand-in bundle (not a real signature). */
async function attachBundle(store: RepositoryStore, subject: Descriptor, predicateType: string, created: string): Promise<Descriptor> {
  await store.putBlob(EMPTY_JSON, OCI_EMPTY);
  const bundle = await store.putBlob(Buffer.from(JSON.stringify({ mediaType: SIGSTORE_BUNDLE_V03, predicateType })), SIGSTORE_BUNDLE_V03);
  return attachReferrer(store, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_V03,
    config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 },
    layers: [bundle],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { [ANNOTATION.bundleContent]: 'dsse-envelope', [ANNOTATION.bundlePredicateType]: predicateType, [ANNOTATION.created]: created },
  });
}

test('registry without referrers API: fallback-tag referrers and cosign tags, as text and JSON', async () => {
  const store = client.repository(open.host, 'acme/app');
  const image = await pushImage(store, 'latest');
  const provenance = await attachBundle(store, image, PREDICATE.slsaProvenance, '2026-02-01T10:00:00Z');
  const vuln = await attachBundle(store, image, PREDICATE.vuln, '2026-02-01T10:00:05Z');
  await appendLegacyCosign(store, image.digest, 'sig', legacySignatureLayer(simpleSigningPayload(`${open.host}/acme/app`, image.digest), 'c2ln'));

  const text = await run(['discover', `${open.host}/acme/app`]);
  expect(text.stderr).toBe('');
  expect(text.code).toBe(0);
  const lines = text.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe(`${open.host}/acme/app:latest@${image.digest} ${OCI_MANIFEST} ${image.size} bytes`);
  expect(lines[1]).toBe(`├── ${SIGSTORE_BUNDLE_V03} ${provenance.digest} [fallback-tag]`);
  expect(lines[2]).toContain(`predicateType=${PREDICATE.slsaProvenance} created=2026-02-01T10:00:00Z`);
  expect(lines[3]).toBe(`├── ${SIGSTORE_BUNDLE_V03} ${vuln.digest} [fallback-tag]`);
  expect(lines[5]).toMatch(/^└── application\/vnd\.dev\.cosign\.simplesigning\.v1\+json sha256:[0-9a-f]{64} \[cosign-tag sha256-[0-9a-f]{64}\.sig\]$/);

  const json = await run(['discover', `${open.host}/acme/app@${image.digest}`, '--json']);
  expect(json.code).toBe(0);
  const tree = JSON.parse(json.stdout) as DiscoverTree;
  expect(tree.digest).toBe(image.digest);
  expect(tree.reference).toBe(`${open.host}/acme/app@${image.digest}`);
  expect(tree.referrers.map((n) => [n.source, n.predicateType])).toEqual([
    ['fallback-tag', PREDICATE.slsaProvenance],
    ['fallback-tag', PREDICATE.vuln],
    ['cosign-tag', undefined],
  ]);
  expect(tree.referrers[0]).toMatchObject({ digest: provenance.digest, size: provenance.size, artifactType: SIGSTORE_BUNDLE_V03, created: '2026-02-01T10:00:00Z' });
});

test('registry with the referrers API, nested referrers', async () => {
  const store = client.repository(double.host, 'acme/api');
  const image = await pushImage(store, 'v1');
  const sbom = await attachBundle(store, image, PREDICATE.cyclonedx, '2026-02-02T00:00:00Z');
  const sbomSignature = await attachBundle(store, { ...sbom }, PREDICATE.signature, '2026-02-02T00:00:01Z');
  const { code, stdout } = await run(['discover', `${double.host}/acme/api:v1`, '--json']);
  expect(code).toBe(0);
  const tree = JSON.parse(stdout) as DiscoverTree;
  expect(tree.referrers).toHaveLength(1);
  expect(tree.referrers[0]).toMatchObject({ digest: sbom.digest, source: 'referrers-api', predicateType: PREDICATE.cyclonedx });
  expect(tree.referrers[0].referrers.map((n) => n.digest)).toEqual([sbomSignature.digest]);
  const shallow = JSON.parse((await run(['discover', `${double.host}/acme/api:v1`, '--json', '--depth', '1'])).stdout) as DiscoverTree;
  expect(shallow.referrers[0]).toMatchObject({ referrers: [], truncated: true });
});

test('OCI layout', async () => {
  const source = client.repository(open.host, 'acme/to-layout');
  const image = await pushImage(source, 'v2');
  const dir = path.join(tmp, 'layout');
  const layout = new OciLayoutStore(dir);
  await copyImage(source, 'v2', layout);
  await attachBundle(layout, image, PREDICATE.slsaProvenance, '2026-02-03T00:00:00Z');
  const { code, stdout } = await run(['discover', `oci-layout:${dir}:v2`]);
  expect(code).toBe(0);
  expect(stdout.split('\n')[0]).toBe(`oci-layout:${dir}:v2@${image.digest} ${OCI_MANIFEST} ${image.size} bytes`);
  expect(stdout).toMatch(/└── application\/vnd\.dev\.sigstore\.bundle\.v0\.3\+json sha256:[0-9a-f]{64} \[referrers-api\]\n/);
});

test('htpasswd + TLS registry: CA from SHIP_IMAGE_CA_FILE, password from stdin', async () => {
  const pushClient = new RegistryClient({ caPems: [secured.caPem!], username: secured.username, password: secured.password });
  try {
    const store = pushClient.repository(secured.host, 'acme/private');
    const image = await pushImage(store, 'latest');
    await attachBundle(store, image, PREDICATE.signature, '2026-02-04T00:00:00Z');
  } finally {
    pushClient.close();
  }
  let stdout = '';
  const command = makeDiscoverCommand({
    env: { SHIP_IMAGE_CA_FILE: secured.caFile },
    readStdin: () => `${secured.password}\n`,
    writeStdout: (t) => {
      stdout += t;
    },
  });
  expect(await command.run([`${secured.host}/acme/private`, '--username', secured.username!, '--password-stdin', '--json'])).toBe(0);
  expect((JSON.parse(stdout) as DiscoverTree).referrers.map((n) => n.predicateType)).toEqual([PREDICATE.signature]);

  const noCa = makeDiscoverCommand({ env: { SHIP_IMAGE_CA_FILE: path.join(tmp, 'missing.pem') }, readStdin: () => '', writeStdout: () => undefined });
  await expect(noCa.run([`${secured.host}/acme/private`])).rejects.toThrow(/SHIP_IMAGE_CA_FILE '.*missing\.pem' cannot be read/);
});

test('bad input exits 2 with one line on stderr', async () => {
  const missing = await run(['discover', `${open.host}/acme/app:nope`]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/^ship-image discover: 127\.0\.0\.1:\d+\/acme\/app:nope not found .*check the image reference\n$/);
  const noLayout = await run(['discover', `oci-layout:${path.join(tmp, 'none')}`]);
  expect(noLayout.code).toBe(2);
  expect(noLayout.stderr).toContain('not found');
  for (const argv of [['discover'], ['discover', 'a', 'b'], ['discover', 'x', '--depth', '0'], ['discover', 'x', '--bogus'], ['discover', 'x', '--username', 'u']]) {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  }
  const help = await run(['discover', '--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^usage: ship-image discover IMAGE/);
});

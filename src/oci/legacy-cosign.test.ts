import { execFileSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sha256Digest } from './digest';
import { OciLayoutStore } from './layout';
import {
  appendLegacyCosign,
  legacyAttestationLayer,
  legacyCosignTag,
  legacySignatureLayer,
  readLegacyCosign,
  simpleSigningPayload,
} from './legacy-cosign';
import { ANNOTATION, COSIGN_SIMPLESIGNING, DSSE_ENVELOPE, OCI_CONFIG, PREDICATE } from './media-types';
import type { ImageManifest } from './types';

const SAN = 'https://github.com/acme/api/.github/workflows/release.yml@refs/heads/main';
let dir: string;
let certPem: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'legacy-cosign-unit-'));
  const certFile = path.join(dir, 'leaf.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', path.join(dir, 'leaf.key'), '-out', certFile, '-days', '1', '-subj', '/CN=test',
    '-addext', `subjectAltName=URI:${SAN}`], { stdio: 'ignore' });
  certPem = readFileSync(certFile, 'utf8');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const subjectDigest = sha256Digest('image');

test('tag names follow cosign', () => {
  expect(legacyCosignTag(subjectDigest, 'sig')).toBe(`sha256-${subjectDigest.slice(7)}.sig`);
  expect(legacyCosignTag(subjectDigest, 'att')).toMatch(/^sha256-[0-9a-f]{64}\.att$/);
});

test('simple-signing payload has the cosign shape', () => {
  expect(JSON.parse(simpleSigningPayload('127.0.0.1:5000/acme/api', subjectDigest).toString())).toEqual({
    critical: {
      identity: { 'docker-reference': '127.0.0.1:5000/acme/api' },
      image: { 'docker-manifest-digest': subjectDigest },
      type: 'cosign container image signature',
    },
    optional: null,
  });
});

test('appends signature and attestation layers, one manifest per tag, and reads them back', async () => {
  const store = new OciLayoutStore(path.join(dir, 'layout'));
  expect(await readLegacyCosign(store, subjectDigest)).toEqual([]);

  const sig = legacySignatureLayer(simpleSigningPayload('acme/api', subjectDigest), 'c2lnbmF0dXJl', { certificate: certPem, chain: certPem });
  const first = await appendLegacyCosign(store, subjectDigest, 'sig', sig);
  expect(first.added).toBe(true);
  expect((await appendLegacyCosign(store, subjectDigest, 'sig', sig)).added).toBe(false);
  const sig2 = legacySignatureLayer(simpleSigningPayload('acme/api', subjectDigest, { run: 2 }), 'c2ln');
  await appendLegacyCosign(store, subjectDigest, 'sig', sig2);

  const envelope = Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: 'e30=', signatures: [] }));
  await appendLegacyCosign(store, subjectDigest, 'att', legacyAttestationLayer(envelope, PREDICATE.vuln, { rekorBundle: '{"SignedEntryTimestamp":"x"}' }));

  const sigManifest = (await store.getManifest(legacyCosignTag(subjectDigest, 'sig'))).manifest as ImageManifest;
  expect(sigManifest.layers.map((l) => l.mediaType)).toEqual([COSIGN_SIMPLESIGNING, COSIGN_SIMPLESIGNING]);
  expect(sigManifest.config.mediaType).toBe(OCI_CONFIG);
  const config = JSON.parse((await store.getBlob(sigManifest.config)).toString()) as { rootfs: { diff_ids: string[] } };
  expect(config.rootfs.diff_ids).toEqual(sigManifest.layers.map((l) => l.digest));

  const entries = await readLegacyCosign(store, subjectDigest);
  expect(entries.map((e) => e.kind)).toEqual(['sig', 'sig', 'att']);
  expect(entries[0]).toMatchObject({
    tag: legacyCosignTag(subjectDigest, 'sig'),
    mediaType: COSIGN_SIMPLESIGNING,
    digest: first.layer.digest,
    certificateSubject: `URI:${SAN}`,
    annotations: { [ANNOTATION.cosignSignature]: 'c2lnbmF0dXJl', [ANNOTATION.cosignCertificate]: certPem, [ANNOTATION.cosignChain]: certPem },
  });
  expect(entries[2]).toMatchObject({
    mediaType: DSSE_ENVELOPE,
    predicateType: PREDICATE.vuln,
    annotations: { [ANNOTATION.cosignSignature]: '', [ANNOTATION.predicateType]: PREDICATE.vuln, [ANNOTATION.cosignBundle]: '{"SignedEntryTimestamp":"x"}' },
  });
  expect(entries[2].certificateSubject).toBeUndefined();
  expect((await readLegacyCosign(store, subjectDigest, ['att'])).length).toBe(1);
});

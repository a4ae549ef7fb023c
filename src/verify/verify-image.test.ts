import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildBundleReferrer } from '../attest/referrer-manifest';
import { sbomStatement, signatureStatement } from '../attest/statements';
import { UserError } from '../core/errors';
import { writeFixtureImageLayout } from '../fixture-db/fixture-image';
import { OciLayoutStore } from '../oci/layout';
import { PREDICATE } from '../oci/media-types';
import { attachReferrer } from '../oci/referrers';
import type { Descriptor } from '../oci/types';
import { parsePolicy } from '../policy/load';
import { keySigner } from '../sign';
import { reportJson, reportText } from './report';
import { verifyImage } from './verify-image';

// Key-signed bundles attached to an image in an OCI layout: the whole verify path without a registry.
describe('verifyImage on an OCI layout', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'verify-image-'));
  const layout = path.join(dir, 'layout');
  const store = new OciLayoutStore(layout);
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ format: 'pem', type: 'spki' }));
  const policyText = (keys: string) => `apiVersion: ship-image/v1
kind: Policy
metadata: {name: layout}
spec:
  images: ["oci-layout:*"]
  keys: ${keys}
  require: {vulnerabilities: false}
`;
  const withKey = parsePolicy(policyText('[cosign.pub]'), 'policy.yaml', dir);
  let image: Descriptor;

  async function attach(bundle: unknown, predicateType: string, subject: Descriptor): Promise<Descriptor> {
    const referrer = buildBundleReferrer({ bundle: JSON.stringify(bundle), predicateType, subject });
    await store.putBlob(referrer.configBytes, referrer.manifest.config.mediaType);
    await store.putBlob(referrer.layerBytes, referrer.manifest.layers[0]!.mediaType);
    return attachReferrer(store, referrer.manifest);
  }

  beforeAll(async () => {
    const { digest } = await writeFixtureImageLayout(layout, 'v1');
    image = await store.resolve(digest);
    const signer = keySigner({ keyPem });
    const subject = { name: 'oci-layout', digest };
    await attach(await signer.signStatement(signatureStatement(subject)), PREDICATE.signature, image);
    await attach(await signer.signStatement(sbomStatement(subject, { bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 })), PREDICATE.cyclonedx, image);
    await attach({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, PREDICATE.signature, image);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('allowed with the key; the broken bundle is set aside; the tag is resolved to its digest', async () => {
    const logged: string[] = [];
    const report = await verifyImage(`oci-layout:${layout}:v1`, withKey, { logger: { info: (m) => logged.push(m), warn() {}, debug() {} } });
    expect(report).toMatchObject({ allowed: true, digest: image.digest, resolvedFromTag: 'v1' });
    expect(report.accepted.map((a) => a.predicateType).sort()).toEqual([PREDICATE.cyclonedx, PREDICATE.signature]);
    expect(report.rejected).toHaveLength(1);
    expect(report.rejected[0]!.reason).toMatch(/not a valid Sigstore bundle/);
    expect(logged.join('\n')).toContain(`is ${image.digest} now`);
    expect(Object.keys(reportJson(report))).toEqual(['image', 'digest', 'allowed', 'rules']);
    const text = reportText(report);
    expect(text).toMatch(/verdict: ALLOWED/);
    expect(text).toMatch(/signed no verified time/);
    expect(text).toMatch(/set aside \(1\)/);
  });

  test('denied without the key: every key-signed bundle is set aside', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' });
    writeFileSync(path.join(dir, 'other.pub'), other);
    const report = await verifyImage(`oci-layout:${layout}@${image.digest}`, parsePolicy(policyText('[other.pub]'), 'policy.yaml', dir));
    expect(report.allowed).toBe(false);
    expect(report.rules.map((r) => r.passed)).toEqual([false, false]);
    expect(report.resolvedFromTag).toBeUndefined();
    expect(reportText(report)).toMatch(/verdict: DENIED/);
  });

  test('an unknown tag, or an image outside spec.images, is a UserError', async () => {
    await expect(verifyImage(`oci-layout:${layout}:nope`, withKey)).rejects.toThrow(/not found/);
    const elsewhere = { ...withKey, images: ['ghcr.io/acme/*'] };
    await expect(verifyImage(`oci-layout:${layout}:v1`, elsewhere)).rejects.toThrow(UserError);
  });
});

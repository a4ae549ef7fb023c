// The engine models on fixture statements: the IVP CEL validations (real CEL, Kyverno's functions as
// shims) agree with evaluate() on every vulnerability case, and the attestor matching follows what
// the rendered manifest says (one identity per attestor, key tlog flags).
import { generateKeyPairSync } from 'node:crypto';
import { PREDICATE } from '../../src/oci/media-types';
import { evaluate } from '../../src/policy/evaluate';
import { renderPolicy } from '../../src/policy/render';
import { publicKeyId } from '../../src/policy/signer';
import { attestation, GITHUB_ISSUER, IMAGE_DIGEST, PIPELINE, PIPELINE_SAN, testPolicy } from '../../src/policy/testdata/policy';
import { ago, FIXTURE_NOW, VULN_CASES, vulnPredicate } from '../../src/policy/testdata/vuln-fixtures';
import type { Signer } from '../../src/policy/types';
import { attestorMatches, clusterImagePolicyPresence, imageValidatingPolicyVerdict, kyvernoClusterPolicyVerdict } from './admission-models';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const IMAGE = 'ghcr.io/acme/api:v1';
const all = (scan: unknown, signer: Signer = PIPELINE) => [
  attestation(PREDICATE.signature, {}, signer),
  attestation(PREDICATE.cyclonedx, {}, signer),
  attestation(PREDICATE.vuln, scan, signer),
];

describe('ImageValidatingPolicy through @bufbuild/cel', () => {
  const doc = renderPolicy(testPolicy(), 'kyverno-ivp').documents[0] as Doc;

  it.each(VULN_CASES.map((c) => [c.name, c] as const))('agrees with evaluate(): %s', (_name, c) => {
    const seen = all(c.predicate);
    const ours = evaluate(testPolicy(), { imageDigest: IMAGE_DIGEST, now: FIXTURE_NOW, attestations: seen, rejected: [] });
    expect(ours.allowed).toBe(c.allowed);
    expect(imageValidatingPolicyVerdict(doc, IMAGE, seen, FIXTURE_NOW).allowed).toBe(c.allowed);
  });

  it('denies with the rule message when an attestation is missing or signed by someone else', () => {
    const clean = vulnPredicate(ago(1), []);
    const verdict = imageValidatingPolicyVerdict(doc, IMAGE, all(clean).slice(1), FIXTURE_NOW);
    expect(verdict).toEqual({ allowed: false, why: [expect.stringMatching(/^image is not signed/)] });
    const stranger: Signer = { kind: 'keyless', san: 'https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main', issuer: GITHUB_ISSUER };
    expect(imageValidatingPolicyVerdict(doc, IMAGE, all(clean, stranger), FIXTURE_NOW).allowed).toBe(false);
  });

  it('accepts an SPDX 2.3 SBOM in place of CycloneDX', () => {
    const seen = [attestation(PREDICATE.signature, {}), attestation(PREDICATE.spdxV23, {}), attestation(PREDICATE.vuln, vulnPredicate(ago(1), []))];
    expect(imageValidatingPolicyVerdict(doc, IMAGE, seen, FIXTURE_NOW).allowed).toBe(true);
  });
});

describe('attestor matching read from the manifest', () => {
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyId = publicKeyId(pem);

  it('models cosign refusing several identities in one check', () => {
    const id = { issuer: GITHUB_ISSUER, subject: PIPELINE_SAN };
    expect(attestorMatches({ kind: 'keyless', identities: [id] }, PIPELINE)).toBe(true);
    expect(attestorMatches({ kind: 'keyless', identities: [id, { issuer: 'x', subject: 'y' }] }, PIPELINE)).toBe(false);
  });

  it('a key attestor needs a verified tlog entry unless the manifest says to ignore it', () => {
    expect(attestorMatches({ kind: 'key', pem, ignoreTlog: false }, { kind: 'key', keyId, tlog: false })).toBe(false);
    expect(attestorMatches({ kind: 'key', pem, ignoreTlog: false }, { kind: 'key', keyId, tlog: true })).toBe(true);
    expect(attestorMatches({ kind: 'key', pem, ignoreTlog: true }, { kind: 'key', keyId, tlog: false })).toBe(true);
  });

  it('Kyverno ClusterPolicy and policy-controller deny a statement from an unlisted signer', () => {
    const stranger: Signer = { kind: 'keyless', san: 'https://github.com/evil/x/.github/workflows/a.yml@refs/heads/main', issuer: GITHUB_ISSUER };
    const policy = testPolicy();
    const cpol = renderPolicy(policy, 'kyverno').documents[0] as Doc;
    const cip = renderPolicy(policy, 'policy-controller').documents[0] as Doc;
    const clean = vulnPredicate(ago(1), []);
    expect(kyvernoClusterPolicyVerdict(cpol, all(clean), FIXTURE_NOW).allowed).toBe(true);
    expect(kyvernoClusterPolicyVerdict(cpol, all(clean, stranger), FIXTURE_NOW).allowed).toBe(false);
    expect(clusterImagePolicyPresence(cip, all(clean))).toMatchObject({ allowed: true, regoUnjudged: ['vuln'] });
    expect(clusterImagePolicyPresence(cip, all(clean, stranger)).allowed).toBe(false);
  });
});

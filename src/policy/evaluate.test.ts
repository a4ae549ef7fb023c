import { generateKeyPairSync } from 'node:crypto';
import { PREDICATE } from '../oci/media-types';
import { evaluate } from './evaluate';
import { publicKeyId } from './signer';
import { attestation, GITHUB_ISSUER, IMAGE_DIGEST, PIPELINE, PIPELINE_SAN, testPolicy } from './testdata/policy';
import { ago, FIXTURE_NOW, VULN_CASES, vulnPredicate } from './testdata/vuln-fixtures';
import type { VerifiedAttestation } from './types';

const signature = () => attestation(PREDICATE.signature, { image: 'x' });
const cyclonedx = () => attestation(PREDICATE.cyclonedx, { bomFormat: 'CycloneDX', specVersion: '1.6', components: [] });
const cleanScan = () => attestation(PREDICATE.vuln, vulnPredicate(ago(1), []));

function run(attestations: VerifiedAttestation[], policy = testPolicy()) {
  return evaluate(policy, { imageDigest: IMAGE_DIGEST, now: FIXTURE_NOW, attestations, rejected: [] });
}
const rule = (result: ReturnType<typeof run>, name: string) => result.rules.find((r) => r.rule === name)!;

describe('evaluate', () => {
  it('allows a signed image with an SBOM and a fresh clean scan', () => {
    const attestations = [signature(), cyclonedx(), cleanScan()];
    const result = run(attestations);
    expect(result.allowed).toBe(true);
    expect(result.accepted).toEqual(attestations);
    expect(result.rules.map((r) => [r.rule, r.passed])).toEqual([
      ['signature', true],
      ['sbom', true],
      ['vulnerabilities', true],
    ]);
    expect(rule(result, 'signature').evidence.attestations?.[0].signer).toEqual(PIPELINE);
  });

  it.each(VULN_CASES.map((c) => [c.name, c] as const))('vulnerability case: %s', (_name, c) => {
    const result = run([signature(), cyclonedx(), attestation(PREDICATE.vuln, c.predicate)]);
    expect(rule(result, 'vulnerabilities').passed).toBe(c.allowed);
    expect(result.allowed).toBe(c.allowed);
  });

  it('requires the cosign signature statement: attestations alone do not count', () => {
    const result = run([cyclonedx(), cleanScan()]);
    expect(result.allowed).toBe(false);
    expect(rule(result, 'signature').reason).toContain(PREDICATE.signature);
  });

  it('accepts an SPDX SBOM', () => {
    expect(run([signature(), attestation(PREDICATE.spdx, { spdxVersion: 'SPDX-2.3' }), cleanScan()]).allowed).toBe(true);
  });

  it("accepts GitHub's SPDX predicate type (actions/attest-sbom) as SBOM evidence too", () => {
    expect(PREDICATE.spdxV23).toBe('https://spdx.dev/Document/v2.3');
    const result = run([signature(), attestation(PREDICATE.spdxV23, { spdxVersion: 'SPDX-2.3' }), cleanScan()]);
    expect(result.allowed).toBe(true);
    expect(result.rules.find((r) => r.rule === 'sbom')?.reason).toContain(PREDICATE.spdxV23);
  });

  it('sets aside attestations from other signers and for other images, saying why', () => {
    const stranger = { kind: 'keyless' as const, san: 'https://github.com/evil/x/.github/workflows/ship.yml@refs/tags/v1', issuer: GITHUB_ISSUER };
    const wrongIssuer = { ...PIPELINE, issuer: 'https://accounts.google.com' };
    const result = run([
      attestation(PREDICATE.signature, {}, stranger),
      attestation(PREDICATE.cyclonedx, {}, wrongIssuer),
      attestation(PREDICATE.vuln, vulnPredicate(ago(1), []), PIPELINE, 'sha256:' + 'b'.repeat(64)),
    ]);
    expect(result.allowed).toBe(false);
    expect(result.rules.every((r) => !r.passed)).toBe(true);
    expect(result.accepted).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringContaining('is not allowed by the policy'),
      expect.stringContaining('is not allowed by the policy'),
      `statement subject is not ${IMAGE_DIGEST}`,
    ]);
    expect(rule(result, 'signature').reason).toContain('3 attestation(s) set aside');
  });

  it('rejects a statement whose predicateType differs from the bundle annotation', () => {
    const att = signature();
    att.statement.predicateType = PREDICATE.vuln;
    const result = run([att, cyclonedx(), cleanScan()]);
    expect(result.allowed).toBe(false);
    expect(result.rejected[0].reason).toContain('differs');
  });

  it('accepts key-signed attestations when the key is in the policy', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyId = publicKeyId(pem);
    const policy = testPolicy({ identities: [], keys: [{ path: 'cosign.pub', pem, keyId, requireTlog: false }] });
    const signer = { kind: 'key' as const, keyId };
    expect(run([attestation(PREDICATE.signature, {}, signer), attestation(PREDICATE.cyclonedx, {}, signer), attestation(PREDICATE.vuln, vulnPredicate(ago(1), []), signer)], policy).allowed).toBe(true);
    expect(run([signature(), cyclonedx(), cleanScan()], policy).allowed).toBe(false);
  });

  it('a key with requireTlog counts only bundles that carried a verified transparency-log entry', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const keyId = publicKeyId(pem);
    const policy = testPolicy({ identities: [], keys: [{ path: 'cosign.pub', pem, keyId, requireTlog: true }] });
    const all = (signer: { kind: 'key'; keyId: string; tlog?: boolean }) => [
      attestation(PREDICATE.signature, {}, signer),
      attestation(PREDICATE.cyclonedx, {}, signer),
      attestation(PREDICATE.vuln, vulnPredicate(ago(1), []), signer),
    ];
    expect(run(all({ kind: 'key', keyId, tlog: true }), policy).allowed).toBe(true);
    const without = run(all({ kind: 'key', keyId, tlog: false }), policy);
    expect(without.allowed).toBe(false);
    expect(without.rejected[0].reason).toMatch(/cosign\.pub sets requireTlog and the bundle has no transparency-log entry/);
  });

  it('extension pins: every pinned certificate extension must be present and equal', () => {
    const pins = { sourceRepositoryURI: 'https://github.com/acme/api', sourceRepositoryRef: 'refs/heads/main' };
    const policy = testPolicy({ identities: [{ ...testPolicy().identities[0]!, extensions: pins }] });
    const signed = (extensions: Record<string, string> | undefined) => {
      const signer = { ...PIPELINE, extensions } as typeof PIPELINE;
      return [attestation(PREDICATE.signature, {}, signer), attestation(PREDICATE.cyclonedx, {}, signer), attestation(PREDICATE.vuln, vulnPredicate(ago(1), []), signer)];
    };
    expect(run(signed({ ...pins, buildSignerURI: PIPELINE_SAN }), policy).allowed).toBe(true);
    const otherRef = run(signed({ ...pins, sourceRepositoryRef: 'refs/heads/dev' }), policy);
    expect(otherRef.allowed).toBe(false);
    expect(otherRef.rejected[0].reason).toMatch(/certificate sourceRepositoryRef is 'refs\/heads\/dev', the policy pins 'refs\/heads\/main'/);
    expect(run(signed(undefined), policy).rejected[0].reason).toMatch(/sourceRepositoryURI is absent/);
  });

  it('judges the NEWEST scan: a newer clean scan supersedes an older one with an old CRITICAL', () => {
    const old = attestation(PREDICATE.vuln, vulnPredicate(ago(48), [{ VulnerabilityID: 'CVE-1', PkgName: 'x', InstalledVersion: '1', Severity: 'CRITICAL', PublishedDate: ago(1000) }]));
    expect(run([signature(), cyclonedx(), old, cleanScan()]).allowed).toBe(true);
    const newerBad = attestation(PREDICATE.vuln, vulnPredicate(ago(1), [{ VulnerabilityID: 'CVE-2', PkgName: 'x', InstalledVersion: '1', Severity: 'CRITICAL', PublishedDate: ago(1000) }]));
    expect(run([signature(), cyclonedx(), attestation(PREDICATE.vuln, vulnPredicate(ago(48), [])), newerBad]).allowed).toBe(false);
  });

  it('denies when any allowed scan has no usable date (it might be the newest)', () => {
    expect(run([signature(), cyclonedx(), cleanScan(), attestation(PREDICATE.vuln, vulnPredicate(undefined, []))]).allowed).toBe(false);
  });

  it('gives evidence: scan age, offending CVEs with dates and ages, CVEs still in grace', () => {
    const predicate = vulnPredicate(ago(3), [
      { VulnerabilityID: 'CVE-2025-1', PkgName: 'openssl', InstalledVersion: '1', Severity: 'CRITICAL', PublishedDate: ago(200) },
      { VulnerabilityID: 'CVE-2025-2', PkgName: 'zlib', InstalledVersion: '1', Severity: 'CRITICAL', PublishedDate: ago(5) },
    ]);
    const scan = attestation(PREDICATE.vuln, predicate);
    const r = rule(run([signature(), cyclonedx(), scan]), 'vulnerabilities');
    expect(r.passed).toBe(false);
    expect(r.reason).toContain('CVE-2025-1 (published 200h0m0s ago)');
    expect(r.evidence.scan).toMatchObject({ referrerDigest: scan.referrerDigest, age: '3h0m0s', signer: PIPELINE });
    expect(r.evidence.offending).toEqual([{ id: 'CVE-2025-1', package: 'openssl', severity: 'CRITICAL', publishedDate: ago(200), age: '200h0m0s' }]);
    expect(r.evidence.withinGrace?.map((c) => c.id)).toEqual(['CVE-2025-2']);
  });

  it('audit mode allows but still reports the failures', () => {
    const result = run([], testPolicy({ mode: 'audit' }));
    expect(result.allowed).toBe(true);
    expect(result.rules.every((r) => !r.passed)).toBe(true);
  });

  it('skips rules the policy turns off', () => {
    const policy = testPolicy({ require: { signature: true, sbom: false, vulnerabilities: undefined } });
    const result = run([signature()], policy);
    expect(result.rules.map((r) => r.rule)).toEqual(['signature']);
    expect(result.allowed).toBe(true);
  });

  it('passes caller-rejected attestations through', () => {
    const result = evaluate(testPolicy(), {
      imageDigest: IMAGE_DIGEST,
      now: FIXTURE_NOW,
      attestations: [],
      rejected: [{ referrerDigest: 'sha256:' + 'c'.repeat(64), reason: 'bundle signature does not verify' }],
    });
    expect(result.rejected).toHaveLength(1);
    expect(result.allowed).toBe(false);
  });
});

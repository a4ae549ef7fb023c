import { PREDICATE } from '../oci/media-types';
import type { VerifiedAttestation } from '../policy/types';
import { newestAttestedSbom } from './base-sbom';

const att = (predicateType: string, signedAt: string, predicate: unknown): VerifiedAttestation => ({
  referrerDigest: `sha256:${signedAt}`,
  predicateType,
  signer: { kind: 'key', keyId: 'sha256:k' },
  signedAt: new Date(signedAt),
  statement: { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType, predicate },
});

describe('the attested base SBOM', () => {
  test('the newest accepted SBOM, whichever format', () => {
    const r = newestAttestedSbom({
      digest: 'sha256:base',
      rejected: [],
      accepted: [att(PREDICATE.cyclonedx, '2026-01-01T00:00:00Z', { old: true }), att(PREDICATE.spdx, '2026-01-02T00:00:00Z', { new: true }), att(PREDICATE.vuln, '2026-01-03T00:00:00Z', {})],
    });
    expect(r).toEqual({ found: true, digest: 'sha256:base', predicateType: PREDICATE.spdx, signedBy: 'key sha256:k', document: { new: true } });
  });

  test('none: the reason names the digest and what was set aside', () => {
    expect(newestAttestedSbom({ digest: 'sha256:base', accepted: [att(PREDICATE.vuln, '2026-01-03T00:00:00Z', {})], rejected: [{ referrerDigest: 'sha256:x', reason: 'other signer' }] })).toEqual({
      found: false,
      reason: 'no SBOM attestation for sha256:base from a signer the policy allows (1 attestation(s) set aside)',
    });
  });
});

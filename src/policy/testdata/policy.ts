import { positiveDuration } from '../duration';
import type { InTotoStatement, Policy, Signer, VerifiedAttestation } from '../types';

export const IMAGE_DIGEST = 'sha256:' + 'a'.repeat(64);
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
export const PIPELINE_SAN = 'https://github.com/acme/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.0';
export const PIPELINE: Signer = { kind: 'keyless', san: PIPELINE_SAN, issuer: GITHUB_ISSUER };

/** A policy as loadPolicy() would return it for the documented example (no key). */
export function testPolicy(overrides: Partial<Policy> = {}): Policy {
  return {
    name: 'production',
    source: 'policy.yaml',
    images: ['ghcr.io/acme/*'],
    excludeNamespaces: ['kube-system'],
    mode: 'enforce',
    sigstore: { kind: 'public-good' },
    identities: [{ issuer: GITHUB_ISSUER, subjectRegExp: '^https://github\\.com/acme/ship-image/\\.github/workflows/ship\\.yml@refs/tags/v.*$' }],
    keys: [],
    require: {
      signature: true,
      sbom: true,
      vulnerabilities: { maxScanAge: positiveDuration('168h')!, criticalGrace: positiveDuration('168h')! },
    },
    ...overrides,
  };
}

let counter = 0;
export function attestation(predicateType: string, predicate: unknown, signer: Signer = PIPELINE, digest = IMAGE_DIGEST): VerifiedAttestation {
  counter++;
  const statement: InTotoStatement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'ghcr.io/acme/api', digest: { sha256: digest.split(':')[1] } }],
    predicateType,
    predicate,
  };
  return { referrerDigest: 'sha256:' + counter.toString(16).padStart(64, '0'), predicateType, statement, signer, signedAt: new Date('2025-06-01T11:00:00Z') };
}

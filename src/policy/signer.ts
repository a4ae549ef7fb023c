import { createHash, createPublicKey } from 'node:crypto';
import type { Policy, PolicyIdentity, Signer } from './types';
import { subjectRegExpMatches } from './regexp-check';

/**
 * The identifier `verify` must put in `Signer.keyId` for a key-signed bundle: `sha256:` and the hex
 * SHA-256 of the key's DER SubjectPublicKeyInfo. Throws when the PEM is not a public key.
 */
export function publicKeyId(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return 'sha256:' + createHash('sha256').update(der).digest('hex');
}

export function identityMatches(identity: PolicyIdentity, san: string, issuer: string): boolean {
  if (identity.issuer !== issuer) return false;
  if (identity.subject !== undefined) return identity.subject === san;
  return subjectRegExpMatches(identity.subjectRegExp, san);
}

/** Whether the policy allows this signer (any identity or any key). */
export function signerAllowed(policy: Pick<Policy, 'identities' | 'keys'>, signer: Signer): boolean {
  if (signer.kind === 'keyless') return policy.identities.some((id) => identityMatches(id, signer.san, signer.issuer));
  return policy.keys.some((k) => k.keyId === signer.keyId);
}

export function describeSigner(signer: Signer): string {
  return signer.kind === 'keyless' ? `${signer.san} (issuer ${signer.issuer})` : `key ${signer.keyId}`;
}

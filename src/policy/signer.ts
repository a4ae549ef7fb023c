import { createPublicKey } from 'node:crypto';
import { keyId } from '../core/key-id';
import type { ExtensionPins, PinnableExtension, Policy, PolicyIdentity, Signer } from './types';
import { subjectRegExpMatches } from './regexp-check';

/**
 * The identifier `verify` must put in `Signer.keyId` for a key-signed bundle: `sha256:` and the hex
 * SHA-256 of the key's DER SubjectPublicKeyInfo. Throws when the PEM is not a public key.
 */
export function publicKeyId(pem: string): string {
  return keyId(createPublicKey(pem));
}

/** Issuer, subject, and every extension the identity pins (absent from the certificate = no match). */
export function identityMatches(identity: PolicyIdentity, san: string, issuer: string, extensions: ExtensionPins = {}): boolean {
  if (identity.issuer !== issuer) return false;
  const subjectOk = identity.subject !== undefined ? identity.subject === san : subjectRegExpMatches(identity.subjectRegExp, san);
  if (!subjectOk) return false;
  return Object.entries(identity.extensions ?? {}).every(([name, value]) => extensions[name as PinnableExtension] === value);
}

/** Whether the policy allows this signer (any identity, or any key whose transparency-log rule it meets). */
export function signerAllowed(policy: Pick<Policy, 'identities' | 'keys'>, signer: Signer): boolean {
  if (signer.kind === 'keyless') return policy.identities.some((id) => identityMatches(id, signer.san, signer.issuer, signer.extensions));
  return policy.keys.some((k) => k.keyId === signer.keyId && (!k.requireTlog || signer.tlog === true));
}

/**
 * Why the policy does not allow this signer, one phrase; undefined when it does. Names the pinned
 * extension or the missing transparency-log entry when that is what failed.
 */
export function signerRefusal(policy: Pick<Policy, 'identities' | 'keys'>, signer: Signer): string | undefined {
  if (signerAllowed(policy, signer)) return undefined;
  const base = `signer ${describeSigner(signer)} is not allowed by the policy`;
  if (signer.kind === 'key') {
    const key = policy.keys.find((k) => k.keyId === signer.keyId);
    return key ? `${base}: key ${key.path} sets requireTlog and the bundle has no transparency-log entry` : base;
  }
  const near = policy.identities.find((id) => identityMatches({ ...id, extensions: undefined }, signer.san, signer.issuer));
  if (!near) return base;
  const [name, want] = Object.entries(near.extensions ?? {}).find(([n, v]) => signer.extensions?.[n as PinnableExtension] !== v)!;
  const got = signer.extensions?.[name as PinnableExtension];
  return `${base}: certificate ${name} is ${got === undefined ? 'absent' : `'${got}'`}, the policy pins '${want}'`;
}

export function describeSigner(signer: Signer): string {
  return signer.kind === 'keyless' ? `${signer.san} (issuer ${signer.issuer})` : `key ${signer.keyId}`;
}

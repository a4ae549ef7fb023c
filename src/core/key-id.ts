import { createHash, type KeyObject } from 'node:crypto';

/**
 * How ship-image names a public key everywhere (policy `Signer.keyId`, verify reports, a key
 * signer's identity): `sha256:` and the hex SHA-256 of its DER SubjectPublicKeyInfo.
 */
export function keyId(publicKey: KeyObject): string {
  return 'sha256:' + createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex');
}

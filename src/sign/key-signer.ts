import { createHash, sign as cryptoSign } from 'node:crypto';
import type { Signature, Signer } from '@sigstore/sign';
import { bundleSigningMethods, witnessesFor, type WitnessOptions } from './dsse';
import { loadPrivateKey } from './private-key';
import type { StatementSigner } from './types';
import { keyId } from '../core/key-id';

export interface KeySignerOptions extends WitnessOptions {
  keyPem: string;
  /** Password of an encrypted key; defaults to COSIGN_PASSWORD. */
  password?: string;
}

export interface KeyStatementSigner extends StatementSigner {
  /** The public key (PEM SubjectPublicKeyInfo) of the signing key, for verifiers. */
  readonly publicKeyPem: string;
}

/**
 * Key-based signing. Bundles carry a `publicKey` hint (base64 SHA-256 of the DER public key, as
 * cosign writes it) instead of a certificate. Rekor/TSA are optional (off unless URLs are given).
 */
export function keySigner(opts: KeySignerOptions): KeyStatementSigner {
  const { privateKey, publicKey } = loadPrivateKey(opts.keyPem, opts.password ?? process.env.COSIGN_PASSWORD);
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const hint = publicKeyHint(publicKey.export({ format: 'der', type: 'spki' }));
  const signer: Signer = {
    async sign(data: Buffer): Promise<Signature> {
      return { signature: cryptoSign('sha256', data, privateKey), key: { $case: 'publicKey', publicKey: publicKeyPem, hint } };
    },
  };
  const witnesses = witnessesFor(opts);
  return {
    identity: keyId(publicKey),
    publicKeyPem,
    ...bundleSigningMethods(signer, witnesses),
  };
}

/** The hint a key bundle carries for this public key (what verifiers match keys by). */
export function publicKeyHint(publicKeyDer: Buffer): string {
  return createHash('sha256').update(publicKeyDer).digest('base64');
}

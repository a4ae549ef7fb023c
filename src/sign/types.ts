import type { SerializedBundle } from '@sigstore/bundle';
import type { Statement } from '../attest/statement';

export type { SerializedBundle };

/** Signs in-toto statements into Sigstore bundles (DSSE, payloadType application/vnd.in-toto+json). */
export interface StatementSigner {
  /**
   * Who signs: the certificate SAN for keyless signing (known after the first signature; empty
   * before), `sha256:<hex>` of the public key (DER SubjectPublicKeyInfo) for a key.
   */
  readonly identity: string;
  signStatement(statement: Statement<object>): Promise<SerializedBundle>;
  /**
   * Signs raw bytes (ECDSA over their SHA-256) with the same key and certificate as the statements:
   * a `messageSignature` bundle, witnessed like the DSSE ones (Rekor entry kind `hashedrekord`).
   */
  signMessage(payload: Buffer): Promise<SerializedBundle>;
  /** Keyless: the PEM certificates above the leaf, as Fulcio returned them (known after the first signature). */
  readonly certificateChainPem?: string;
  /**
   * Readies what signing needs that does not depend on what is signed (keyless: the token and the
   * certificate), so it overlaps other work; signing does it anyway when this was not called or failed.
   */
  prepare?(): Promise<void>;
}

export type RekorEntryType = 'dsse' | 'intoto';

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
}

export type RekorEntryType = 'dsse' | 'intoto';

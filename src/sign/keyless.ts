import { generateKeyPairSync, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { InternalError, type Signature, type Signer } from '@sigstore/sign';
// The library's Fulcio client: FulcioSigner keeps only the leaf, the legacy cosign layout needs the chain too.
import { CAClient } from '@sigstore/sign/dist/signer/fulcio/ca';
import { UserError } from '../core/errors';
import { addSecret } from '../core/log';
import { bundleSigningMethods, SIGSTORE_RETRIES, SIGSTORE_TIMEOUT_MS, witnessesFor } from './dsse';
import type { RekorEntryType, StatementSigner } from './types';

export interface KeylessSignerOptions {
  fulcioURL: string;
  rekorURL?: string;
  tsaURL?: string;
  /** Returns a fresh OIDC token (audience `sigstore`); e.g. `() => core.getIDToken('sigstore')`. */
  identityToken: () => Promise<string>;
  /** Per request to Fulcio, Rekor and the TSA, each tried at most 1 + 2 times (default 30 s). */
  timeoutMs?: number;
  /** Rekor v1 entry kind for DSSE bundles (default `dsse`, as sigstore-js and cosign write). */
  rekorEntryType?: RekorEntryType;
}

export interface KeylessStatementSigner extends StatementSigner {
  /** The Fulcio certificate (PEM) in use, once one was issued. */
  readonly certificatePem: string | undefined;
  /** The PEM certificates above the leaf (intermediates, root), once one was issued. */
  readonly certificateChainPem: string | undefined;
  /** How many certificates were requested from Fulcio by this signer. */
  readonly certificatesIssued: number;
}

// Re-request a certificate when less than this is left of its (10-minute) validity, so a long run
// never signs with a certificate that expires before Rekor/TSA timestamp the signature.
const RENEW_BEFORE_EXPIRY_MS = 60_000;

/** The run's one ephemeral P-256 key. */
class EphemeralKey implements Signer {
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKeyPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }
  async sign(data: Buffer): Promise<Signature> {
    return { signature: cryptoSign('sha256', data, this.privateKey), key: { $case: 'publicKey', publicKey: this.publicKeyPem } };
  }
}

interface IssuedCertificate {
  pem: string;
  /** The rest of Fulcio's chain, PEM, concatenated ('' when Fulcio sent the leaf only). */
  chainPem: string;
  san: string;
  notAfter: number;
}

/**
 * A Signer that asks Fulcio for a certificate once and reuses it for every signature (FulcioSigner
 * alone fetches a token and a certificate on every call); renewed only near expiry.
 */
class CertificateCachingSigner implements Signer {
  private readonly key = new EphemeralKey();
  private readonly ca: CAClient;
  private pending?: Promise<IssuedCertificate>;
  issued = 0;
  certificate?: IssuedCertificate;

  constructor(
    fulcioURL: string,
    private readonly identityToken: () => Promise<string>,
    timeoutMs: number | undefined,
  ) {
    // Without a timeout the library waits on Fulcio forever; `retry` bounds the attempts (as for Rekor/TSA).
    this.ca = new CAClient({ fulcioBaseURL: fulcioURL, timeout: timeoutMs ?? SIGSTORE_TIMEOUT_MS, retry: SIGSTORE_RETRIES });
  }

  private async requestCertificate(): Promise<IssuedCertificate> {
    this.issued++;
    // What FulcioSigner does: get the token, prove possession of our key by signing the token's
    // subject, and receive the certificate chain (leaf first).
    const token = await this.readToken();
    const proof = await this.key.sign(Buffer.from(jwtSubject(token)));
    const chain = await this.ca.createSigningCertificate(token, this.key.publicKeyPem, proof.signature);
    const leaf = chain[0];
    if (!leaf) throw new Error('Fulcio returned no certificate');
    const cert = new X509Certificate(leaf);
    const san = /URI:([^,]+)|email:([^,]+)/.exec(cert.subjectAltName ?? '');
    return {
      pem: leaf,
      chainPem: chain.slice(1).map(endWithNewline).join(''),
      san: (san?.[1] ?? san?.[2] ?? '').trim(),
      notAfter: Date.parse(cert.validTo),
    };
  }

  private async readToken(): Promise<string> {
    try {
      const token = await this.identityToken();
      addSecret(token);
      return token;
    } catch (err) {
      throw new InternalError({ code: 'IDENTITY_TOKEN_READ_ERROR', message: 'error retrieving identity token', cause: err });
    }
  }

  async ensureCertificate(): Promise<IssuedCertificate> {
    const cached = this.certificate;
    if (cached && cached.notAfter - Date.now() > RENEW_BEFORE_EXPIRY_MS) return cached;
    // Concurrent signatures share one request.
    this.pending ??= this.requestCertificate()
      .then((issued) => (this.certificate = issued))
      .finally(() => (this.pending = undefined));
    return this.pending;
  }

  async sign(data: Buffer): Promise<Signature> {
    const cert = await this.ensureCertificate();
    const { signature } = await this.key.sign(data);
    return { signature, key: { $case: 'x509Certificate', certificate: cert.pem } };
  }
}

/** Keyless signing: one ephemeral key and one Fulcio certificate per signer, witnessed by Rekor and/or a TSA. */
export function keylessSigner(opts: KeylessSignerOptions): KeylessStatementSigner {
  if (!opts.fulcioURL) throw new UserError('keyless signing needs a Fulcio URL; pass one or use the default endpoints');
  if (!opts.rekorURL && !opts.tsaURL) {
    throw new UserError('keyless signing needs a Rekor or a timestamp authority URL; without one the signature cannot be verified after the certificate expires');
  }
  const signer = new CertificateCachingSigner(opts.fulcioURL, opts.identityToken, opts.timeoutMs);
  const witnesses = witnessesFor(opts);
  return {
    get identity() {
      return signer.certificate?.san ?? '';
    },
    get certificatePem() {
      return signer.certificate?.pem;
    },
    get certificateChainPem() {
      return signer.certificate?.chainPem;
    },
    get certificatesIssued() {
      return signer.issued;
    },
    async prepare() {
      await signer.ensureCertificate();
    },
    ...bundleSigningMethods(signer, witnesses),
  };
}

/** The proof-of-possession challenge: the token's verified email, else its subject (as Fulcio checks it). */
function jwtSubject(token: string): string {
  let claims: { email?: unknown; email_verified?: unknown; sub?: unknown };
  try {
    claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as typeof claims;
  } catch (err) {
    throw new InternalError({ code: 'IDENTITY_TOKEN_PARSE_ERROR', message: 'invalid identity token', cause: err });
  }
  if (typeof claims.email === 'string' && claims.email) {
    if (claims.email_verified !== true) throw new InternalError({ code: 'IDENTITY_TOKEN_PARSE_ERROR', message: 'identity token email is not verified by its issuer' });
    return claims.email;
  }
  if (typeof claims.sub === 'string' && claims.sub) return claims.sub;
  throw new InternalError({ code: 'IDENTITY_TOKEN_PARSE_ERROR', message: 'identity token carries no subject' });
}

function endWithNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : pem + '\n';
}

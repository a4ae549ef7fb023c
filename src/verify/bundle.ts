import { createPublicKey, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle, type SerializedBundle } from '@sigstore/bundle';
import { RFC3161Timestamp, type X509Certificate } from '@sigstore/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
import { parseStatement, type JsonObject, type Statement } from '../attest/statement';
import { DeniedError, UserError } from '../core/errors';
import { IN_TOTO_PAYLOAD_TYPE } from '../oci/media-types';
import { certificateExtensions, type FulcioExtensionName } from '../sign/fulcio-extensions';
import { keyId } from '../core/key-id';
import './sigstore-core-tuning';

/** Who must have signed: a keyless identity (issuer and/or SAN), or a public key. */
export type BundlePolicy =
  | { certificateIssuer?: string; subjectAlternativeName?: string | RegExp }
  | { publicKeyPem: string };

export interface SignerIdentity {
  kind: 'certificate' | 'public-key';
  /** Certificate SAN (URI or email). */
  subjectAlternativeName?: string;
  /** OIDC issuer from the certificate (1.3.6.1.4.1.57264.1.8, else .1.1). */
  issuer?: string;
  /** Every Fulcio extension the certificate carries, by name. */
  extensions: Partial<Record<FulcioExtensionName, string>>;
  /** `sha256:<hex>` of the signing public key (DER SubjectPublicKeyInfo). */
  keyFingerprint: string;
}

export interface VerifiedTimestamp {
  source: 'transparency-log' | 'timestamp-authority';
  time: Date;
}

export interface VerifiedBundle {
  statement: Statement<JsonObject>;
  signer: SignerIdentity;
  /** The earliest verified time (tlog integrated time or TSA time); undefined for an untimestamped key signature. */
  signedAt?: Date;
  timestamps: VerifiedTimestamp[];
  /** Transparency-log entries in the bundle; every one was verified (inclusion and body) by @sigstore/verify. */
  tlogEntries: number;
}

export interface VerifyBundleOptions {
  trustedRoot: TrustedRoot;
  policy: BundlePolicy;
  /** Overrides of @sigstore/verify's thresholds; see {@link defaultThresholds}. */
  thresholds?: VerifierOptions;
}

/** A bundle that does not verify, or verifies for someone other than the policy wants: exit 1. */
export class BundleVerificationError extends DeniedError {
  constructor(message: string) {
    super(message);
    this.name = 'BundleVerificationError';
  }
}

/**
 * Certificates need an SCT and a verified time (Rekor or TSA). A transparency log entry is required
 * when the trusted root has logs, except for bundles timestamped by a TSA only (GitHub's private
 * instance has no log). Key signatures need neither, but whatever they carry is still checked.
 */
export function defaultThresholds(bundle: Bundle, root: TrustedRoot): VerifierOptions {
  const tlogs = bundle.verificationMaterial.tlogEntries.length;
  const tsas = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  if (bundle.verificationMaterial.content.$case === 'publicKey') {
    return { ctlogThreshold: 0, tlogThreshold: 0, timestampThreshold: 0 };
  }
  const tsaOnly = tlogs === 0 && tsas > 0;
  return { ctlogThreshold: 1, tlogThreshold: root.tlogs.length > 0 && !tsaOnly ? 1 : 0, timestampThreshold: 1 };
}


// The root's authorities as @sigstore/verify wants them, converted once per root object (keys and
// certificates parsed), not once per bundle.
const trustByRoot = new WeakMap<TrustedRoot, TrustMaterial>();

/** A Verifier for `bundle` under `trustedRoot`; `key` is the only key a key-signed bundle may be verified with. */
export function bundleVerifier(bundle: Bundle, trustedRoot: TrustedRoot, key?: KeyObject, thresholds?: VerifierOptions): Verifier {
  let trust = trustByRoot.get(trustedRoot);
  if (!trust) trustByRoot.set(trustedRoot, (trust = toTrustMaterial(trustedRoot)));
  const material = key ? { ...trust, publicKey: () => ({ publicKey: key, validFor: () => true }) } : trust;
  return new Verifier(material, thresholds ?? defaultThresholds(bundle, trustedRoot));
}

function verifiedTimestamps(bundle: Bundle): VerifiedTimestamp[] {
  const out: VerifiedTimestamp[] = [];
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    if (entry.inclusionPromise) out.push({ source: 'transparency-log', time: new Date(Number(entry.integratedTime) * 1000) });
  }
  for (const ts of bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []) {
    out.push({ source: 'timestamp-authority', time: RFC3161Timestamp.parse(Buffer.from(ts.signedTimestamp)).signingTime });
  }
  return out;
}

export function parseBundle(serialized: SerializedBundle | unknown): Bundle {
  try {
    return bundleFromJSON(serialized);
  } catch (err) {
    throw new BundleVerificationError(`not a valid Sigstore bundle: ${(err as Error).message}`);
  }
}

function sanMatches(expected: string | RegExp, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  return typeof expected === 'string' ? expected === actual : expected.test(actual);
}

/**
 * Verify a serialized Sigstore bundle carrying a DSSE in-toto statement: signature, certificate chain
 * and SCT (keyless) or the given key, transparency log entries and timestamps, then the identity
 * policy. Returns the statement, who signed it and when.
 */
export function verifyBundle(serialized: SerializedBundle | unknown, opts: VerifyBundleOptions): VerifiedBundle {
  // @sigstore/core's DER parser tries every OCTET STRING as nested DER and throws where it is not:
  // dozens of throws per certificate, each capturing a stack trace no one reads (what fails here
  // becomes a one-line reason).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return verifyParsedBundle(parseBundle(serialized), opts);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function verifyParsedBundle(bundle: Bundle, opts: VerifyBundleOptions): VerifiedBundle {
  if (bundle.content.$case !== 'dsseEnvelope') throw new BundleVerificationError('the bundle holds a message signature, not a DSSE statement');
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new BundleVerificationError(`the bundle's payload type is '${envelope.payloadType}', not ${IN_TOTO_PAYLOAD_TYPE}`);
  }

  const policy = opts.policy;
  const keyPolicy = 'publicKeyPem' in policy;
  const isKeyBundle = bundle.verificationMaterial.content.$case === 'publicKey';
  if (keyPolicy !== isKeyBundle) {
    throw new BundleVerificationError(keyPolicy ? 'the bundle is signed keyless (certificate), not with the expected key' : 'the bundle is signed with a key, not keyless; verify it with the public key');
  }
  let expectedKey: KeyObject | undefined;
  if (keyPolicy) {
    try {
      expectedKey = createPublicKey(policy.publicKeyPem);
    } catch {
      throw new UserError('the public key is not a PEM public key; pass the .pub file cosign generate-key-pair wrote');
    }
  }
  const verifier = bundleVerifier(bundle, opts.trustedRoot, expectedKey, opts.thresholds);

  let signerKey: KeyObject;
  let cert: X509Certificate | undefined;
  try {
    const entity = toSignedEntity(bundle);
    signerKey = verifier.verify(entity).key;
    // The leaf the verifier checked, not parsed a second time.
    if (entity.key.$case === 'certificate') cert = entity.key.certificate;
  } catch (err) {
    throw new BundleVerificationError(`bundle verification failed: ${(err as Error).message}`);
  }

  const extensions = cert ? certificateExtensions(cert) : {};
  const signer: SignerIdentity = {
    kind: cert ? 'certificate' : 'public-key',
    subjectAlternativeName: cert?.subjectAltName,
    issuer: extensions.issuer ?? extensions.issuerV1,
    extensions,
    keyFingerprint: keyId(signerKey),
  };
  if (!keyPolicy) {
    if (policy.certificateIssuer !== undefined && signer.issuer !== policy.certificateIssuer) {
      throw new BundleVerificationError(`signed by issuer '${signer.issuer ?? 'none'}', expected '${policy.certificateIssuer}'`);
    }
    if (policy.subjectAlternativeName !== undefined && !sanMatches(policy.subjectAlternativeName, signer.subjectAlternativeName)) {
      throw new BundleVerificationError(`signed by '${signer.subjectAlternativeName ?? 'no identity'}', expected ${String(policy.subjectAlternativeName)}`);
    }
  }

  let statement: Statement<JsonObject>;
  try {
    statement = parseStatement(envelope.payload);
  } catch (err) {
    throw new BundleVerificationError(`the signed ${(err as Error).message}`);
  }
  const timestamps = verifiedTimestamps(bundle);
  const signedAt = timestamps.length > 0 ? new Date(Math.min(...timestamps.map((t) => t.time.getTime()))) : undefined;
  return { statement, signer, signedAt, timestamps, tlogEntries: bundle.verificationMaterial.tlogEntries.length };
}

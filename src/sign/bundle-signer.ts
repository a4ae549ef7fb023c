import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { bundleFromJSON, type Bundle, type SerializedBundle } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { certificateExtensions, FULCIO_EXTENSIONS, type FulcioExtensionName } from './fulcio-extensions';
import { leafCertificate } from './leaf-certificate';

/**
 * Who signed a bundle, for a signer deciding which referrers are its own (to supersede its old scans,
 * or to skip a statement it already attached). Never another signer's: a keyless bundle is ours only
 * when its certificate names our identity — SAN, OIDC issuer and every Fulcio extension a policy can
 * pin (IDENTITY_EXTENSIONS) — and its key verifies the DSSE signature; a key bundle only when our
 * public key verifies it. A certificate's chain is not checked here (no trusted root at ship time): a
 * forged certificate naming us can only make us drop or skip a bundle `verify` rejects anyway.
 */
export type BundleSigner = { kind: 'keyless'; san: string; issuer: string; extensions: Record<string, string> } | { kind: 'key'; publicKeyPem: string };

/**
 * The certificate extensions that are part of who signed: the same workflow (SAN) run for another
 * repository, ref or caller is another signer, whose evidence a policy pinning that field relies on.
 * Per-run values (commit digests, run URI, trigger) are not: a re-run of the same signer is the same signer.
 */
const IDENTITY_EXTENSIONS: readonly FulcioExtensionName[] = [
  'buildSignerURI',
  'sourceRepositoryURI',
  'sourceRepositoryIdentifier',
  'sourceRepositoryRef',
  'sourceRepositoryOwnerURI',
  'sourceRepositoryOwnerIdentifier',
  'buildConfigURI',
];

/** The keyless identity of a bundle we just signed (SAN and issuer of its certificate), else undefined. */
export function keylessIdentityOf(bundle: SerializedBundle): BundleSigner | undefined {
  const parsed = parse(bundle);
  const cert = parsed && leafCertificate(parsed);
  if (!cert) return undefined;
  const { san, issuer, extensions } = identity(cert);
  return san && issuer ? { kind: 'keyless', san, issuer, extensions } : undefined;
}

/** True when `bundleJson` holds a DSSE envelope signed by `signer` (see BundleSigner). */
export function signedBy(bundleJson: unknown, signer: BundleSigner): boolean {
  const bundle = parse(bundleJson);
  if (!bundle || bundle.content.$case !== 'dsseEnvelope') return false;
  const cert = leafCertificate(bundle);
  let key: KeyObject;
  try {
    if (signer.kind === 'key') {
      if (cert) return false;
      key = createPublicKey(signer.publicKeyPem);
    } else {
      if (!cert) return false;
      const id = identity(cert);
      if (id.san !== signer.san || id.issuer !== signer.issuer || JSON.stringify(id.extensions) !== JSON.stringify(signer.extensions)) return false;
      key = createPublicKey({ key: cert.publicKey, format: 'der', type: 'spki' });
    }
    const envelope = bundle.content.dsseEnvelope;
    const pae = Buffer.concat([
      Buffer.from(`DSSEv1 ${Buffer.byteLength(envelope.payloadType)} ${envelope.payloadType} ${envelope.payload.length} `),
      envelope.payload,
    ]);
    const signature = envelope.signatures[0]?.sig;
    if (!signature) return false;
    return cryptoVerify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', pae, key, signature);
  } catch {
    return false;
  }
}

function parse(json: unknown): Bundle | undefined {
  try {
    return bundleFromJSON(json);
  } catch {
    return undefined;
  }
}

/** SAN, OIDC issuer and the identity extensions (keyed by OID) of a signing certificate. */
function identity(cert: X509Certificate): { san?: string; issuer?: string; extensions: Record<string, string> } {
  const all = certificateExtensions(cert);
  const extensions: Record<string, string> = {};
  for (const name of IDENTITY_EXTENSIONS) {
    const value = all[name];
    if (value !== undefined) extensions[FULCIO_EXTENSIONS[name].oid] = value;
  }
  return { san: cert.subjectAltName, issuer: all.issuer ?? all.issuerV1, extensions };
}

/**
 * Whether a verifier would judge two bundles of one signer alike: the same certificate authority
 * (issuer name), and the same kinds of proof (a transparency-log entry, an RFC 3161 timestamp).
 * A bundle from another Sigstore instance, or one without the log entry a policy requires, is not a
 * stand-in for the one a ship would attach now.
 */
export function sameVerificationKind(a: unknown, b: unknown): boolean {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return false;
  const shape = (bundle: Bundle) => {
    const material = bundle.verificationMaterial;
    return JSON.stringify([
      leafCertificate(bundle)?.issuer.toString('hex') ?? null,
      material.tlogEntries.length > 0,
      (material.timestampVerificationData?.rfc3161Timestamps.length ?? 0) > 0,
    ]);
  };
  return shape(pa) === shape(pb);
}

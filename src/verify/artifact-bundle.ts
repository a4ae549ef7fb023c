// Verifies one Sigstore bundle for an artifact (a file or a `sha256:` digest): the semantics of
// `cosign verify-blob --bundle` and of the sigstore-conformance `verify-bundle` protocol.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, type SignedEntity } from '@sigstore/verify';
import { UserError } from '../core/errors';
import { IN_TOTO_PAYLOAD_TYPE } from '../oci/media-types';
import { bundleVerifier, BundleVerificationError, parseBundle } from './bundle';
import { verifyPrehashedEcdsa } from './ecdsa-prehashed';

/** What was signed: the artifact's bytes, or only its SHA-256 digest. */
export type ArtifactInput = { bytes: Buffer } | { sha256: Buffer };

/** Who must have signed: exact SAN and OIDC issuer, or a public key. */
export type ArtifactSigner = { identity: string; issuer: string } | { publicKeyPem: string };

export interface ArtifactVerification {
  kind: 'message-signature' | 'dsse-envelope';
  signer: string;
}

function fail(message: string): never {
  throw new BundleVerificationError(message);
}

function artifactDigest(artifact: ArtifactInput): Buffer {
  return 'bytes' in artifact ? createHash('sha256').update(artifact.bytes).digest() : artifact.sha256;
}

/** The entity to verify; a message signature checked against a digest alone needs its own signature check. */
function signedEntity(bundle: Bundle, artifact: ArtifactInput): SignedEntity {
  if (bundle.content.$case === 'dsseEnvelope') return dsseEntity(bundle);
  if ('bytes' in artifact) return toSignedEntity(bundle, artifact.bytes);
  const entity = toSignedEntity(bundle);
  const algorithm = bundle.content.messageSignature.messageDigest?.algorithm;
  const base = entity.signature;
  return {
    ...entity,
    signature: {
      signature: base.signature,
      compareSignature: (s) => base.compareSignature(s),
      compareDigest: (d) => base.compareDigest(d),
      verifySignature: (key: KeyObject) => {
        const ok = verifyPrehashedEcdsa(key, artifact.sha256, base.signature);
        if (ok === undefined) fail(`cannot check a ${key.asymmetricKeyType ?? 'non-EC'} signature against a digest alone; pass the artifact file`);
        // Only SHA-256 digests are given on the command line.
        return ok && (algorithm === undefined || algorithm === 1);
      },
    },
  };
}

/**
 * Rekor v2 logs a DSSE envelope as a hashedrekord over the envelope's pre-authentication encoding
 * (rekor-v2 spec, "hashedrekord over DSSE"); @sigstore/verify compares that entry's digest with the
 * payload's. For such entries only, compare with the digest of the PAE instead.
 */
function dsseEntity(bundle: Bundle): SignedEntity {
  const entity = toSignedEntity(bundle);
  const entries = bundle.verificationMaterial.tlogEntries;
  const overPae = entries.length > 0 && entries.every((e) => e.kindVersion?.kind === 'hashedrekord');
  if (!overPae || bundle.content.$case !== 'dsseEnvelope') return entity;
  const envelope = bundle.content.dsseEnvelope;
  const pae = Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(envelope.payloadType)} ${envelope.payloadType} ${envelope.payload.length} `),
    Buffer.from(envelope.payload),
  ]);
  const paeDigest = createHash('sha256').update(pae).digest();
  const base = entity.signature;
  return {
    ...entity,
    signature: {
      signature: base.signature,
      compareSignature: (s) => base.compareSignature(s),
      compareDigest: (d) => Buffer.from(d).equals(paeDigest),
      verifySignature: (key: KeyObject) => base.verifySignature(key),
    },
  };
}

function checkArtifactBinding(bundle: Bundle, artifact: ArtifactInput): void {
  const digest = artifactDigest(artifact);
  if (bundle.content.$case === 'messageSignature') {
    const signed = bundle.content.messageSignature.messageDigest?.digest;
    if (signed && !Buffer.from(signed).equals(digest)) fail('the bundle signs another artifact (its message digest differs)');
    return;
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) fail(`the DSSE payload type is '${envelope.payloadType}', not an in-toto statement naming the artifact`);
  let subjects: Array<{ digest?: Record<string, string> }>;
  try {
    subjects = (JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as { subject?: typeof subjects }).subject ?? [];
  } catch {
    return fail('the DSSE payload is not JSON');
  }
  const hex = digest.toString('hex');
  if (!Array.isArray(subjects) || !subjects.some((s) => s?.digest?.sha256?.toLowerCase() === hex)) {
    fail(`no subject of the in-toto statement has sha256 ${hex}`);
  }
}

/** Verify `bundleJson` for `artifact` against `trustedRoot` and the expected signer. Throws BundleVerificationError. */
export function verifyArtifactBundle(bundleJson: unknown, artifact: ArtifactInput, signer: ArtifactSigner, trustedRoot: TrustedRoot): ArtifactVerification {
  const bundle = parseBundle(bundleJson);
  const keyBundle = bundle.verificationMaterial.content.$case === 'publicKey';
  let key: KeyObject | undefined;
  if ('publicKeyPem' in signer) {
    try {
      key = createPublicKey(signer.publicKeyPem);
    } catch {
      throw new UserError('--key is not a PEM public key; pass the public half (e.g. cosign.pub)');
    }
    if (!keyBundle) fail('the bundle is signed keyless (certificate), not with the given key');
  } else if (keyBundle) {
    fail('the bundle is signed with a key; verify it with --key');
  }
  checkArtifactBinding(bundle, artifact);
  const verifier = bundleVerifier(bundle, trustedRoot, key);
  const policy = 'identity' in signer ? { subjectAlternativeName: signer.identity, extensions: { issuer: signer.issuer } } : undefined;
  try {
    const result = verifier.verify(signedEntity(bundle, artifact), policy);
    const who = result.identity?.subjectAlternativeName ?? 'the given key';
    return { kind: bundle.content.$case === 'dsseEnvelope' ? 'dsse-envelope' : 'message-signature', signer: who };
  } catch (err) {
    if (err instanceof BundleVerificationError) throw err;
    return fail(`bundle verification failed: ${(err as Error).message}`);
  }
}

import { sha256Digest } from '../oci/digest';
import { ANNOTATION, EMPTY_JSON, EMPTY_JSON_DIGEST, OCI_EMPTY, OCI_MANIFEST, SIGSTORE_BUNDLE_V03 } from '../oci/media-types';
import type { Descriptor, ImageManifest } from '../oci/types';

/** `dev.sigstore.bundle.content` values (cosign specs/BUNDLE_SPEC.md). */
export type BundleContentKind = 'dsse-envelope' | 'message-signature';

export interface BundleReferrerInput {
  /** The serialized bundle JSON exactly as it will be stored (the layer blob). */
  bundle: Buffer | string;
  /** The in-toto statement's predicate type. */
  predicateType: string;
  /** Descriptor of the image manifest or index the bundle is about. */
  subject: Descriptor;
  /** Defaults to now. */
  created?: Date;
  contentKind?: BundleContentKind;
}

export interface BundleReferrer {
  manifest: ImageManifest;
  /** The exact manifest bytes to PUT (their digest is the referrer's digest). */
  manifestBytes: Buffer;
  /** The bundle layer blob. */
  layerBytes: Buffer;
  /** The config blob (`{}`), to upload before the manifest. */
  configBytes: Buffer;
}

/** RFC 3339 without milliseconds, as cosign writes it. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One OCI 1.1 referrer manifest carrying one Sigstore bundle (REFERENCE §1a). */
export function buildBundleReferrer(input: BundleReferrerInput): BundleReferrer {
  const layerBytes = Buffer.isBuffer(input.bundle) ? input.bundle : Buffer.from(input.bundle, 'utf8');
  const subject: Descriptor = { mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_V03,
    config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
    layers: [{ mediaType: SIGSTORE_BUNDLE_V03, digest: sha256Digest(layerBytes), size: layerBytes.length }],
    subject,
    annotations: {
      [ANNOTATION.bundleContent]: input.contentKind ?? 'dsse-envelope',
      [ANNOTATION.bundlePredicateType]: input.predicateType,
      [ANNOTATION.created]: rfc3339(input.created ?? new Date()),
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  return { manifest, manifestBytes, layerBytes, configBytes: Buffer.from(EMPTY_JSON) };
}

/** The descriptor a referrers index (or fallback tag) lists for this referrer. */
export function referrerDescriptor(referrer: BundleReferrer): Descriptor {
  return {
    mediaType: OCI_MANIFEST,
    digest: sha256Digest(referrer.manifestBytes),
    size: referrer.manifestBytes.length,
    artifactType: SIGSTORE_BUNDLE_V03,
    annotations: { ...(referrer.manifest.annotations ?? {}) },
  };
}

import { X509Certificate } from 'node:crypto';
import { fallbackTag } from './digest';
import { ANNOTATION, COSIGN_SIMPLESIGNING, DSSE_ENVELOPE, OCI_CONFIG, OCI_MANIFEST } from './media-types';
import { conditionFor, dedupe, readTombstones, updateListedTag, withTombstones, type FallbackUpdateOptions, type ListedTagState } from './referrers';
import { NotFoundError, type RepositoryStore } from './store';
import { isIndex, type Descriptor, type ImageManifest } from './types';

/**
 * cosign <= v2 storage (REFERENCE §1b): tags `sha256-<hex>.sig`, `.att`, `.sbom` in the image's
 * repository, one manifest per subject, one layer per signature / attestation / SBOM.
 */
export type LegacyCosignKind = 'sig' | 'att' | 'sbom';
export const LEGACY_COSIGN_KINDS: readonly LegacyCosignKind[] = ['sig', 'att', 'sbom'];

export function legacyCosignTag(subjectDigest: string, kind: LegacyCosignKind): string {
  return `${fallbackTag(subjectDigest)}.${kind}`;
}

/** One layer of a legacy cosign tag. */
export interface LegacyCosignEntry {
  kind: LegacyCosignKind;
  tag: string;
  /** Digest of the tag's manifest (the same for every layer of one tag). */
  manifestDigest: string;
  mediaType: string;
  digest: string;
  size: number;
  /** The `predicateType` layer annotation of an attestation. */
  predicateType?: string;
  /** Subject alternative name of the signing certificate (e.g. `URI:https://github.com/...`). */
  certificateSubject?: string;
  annotations: Record<string, string>;
}

/** Every layer under the legacy tags of `subjectDigest` (missing tags contribute nothing). */
export async function readLegacyCosign(
  store: RepositoryStore,
  subjectDigest: string,
  kinds: readonly LegacyCosignKind[] = LEGACY_COSIGN_KINDS,
): Promise<LegacyCosignEntry[]> {
  const entries: LegacyCosignEntry[] = [];
  for (const kind of kinds) {
    const tag = legacyCosignTag(subjectDigest, kind);
    const state = await readTag(store, tag);
    if (!state.digest) continue;
    for (const layer of state.entries) {
      const annotations = { ...(layer.annotations ?? {}) };
      const entry: LegacyCosignEntry = {
        kind,
        tag,
        manifestDigest: state.digest,
        mediaType: layer.mediaType,
        digest: layer.digest,
        size: layer.size,
        annotations,
      };
      const predicateType = annotations[ANNOTATION.predicateType];
      if (predicateType) entry.predicateType = predicateType;
      const subject = certificateSubject(annotations[ANNOTATION.cosignCertificate]);
      if (subject) entry.certificateSubject = subject;
      entries.push(entry);
    }
  }
  return entries;
}

/** A layer to add under `.sig` or `.att`: its bytes, media type and cosign annotations. */
export interface LegacyCosignLayer {
  content: Buffer;
  mediaType: string;
  annotations: Record<string, string>;
}

export interface AppendResult {
  tag: string;
  layer: Descriptor;
  /** False when a layer with the same digest was already there. */
  added: boolean;
}

/**
 * Add one layer to the subject's `.sig` or `.att` manifest, creating it if needed. Adding rewrites
 * the tag, so the same read-back-and-retry care as the referrers fallback index applies: layers
 * written concurrently by others are kept.
 */
export async function appendLegacyCosign(
  store: RepositoryStore,
  subjectDigest: string,
  kind: 'sig' | 'att',
  layer: LegacyCosignLayer,
  opts: FallbackUpdateOptions = {},
): Promise<AppendResult> {
  const tag = legacyCosignTag(subjectDigest, kind);
  const pushed = await store.putBlob(layer.content, layer.mediaType);
  const descriptor: Descriptor = { mediaType: layer.mediaType, digest: pushed.digest, size: pushed.size, annotations: { ...layer.annotations } };
  const added = await updateListedTag<TagState>(
    {
      description: `cosign tag ${tag} in ${store.location}`,
      read: () => readTag(store, tag),
      async write(layers, current, removed) {
        const config = Buffer.from(JSON.stringify(signatureImageConfig(layers)));
        const configDescriptor = await store.putBlob(config, OCI_CONFIG);
        const manifest: ImageManifest = {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: OCI_CONFIG, digest: configDescriptor.digest, size: configDescriptor.size },
          layers,
        };
        const annotations = withTombstones(current.manifest?.annotations, removed);
        if (annotations) manifest.annotations = annotations;
        await store.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, tag, conditionFor(current));
      },
    },
    { add: descriptor },
    opts,
  );
  return { tag, layer: descriptor, added };
}

/** A simple-signing payload (cosign `SIGNATURE_SPEC.md`) for the image `repository@digest`. */
export function simpleSigningPayload(repository: string, manifestDigest: string, optional?: Record<string, unknown>): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': repository },
        image: { 'docker-manifest-digest': manifestDigest },
        type: 'cosign container image signature',
      },
      optional: optional ?? null,
    }),
  );
}

export interface CosignMaterial {
  /** PEM leaf certificate (keyless), and its chain. */
  certificate?: string;
  chain?: string;
  /** The Rekor SET as JSON: `{"SignedEntryTimestamp", "Payload": {"body","integratedTime","logIndex","logID"}}`. */
  rekorBundle?: string;
}

/** A `.sig` layer: the simple-signing payload with its base64 signature and cosign annotations. */
export function legacySignatureLayer(payload: Buffer, signatureBase64: string, material: CosignMaterial = {}): LegacyCosignLayer {
  return { content: payload, mediaType: COSIGN_SIMPLESIGNING, annotations: { [ANNOTATION.cosignSignature]: signatureBase64, ...materialAnnotations(material) } };
}

/** An `.att` layer: the DSSE envelope JSON; the signature annotation is empty, as cosign writes it. */
export function legacyAttestationLayer(envelope: Buffer, predicateType: string, material: CosignMaterial = {}): LegacyCosignLayer {
  return {
    content: envelope,
    mediaType: DSSE_ENVELOPE,
    annotations: { [ANNOTATION.cosignSignature]: '', ...materialAnnotations(material), [ANNOTATION.predicateType]: predicateType },
  };
}

function materialAnnotations(material: CosignMaterial): Record<string, string> {
  const out: Record<string, string> = {};
  if (material.certificate) out[ANNOTATION.cosignCertificate] = material.certificate;
  if (material.chain) out[ANNOTATION.cosignChain] = material.chain;
  if (material.rekorBundle) out[ANNOTATION.cosignBundle] = material.rekorBundle;
  return out;
}

interface TagState extends ListedTagState {
  manifest?: ImageManifest;
}

async function readTag(store: RepositoryStore, tag: string): Promise<TagState> {
  let fetched;
  try {
    fetched = await store.getManifest(tag);
  } catch (err) {
    if (err instanceof NotFoundError) return { entries: [] };
    throw err;
  }
  if (isIndex(fetched.manifest)) throw new Error(`cosign tag ${tag} in ${store.location} holds an image index, not an image manifest`);
  const manifest = fetched.manifest;
  return { digest: fetched.descriptor.digest, manifest, entries: dedupe(manifest.layers ?? []), removed: readTombstones(manifest.annotations) };
}

/** The small image config cosign's signature images carry: layers listed as (uncompressed) diff ids. */
function signatureImageConfig(layers: Descriptor[]): Record<string, unknown> {
  return {
    architecture: '',
    os: '',
    config: {},
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
}

function certificateSubject(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    const cert = new X509Certificate(pem);
    return cert.subjectAltName || cert.subject || undefined;
  } catch {
    return undefined;
  }
}

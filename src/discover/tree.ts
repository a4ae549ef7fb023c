import { mapLimited } from '../core/map-limited';
import { readLegacyCosign, type LegacyCosignKind } from '../oci/legacy-cosign';
import { ANNOTATION } from '../oci/media-types';
import { findReferrers, listFallbackReferrers, type ReferrersSource } from '../oci/referrers';
import type { RepositoryStore } from '../oci/store';
import type { Descriptor } from '../oci/types';

export type DiscoverSource = ReferrersSource | 'cosign-tag';

/** One thing attached to an image (or to another attached thing). */
export interface DiscoverNode {
  digest: string;
  mediaType: string;
  size: number;
  artifactType?: string;
  /** `dev.sigstore.bundle.predicateType` (bundles) or `predicateType` (cosign .att layers). */
  predicateType?: string;
  /** `org.opencontainers.image.created`. */
  created?: string;
  source: DiscoverSource;
  /** cosign-tag nodes: the tag, what kind of tag, and the signing certificate's subject. */
  tag?: string;
  cosignKind?: LegacyCosignKind;
  signer?: string;
  /** Things attached to this one (referrers only). */
  referrers: DiscoverNode[];
  /** True when the depth limit stopped the walk here (there may be more below). */
  truncated?: boolean;
}

export interface DiscoverTree {
  /** What the user named, e.g. `registry/repo:tag` or `oci-layout:DIR:tag`. */
  reference: string;
  digest: string;
  mediaType: string;
  size: number;
  referrers: DiscoverNode[];
}

export interface DiscoverOptions {
  /** For messages and the tree's `reference` (default: the store location and reference). */
  display?: string;
  /** Levels of referrers to follow (default 3; 1 = only direct referrers). */
  maxDepth?: number;
  /** Only direct referrers of this artifact type (cosign tags are left out when set). */
  artifactType?: string;
  /** Read the legacy cosign `.sig`/`.att`/`.sbom` tags (default true). */
  legacyTags?: boolean;
}

const PARALLEL_LOOKUPS = 8;

/** The tree of everything attached to the image `reference` in `store`, like `oras discover`. */
export async function discover(store: RepositoryStore, reference: string, opts: DiscoverOptions = {}): Promise<DiscoverTree> {
  const maxDepth = Math.max(1, opts.maxDepth ?? 3);
  const root = await store.resolve(reference);
  const visited = new Set<string>([root.digest]);

  const walk = async (subjectDigest: string, depth: number, artifactType?: string): Promise<DiscoverNode[]> => {
    const found = await referrersWithSource(store, subjectDigest, artifactType);
    const fresh = found.filter(({ descriptor }) => !visited.has(descriptor.digest));
    for (const { descriptor } of fresh) visited.add(descriptor.digest);
    return mapLimited(fresh, PARALLEL_LOOKUPS, async ({ descriptor, source }) => {
      const node = referrerNode(await withAnnotations(store, descriptor), source);
      if (depth < maxDepth) node.referrers = await walk(descriptor.digest, depth + 1);
      else if ((await findReferrers(store, descriptor.digest)).referrers.length > 0) node.truncated = true;
      return node;
    });
  };

  const referrers = await walk(root.digest, 1, opts.artifactType);
  if ((opts.legacyTags ?? true) && opts.artifactType === undefined) {
    for (const entry of await readLegacyCosign(store, root.digest)) {
      const node: DiscoverNode = {
        digest: entry.digest,
        mediaType: entry.mediaType,
        size: entry.size,
        artifactType: entry.mediaType,
        source: 'cosign-tag',
        tag: entry.tag,
        cosignKind: entry.kind,
        referrers: [],
      };
      if (entry.predicateType) node.predicateType = entry.predicateType;
      if (entry.certificateSubject) node.signer = entry.certificateSubject;
      referrers.push(node);
    }
  }
  return {
    reference: opts.display ?? `${store.location}@${root.digest}`,
    digest: root.digest,
    mediaType: root.mediaType,
    size: root.size,
    referrers,
  };
}

/**
 * The referrers API's answer, plus what a fallback tag lists beside it (an image copied from a
 * registry without the API brings its fallback tag along); else the fallback tag alone.
 */
async function referrersWithSource(
  store: RepositoryStore,
  subjectDigest: string,
  artifactType: string | undefined,
): Promise<{ descriptor: Descriptor; source: ReferrersSource }[]> {
  const listing = await findReferrers(store, subjectDigest, { artifactType });
  const found = listing.referrers.map((descriptor) => ({ descriptor, source: listing.source }));
  if (listing.source === 'referrers-api') {
    const known = new Set(listing.referrers.map((d) => d.digest));
    for (const descriptor of await listFallbackReferrers(store, subjectDigest, { artifactType })) {
      if (!known.has(descriptor.digest)) found.push({ descriptor, source: 'fallback-tag' });
    }
  }
  return found;
}

function referrerNode(d: Descriptor, source: ReferrersSource): DiscoverNode {
  const node: DiscoverNode = { digest: d.digest, mediaType: d.mediaType, size: d.size, source, referrers: [] };
  if (d.artifactType) node.artifactType = d.artifactType;
  const predicateType = d.annotations?.[ANNOTATION.bundlePredicateType] ?? d.annotations?.[ANNOTATION.predicateType];
  if (predicateType) node.predicateType = predicateType;
  const created = d.annotations?.[ANNOTATION.created];
  if (created) node.created = created;
  return node;
}

/** Some registries list referrers without their annotations: read them from the manifest then. */
async function withAnnotations(store: RepositoryStore, d: Descriptor): Promise<Descriptor> {
  if (d.annotations && d.artifactType) return d;
  const { manifest } = await store.getManifest(d.digest);
  const artifactType = d.artifactType ?? manifest.artifactType ?? ('config' in manifest ? manifest.config?.mediaType : undefined);
  const out: Descriptor = { ...d };
  if (artifactType) out.artifactType = artifactType;
  if (!d.annotations && manifest.annotations) out.annotations = manifest.annotations;
  return out;
}

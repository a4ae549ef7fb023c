import { mapLimited } from '../core/map-limited';
import { readLegacyCosign, type LegacyCosignKind } from '../oci/legacy-cosign';
import { ANNOTATION } from '../oci/media-types';
import { findReferrers, readFallbackReferrers, type ReferrersSource } from '../oci/referrers';
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
  /** Referrers of this one left out by the fan-out or node limit. */
  omitted?: number;
}

export interface DiscoverTree {
  /** What the user named, e.g. `registry/repo:tag` or `oci-layout:DIR:tag`. */
  reference: string;
  digest: string;
  mediaType: string;
  size: number;
  referrers: DiscoverNode[];
  /** Referrers of the image itself left out by the fan-out or node limit. */
  omitted?: number;
  /** What was cut or set aside on the way (limits reached, malformed descriptors skipped). */
  notes: string[];
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
  /** Referrers shown per subject (default 100); the rest are counted, not read. */
  maxFanOut?: number;
  /** Referrer nodes in the whole tree (default 1000). */
  maxNodes?: number;
}

const PARALLEL_LOOKUPS = 8;
const DEFAULT_MAX_FAN_OUT = 100;
const DEFAULT_MAX_NODES = 1000;

/** The tree of everything attached to the image `reference` in `store`, like `oras discover`. */
export async function discover(store: RepositoryStore, reference: string, opts: DiscoverOptions = {}): Promise<DiscoverTree> {
  const maxDepth = Math.max(1, opts.maxDepth ?? 3);
  const maxFanOut = Math.max(1, opts.maxFanOut ?? DEFAULT_MAX_FAN_OUT);
  let nodesLeft = Math.max(1, opts.maxNodes ?? DEFAULT_MAX_NODES);
  const root = await store.resolve(reference);
  const visited = new Set<string>([root.digest]);
  const notes: string[] = [];
  let depthCut = 0;

  const walk = async (subjectDigest: string, depth: number, artifactType?: string): Promise<{ nodes: DiscoverNode[]; omitted: number }> => {
    const { found, skipped } = await referrersWithSource(store, subjectDigest, artifactType);
    notes.push(...skipped);
    const fresh = found.filter(({ descriptor }) => !visited.has(descriptor.digest));
    const take = Math.min(fresh.length, maxFanOut, nodesLeft);
    nodesLeft -= take;
    const kept = fresh.slice(0, take);
    const omitted = fresh.length - take;
    if (omitted > 0) {
      const why = take < Math.min(fresh.length, maxFanOut) ? `the limit of ${opts.maxNodes ?? DEFAULT_MAX_NODES} nodes in the tree` : `the fan-out limit of ${maxFanOut} per subject`;
      notes.push(`${omitted} referrer(s) of ${subjectDigest} not shown: ${why}`);
    }
    for (const { descriptor } of kept) visited.add(descriptor.digest);
    const nodes = await mapLimited(kept, PARALLEL_LOOKUPS, async ({ descriptor, source }) => {
      const node = referrerNode(await withAnnotations(store, descriptor), source);
      if (depth < maxDepth) {
        const below = await walk(descriptor.digest, depth + 1);
        node.referrers = below.nodes;
        if (below.omitted > 0) node.omitted = below.omitted;
      } else if ((await findReferrers(store, descriptor.digest)).referrers.length > 0) {
        node.truncated = true;
        depthCut++;
      }
      return node;
    });
    return { nodes, omitted };
  };

  const walked = await walk(root.digest, 1, opts.artifactType);
  const referrers = walked.nodes;
  if (depthCut > 0) notes.push(`${depthCut} referrer(s) have more attached below the depth limit of ${maxDepth}`);
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
    ...(walked.omitted > 0 ? { omitted: walked.omitted } : {}),
    notes,
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
): Promise<{ found: { descriptor: Descriptor; source: ReferrersSource }[]; skipped: string[] }> {
  const listing = await findReferrers(store, subjectDigest, { artifactType });
  const found = listing.referrers.map((descriptor) => ({ descriptor, source: listing.source }));
  const skipped = [...listing.skipped];
  if (listing.source === 'referrers-api') {
    const known = new Set(listing.referrers.map((d) => d.digest));
    const fallback = await readFallbackReferrers(store, subjectDigest, { artifactType });
    skipped.push(...fallback.skipped);
    for (const descriptor of fallback.referrers) {
      if (!known.has(descriptor.digest)) found.push({ descriptor, source: 'fallback-tag' });
    }
  }
  return { found, skipped };
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

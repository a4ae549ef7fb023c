// Gathers the image's Sigstore bundle referrers and verifies each one cryptographically. What does
// not verify is set aside with its reason; deciding what the rest means is the rule engine's job.
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { UserError } from '../core/errors';
import { mapLimited } from '../core/map-limited';
import { readLegacyCosign } from '../oci/legacy-cosign';
import { ANNOTATION, SIGSTORE_BUNDLE_PREFIX } from '../oci/media-types';
import { findReferrers, type ReferrersSource } from '../oci/referrers';
import type { RepositoryStore } from '../oci/store';
import { isIndex, type Descriptor } from '../oci/types';
import { PINNABLE_EXTENSIONS, type ExtensionPins, type InTotoStatement, type PinnableExtension, type PolicyKey, type RejectedAttestation, type Signer, type VerifiedAttestation } from '../policy/types';
import { verifyBundle, type VerifiedBundle } from './bundle';

/** Bundle layers above this are refused unread (a 16 MiB predicate, base64-encoded, fits). */
export const MAX_BUNDLE_BYTES = 32 * 1024 * 1024;
/** More bundle referrers than this is an error, not a verdict (prune superseded attestations). */
export const MAX_BUNDLE_REFERRERS = 100;
const PARALLEL_FETCHES = 8;

/** Stands in for "no verified time" (a key signature without Rekor or TSA): the epoch, never a real signing time. */
export const UNTIMESTAMPED = new Date(0);

export interface CollectOptions {
  trustedRoot: TrustedRoot;
  /** Public keys the policy allows; a key-signed bundle is verified against each until one fits. */
  keys: readonly PolicyKey[];
  maxBundleBytes?: number;
  /**
   * Also read cosign's legacy `.sig`/`.att` tags, to report them as set aside (default true). They
   * never count towards a verdict, so a caller that needs only the verdict (the monitor, sweeping
   * thousands of digests) skips the two requests.
   */
  legacyTags?: boolean;
}

export interface Collected {
  source: ReferrersSource;
  attestations: VerifiedAttestation[];
  rejected: RejectedAttestation[];
  /** Bundle referrers looked at (verified or not). */
  bundleReferrers: number;
}

/** Every Sigstore bundle referrer of `imageDigest`, verified; legacy cosign tags are reported, not trusted. */
export async function collectAttestations(store: RepositoryStore, imageDigest: string, opts: CollectOptions): Promise<Collected> {
  const [listing, legacy] = await Promise.all([findReferrers(store, imageDigest), opts.legacyTags === false ? [] : readLegacyCosign(store, imageDigest, ['sig', 'att'])]);
  const bundles = listing.referrers.filter((d) => (d.artifactType ?? '').startsWith(SIGSTORE_BUNDLE_PREFIX));
  if (bundles.length > MAX_BUNDLE_REFERRERS) {
    throw new UserError(
      `${store.location}@${imageDigest} has ${bundles.length} Sigstore bundle referrers, more than ${MAX_BUNDLE_REFERRERS}; prune superseded attestations`,
    );
  }
  const outcomes = await mapLimited(bundles, PARALLEL_FETCHES, (d) => cachedOutcome(store, imageDigest, d, opts));
  const attestations: VerifiedAttestation[] = [];
  const rejected: RejectedAttestation[] = [];
  for (const o of outcomes) {
    if ('reason' in o) rejected.push(o);
    else attestations.push(o);
  }
  // A malformed descriptor is the registry's fault: noted, never a reason to stop judging the image.
  for (const note of listing.skipped) rejected.push({ referrerDigest: '(malformed descriptor)', reason: note });
  for (const entry of legacy) {
    rejected.push({
      referrerDigest: entry.digest,
      predicateType: entry.predicateType,
      reason: `legacy cosign tag ${entry.tag}: not verified (only Sigstore bundles attached as OCI 1.1 referrers are); re-sign with cosign v3 or ship-image`,
    });
  }
  return { source: listing.source, attestations, rejected, bundleReferrers: bundles.length };
}

// A referrer manifest is immutable (named by its digest), and so is its bundle; @sigstore/verify
// judges certificates at the signing time, not now. So the outcome for one referrer of one subject,
// under one trusted root object and one key set, never changes: warm verifications reuse it. Only
// the referrer list, tags and the rules (which depend on now) are evaluated afresh every time.
type Outcome = VerifiedAttestation | RejectedAttestation;
const MAX_CACHED_OUTCOMES = 4096;
const outcomes = new Map<string, Outcome>();
const rootIds = new WeakMap<TrustedRoot, number>();
let nextRootId = 1;

/** How often a referrer's outcome came from the cache above (read by `serve`'s /metrics). */
export const bundleOutcomeCache = { hits: 0, misses: 0, size: () => outcomes.size };

function outcomeKey(store: RepositoryStore, imageDigest: string, referrerDigest: string, opts: CollectOptions): string {
  let rootId = rootIds.get(opts.trustedRoot);
  if (rootId === undefined) rootIds.set(opts.trustedRoot, (rootId = nextRootId++));
  return [store.location, imageDigest, referrerDigest, rootId, opts.maxBundleBytes ?? MAX_BUNDLE_BYTES, ...opts.keys.map((k) => k.keyId)].join('|');
}

/** Only outcomes about the referrer's content are kept, never a failure to read it (that may be transient). */
async function cachedOutcome(store: RepositoryStore, imageDigest: string, descriptor: Descriptor, opts: CollectOptions): Promise<Outcome> {
  const key = outcomeKey(store, imageDigest, descriptor.digest, opts);
  const cached = outcomes.get(key);
  if (cached) {
    bundleOutcomeCache.hits++;
    return cached;
  }
  bundleOutcomeCache.misses++;
  const outcome = await verifyReferrer(store, imageDigest, descriptor, opts);
  if ('reason' in outcome && outcome.reason.startsWith(UNREADABLE)) return outcome;
  if (outcomes.size >= MAX_CACHED_OUTCOMES) outcomes.delete(outcomes.keys().next().value as string);
  outcomes.set(key, outcome);
  return outcome;
}

const UNREADABLE = 'cannot read the referrer: ';

async function verifyReferrer(
  store: RepositoryStore,
  imageDigest: string,
  descriptor: Descriptor,
  opts: CollectOptions,
): Promise<VerifiedAttestation | RejectedAttestation> {
  // The index entry's annotations may be rewritten; once the manifest is read, its own (immutable) ones count.
  let annotated = descriptor.annotations?.[ANNOTATION.bundlePredicateType];
  const reject = (reason: string): RejectedAttestation => ({ referrerDigest: descriptor.digest, predicateType: annotated, reason });
  let bundleJson: unknown;
  try {
    const fetched = await store.getManifest(descriptor.digest);
    const manifest = fetched.manifest;
    if (isIndex(manifest)) return reject('the referrer is an index, not a bundle manifest');
    annotated = manifest.annotations?.[ANNOTATION.bundlePredicateType];
    if (manifest.subject?.digest !== imageDigest) return reject(`the referrer's subject is ${manifest.subject?.digest ?? 'missing'}, not the image ${imageDigest}`);
    const layer = manifest.layers.find((l) => l.mediaType.startsWith(SIGSTORE_BUNDLE_PREFIX));
    if (!layer) return reject('the referrer has no Sigstore bundle layer');
    const maxBytes = opts.maxBundleBytes ?? MAX_BUNDLE_BYTES;
    if (layer.size > maxBytes) return reject(`the bundle layer is ${layer.size} bytes, over the ${maxBytes}-byte limit`);
    const bytes = await store.getBlob(layer, maxBytes);
    try {
      bundleJson = JSON.parse(bytes.toString('utf8'));
    } catch {
      return reject('the bundle layer is not JSON');
    }
  } catch (err) {
    // A referrer we cannot read is one more unverifiable thing, not a reason to stop judging the image.
    if (err instanceof UserError) throw err;
    return reject(`${UNREADABLE}${(err as Error).message}`);
  }

  let verified: VerifiedBundle;
  try {
    verified = verifyWithPolicyKeys(bundleJson, opts);
  } catch (err) {
    return reject((err as Error).message);
  }
  const signer = toSigner(verified);
  if (typeof signer === 'string') return reject(signer);
  return {
    referrerDigest: descriptor.digest,
    predicateType: annotated ?? verified.statement.predicateType,
    statement: verified.statement as unknown as InTotoStatement,
    signer,
    signedAt: verified.signedAt ?? UNTIMESTAMPED,
  };
}

function isKeyBundle(bundleJson: unknown): boolean {
  const material = (bundleJson as { verificationMaterial?: { publicKey?: unknown } } | null)?.verificationMaterial;
  return typeof material === 'object' && material !== null && material.publicKey !== undefined;
}

/** Keyless: verify the chain to the root (identity is judged by the rule engine). Key: any allowed key. */
function verifyWithPolicyKeys(bundleJson: unknown, opts: CollectOptions): VerifiedBundle {
  if (!isKeyBundle(bundleJson)) return verifyBundle(bundleJson, { trustedRoot: opts.trustedRoot, policy: {} });
  if (opts.keys.length === 0) throw new Error('signed with a key, and the policy allows no key');
  let last: Error | undefined;
  for (const key of opts.keys) {
    try {
      return verifyBundle(bundleJson, { trustedRoot: opts.trustedRoot, policy: { publicKeyPem: key.pem } });
    } catch (err) {
      last = err as Error;
    }
  }
  throw new Error(opts.keys.length === 1 ? last!.message : `signed with a key that none of the policy's ${opts.keys.length} keys verifies`);
}

function toSigner(verified: VerifiedBundle): Signer | string {
  const s = verified.signer;
  if (s.kind === 'public-key') return { kind: 'key', keyId: s.keyFingerprint, tlog: verified.tlogEntries > 0 };
  if (!s.subjectAlternativeName || !s.issuer) return 'the signing certificate carries no subject alternative name or no OIDC issuer';
  const extensions: ExtensionPins = {};
  for (const name of Object.keys(PINNABLE_EXTENSIONS) as PinnableExtension[]) {
    const value = s.extensions[name];
    if (value !== undefined) extensions[name] = value;
  }
  return { kind: 'keyless', san: s.subjectAlternativeName, issuer: s.issuer, extensions };
}

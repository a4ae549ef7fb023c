import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/log';
import { withKeyedLock } from '../core/keyed-lock';
import { fallbackTag } from './digest';
import { checkListedDescriptors } from './listed-descriptor';
import { EMPTY_JSON, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { ConflictError, NotFoundError, type RepositoryStore } from './store';
import { isIndex, type Descriptor, type ImageIndex, type ImageManifest } from './types';

export type ReferrersSource = 'referrers-api' | 'fallback-tag';

export interface ReferrerListing {
  source: ReferrersSource;
  referrers: Descriptor[];
  /** Malformed descriptors the listing held, set aside: one note each. */
  skipped: string[];
}

/**
 * Referrers of a subject, and where they came from: the referrers API when the store has one,
 * else the fallback tag `<alg>-<hex>` (an image index; a missing tag means none).
 */
export async function findReferrers(store: RepositoryStore, subjectDigest: string, opts: { artifactType?: string } = {}): Promise<ReferrerListing> {
  const fromApi = await store.referrersApi(subjectDigest, opts.artifactType);
  if (fromApi !== undefined) {
    const { descriptors, skipped } = checkListedDescriptors(dedupe(fromApi), `${store.location}: the referrers of ${subjectDigest}`);
    return { source: 'referrers-api', referrers: descriptors, skipped };
  }
  return { source: 'fallback-tag', ...(await readFallbackReferrers(store, subjectDigest, opts)) };
}

/** Only what the fallback tag `<alg>-<hex>` lists (also on registries with the API: tags copied from elsewhere). */
export async function readFallbackReferrers(store: RepositoryStore, subjectDigest: string, opts: { artifactType?: string } = {}): Promise<Omit<ReferrerListing, 'source'>> {
  const tag = fallbackTag(subjectDigest);
  const { listed } = await readFallback(store, tag);
  const { descriptors, skipped } = checkListedDescriptors(dedupe(listed), `${store.location}: the referrers fallback tag ${tag}`);
  return { referrers: opts.artifactType === undefined ? descriptors : descriptors.filter((d) => d.artifactType === opts.artifactType), skipped };
}

export async function listFallbackReferrers(store: RepositoryStore, subjectDigest: string, opts: { artifactType?: string } = {}): Promise<Descriptor[]> {
  return (await readFallbackReferrers(store, subjectDigest, opts)).referrers;
}

export async function listReferrers(store: RepositoryStore, subjectDigest: string, opts: { artifactType?: string } = {}): Promise<Descriptor[]> {
  return (await findReferrers(store, subjectDigest, opts)).referrers;
}

/** How hard to try when the fallback index is contended (no ETag support means read back and retry). */
export interface FallbackUpdateOptions {
  /** Write attempts before giving up (default 30). */
  maxAttempts?: number;
  /** First backoff delay; doubles each attempt up to `maxDelayMs`, with jitter (defaults 25 and 2000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * After a successful read-back, wait this long and check once more, so that a writer who read
   * the index just before our write and writes just after it is caught (default: twice the
   * measured read+write time, between 20 and 1000 ms).
   */
  settleMs?: number;
  /**
   * Writers in this process take turns on a tag (default true). Off only where a test stands
   * in for writers in separate processes, which the read-back alone has to keep apart.
   */
  lockInProcess?: boolean;
  logger?: Logger;
}

/**
 * PUT a referrer manifest by digest (its blobs must already be in the store). When the store did
 * not index the subject itself, add the referrer's descriptor to the subject's fallback index
 * without losing entries written concurrently by others.
 */
export async function attachReferrer(store: RepositoryStore, manifest: ImageManifest | ImageIndex, opts: FallbackUpdateOptions = {}): Promise<Descriptor> {
  return (await attachReferrers(store, [manifest], opts))[0]!;
}

/**
 * Attach several referrer manifests (blobs already pushed): every manifest is put, then each
 * subject's fallback index is updated once for all of its new entries.
 */
export async function attachReferrers(store: RepositoryStore, manifests: ReadonlyArray<ImageManifest | ImageIndex>, opts: FallbackUpdateOptions = {}): Promise<Descriptor[]> {
  const put = await Promise.all(
    manifests.map(async (manifest) => {
      if (!manifest.subject?.digest) throw new Error('a referrer manifest needs a subject');
      const mediaType = manifest.mediaType ?? (isIndex(manifest) ? OCI_INDEX : OCI_MANIFEST);
      const { descriptor, subjectIndexed } = await store.putManifest(Buffer.from(JSON.stringify(manifest)), mediaType);
      const entry: Descriptor = { mediaType, digest: descriptor.digest, size: descriptor.size };
      const artifactType = manifest.artifactType ?? (isIndex(manifest) ? undefined : manifest.config.mediaType);
      if (artifactType) entry.artifactType = artifactType;
      if (manifest.annotations && Object.keys(manifest.annotations).length > 0) entry.annotations = { ...manifest.annotations };
      return { entry, subject: manifest.subject.digest, subjectIndexed };
    }),
  );
  // Started in one turn, the updates of one subject's index join one write (see updateListedTag).
  await Promise.all(put.filter((p) => !p.subjectIndexed).map((p) => updateFallbackIndex(store, p.subject, { add: p.entry }, opts)));
  return put.map((p) => p.entry);
}

/** A referrer that should be listed for its subject. */
export interface ExpectedReferrer {
  subject: string;
  referrer: string;
}

/**
 * Check that each referrer is listed for its subject, and attach again any that a concurrent writer
 * of the fallback index (another process) overwrote, up to `rounds` times. Returns how many had to be
 * attached again; throws when some are still missing, so a push is never reported complete without them.
 */
export async function ensureReferrersListed(
  store: RepositoryStore,
  expected: readonly ExpectedReferrer[],
  opts: FallbackUpdateOptions & { rounds?: number; /** Filled with each subject's last listing, for callers that need it too. */ listed?: Map<string, Descriptor[]> } = {},
): Promise<number> {
  const rounds = opts.rounds ?? 3;
  let reattached = 0;
  for (let round = 1; ; round++) {
    const missing: ExpectedReferrer[] = [];
    for (const subject of new Set(expected.map((e) => e.subject))) {
      const descriptors = await listReferrers(store, subject);
      opts.listed?.set(subject, descriptors);
      const listed = new Set(descriptors.map((d) => d.digest));
      missing.push(...expected.filter((e) => e.subject === subject && !listed.has(e.referrer)));
    }
    if (missing.length === 0) return reattached;
    if (round > rounds) {
      const names = missing.map((m) => `${m.referrer} (of ${m.subject})`).join(', ');
      throw new ConflictError(`${store.location}: referrers still not listed after ${rounds} attempts: ${names}; another writer keeps overwriting the referrers fallback index, push again later`);
    }
    opts.logger?.warn(`${store.location}: ${missing.length} referrer(s) were dropped from the fallback index by a concurrent writer; attaching them again`);
    for (const m of missing) {
      const fetched = await store.getManifest(m.referrer);
      const again = await attachReferrer(store, fetched.manifest, opts);
      if (again.digest !== m.referrer) throw new Error(`${store.location}: re-attaching ${m.referrer} produced ${again.digest}`);
      reattached++;
    }
  }
}

export interface RemoveReferrerOptions extends FallbackUpdateOptions {
  /** Also delete the referrer manifest itself (where the store allows deletes). */
  deleteManifest?: boolean;
}

export interface RemoveReferrerResult {
  removedFromFallback: boolean;
  deleted: boolean;
}

/**
 * Take a referrer away from a subject (to supersede a stale attestation). With a fallback index
 * the entry is removed from it (keeping every other entry); with a referrers API the manifest
 * itself must be deleted, since the registry lists referrers from the manifests it holds.
 */
export async function removeReferrer(
  store: RepositoryStore,
  subjectDigest: string,
  referrerDigest: string,
  opts: RemoveReferrerOptions = {},
): Promise<RemoveReferrerResult> {
  const hasApi = (await store.referrersApi(subjectDigest)) !== undefined;
  const removedFromFallback = hasApi ? false : await updateFallbackIndex(store, subjectDigest, { remove: referrerDigest }, opts);
  let deleted = false;
  if (hasApi || opts.deleteManifest) {
    if (!store.deleteManifest) throw new Error(`${store.location} does not support deleting manifests, so referrer ${referrerDigest} cannot be removed`);
    try {
      await store.deleteManifest(referrerDigest);
      deleted = true;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return { removedFromFallback, deleted };
}

export interface ArtifactLayer {
  content: Buffer;
  mediaType: string;
  annotations?: Record<string, string>;
}

export interface ArtifactInput {
  subject: Descriptor;
  artifactType: string;
  /** Defaults to the empty `{}` config (application/vnd.oci.empty.v1+json). */
  config?: { content: Buffer; mediaType: string };
  layers: ArtifactLayer[];
  annotations?: Record<string, string>;
}

/** Push config and layer blobs, then attach the manifest as a referrer of `subject`. */
export async function pushArtifact(store: RepositoryStore, artifact: ArtifactInput, opts: FallbackUpdateOptions = {}): Promise<Descriptor> {
  const config = artifact.config ?? { content: EMPTY_JSON, mediaType: OCI_EMPTY };
  const configDescriptor = await store.putBlob(config.content, config.mediaType);
  const layers: Descriptor[] = [];
  for (const layer of artifact.layers) {
    const pushed = await store.putBlob(layer.content, layer.mediaType);
    const descriptor: Descriptor = { mediaType: layer.mediaType, digest: pushed.digest, size: pushed.size };
    if (layer.annotations) descriptor.annotations = { ...layer.annotations };
    layers.push(descriptor);
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: artifact.artifactType,
    config: { mediaType: config.mediaType, digest: configDescriptor.digest, size: configDescriptor.size },
    layers,
    subject: { mediaType: artifact.subject.mediaType, digest: artifact.subject.digest, size: artifact.subject.size },
  };
  if (artifact.annotations) manifest.annotations = { ...artifact.annotations };
  return attachReferrer(store, manifest, opts);
}

// ---- the fallback index ----

interface FallbackState extends ListedTagState {
  index?: ImageIndex;
  /** The index's entries exactly as listed, for readers to check. */
  listed: unknown[];
}

async function readFallback(store: RepositoryStore, tag: string): Promise<FallbackState> {
  let fetched;
  try {
    fetched = await store.getManifest(tag, [OCI_INDEX]);
  } catch (err) {
    if (err instanceof NotFoundError) return { entries: [], listed: [] };
    throw err;
  }
  if (!isIndex(fetched.manifest)) throw new Error(`referrers fallback tag ${tag} in ${store.location} is not an image index`);
  const index = fetched.manifest;
  // Entries are kept as listed (a rewrite must not drop others' data); readers check them.
  const listed: unknown[] = Array.isArray(index.manifests) ? index.manifests : [];
  const entries = listed.filter((d): d is Descriptor => typeof d === 'object' && d !== null && typeof (d as Descriptor).digest === 'string');
  return { digest: fetched.descriptor.digest, index, entries: dedupe(entries), listed, removed: readTombstones(index.annotations) };
}

function updateFallbackIndex(
  store: RepositoryStore,
  subjectDigest: string,
  change: ListChange,
  opts: FallbackUpdateOptions,
): Promise<boolean> {
  const tag = fallbackTag(subjectDigest);
  return updateListedTag<FallbackState>(
    {
      description: `referrers fallback tag ${tag} in ${store.location}`,
      read: () => readFallback(store, tag),
      async write(entries, current, removed) {
        const annotations = withTombstones(current.index?.annotations, removed);
        const body: ImageIndex = { ...(current.index ?? {}), schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries };
        if (annotations) body.annotations = annotations;
        else delete body.annotations;
        await store.putManifest(Buffer.from(JSON.stringify(body)), OCI_INDEX, tag, conditionFor(current));
      },
    },
    change,
    opts,
  );
}

// ---- a tag holding a list of descriptors, updated by many writers ----

/** What a tag holds now: the digest it points at (absent = no tag) and its descriptor list. */
export interface ListedTagState {
  digest?: string;
  entries: Descriptor[];
  /** Digests recently removed on purpose (tombstones), so concurrent writers do not restore them. */
  removed?: string[];
}

export interface ListChange {
  add?: Descriptor;
  remove?: string;
}

export interface ListedTag<S extends ListedTagState> {
  /** Names the tag in messages; also the key writers of this process take turns on. */
  description: string;
  read(): Promise<S>;
  /** Write `entries` (and the tombstones `removed`) under the tag, conditionally on `current` (throw ConflictError on 412). */
  write(entries: Descriptor[], current: S, removed: string[]): Promise<void>;
}

/** If-Match on the digest we read, or If-None-Match when the tag did not exist. */
export function conditionFor(current: ListedTagState): { ifMatch: string } | { ifNoneMatch: true } {
  return current.digest ? { ifMatch: current.digest } : { ifNoneMatch: true };
}

/**
 * Read-modify-write of a tag holding a descriptor list (the fallback index, a cosign .sig/.att
 * manifest) that never drops entries written by others: a conditional PUT for registries that
 * honour it, and for those that ignore it a read-back that must show our change plus every
 * entry we have seen, retried with exponential backoff and jitter; after a good read-back one
 * more check a moment later catches a writer who read just before our write. Returns whether
 * the tag had to change.
 *
 * A removal leaves a tombstone (the `dev.ship-image.removed` annotation, last
 * 32 digests) so that a writer who saw the entry before it was removed does not
 * put it back; without it a removal could not be told from an overwrite by a stale writer.
 */
export function updateListedTag<S extends ListedTagState>(target: ListedTag<S>, change: ListChange, opts: FallbackUpdateOptions = {}): Promise<boolean> {
  // The read-back below only makes losing an entry unlikely; between writers of this process it is ruled out.
  if (opts.lockInProcess === false) return updateListedTagNow(target, batchOf(change, opts), opts);
  const key = target.description;
  const open = waiting.get(key);
  if (open && joinable(open, change, opts)) {
    add(open, change);
    return open.done;
  }
  const batch = batchOf(change, opts);
  waiting.set(key, batch);
  batch.done = withKeyedLock(key, () => {
    if (waiting.get(key) === batch) waiting.delete(key); // from here on, later changes wait for the next turn
    return updateListedTagNow(target, batch, opts);
  });
  return batch.done;
}

// Changes to one tag that arrive while an earlier change to it is waiting its turn join one batch:
// one read-modify-write and one settle for all of them (the four referrers of a ship), not one each.
interface Batch {
  adds: Map<string, Descriptor>;
  removes: Set<string>;
  opts: FallbackUpdateOptions;
  done: Promise<boolean>;
}
const waiting = new Map<string, Batch>();

function batchOf(change: ListChange, opts: FallbackUpdateOptions): Batch {
  const batch: Batch = { adds: new Map(), removes: new Set(), opts, done: Promise.resolve(false) };
  add(batch, change);
  return batch;
}

function add(batch: Batch, change: ListChange): void {
  if (change.add) batch.adds.set(change.add.digest, change.add);
  if (change.remove !== undefined) batch.removes.add(change.remove);
}

/** Same retry settings, and no digest both added and removed (whose order would then be lost). */
function joinable(batch: Batch, change: ListChange, opts: FallbackUpdateOptions): boolean {
  const a = batch.opts;
  if (a.maxAttempts !== opts.maxAttempts || a.baseDelayMs !== opts.baseDelayMs || a.maxDelayMs !== opts.maxDelayMs || a.settleMs !== opts.settleMs) return false;
  if (change.add && batch.removes.has(change.add.digest)) return false;
  return change.remove === undefined || !batch.adds.has(change.remove);
}

async function updateListedTagNow<S extends ListedTagState>(target: ListedTag<S>, change: Pick<Batch, 'adds' | 'removes'>, opts: FallbackUpdateOptions): Promise<boolean> {
  const maxAttempts = opts.maxAttempts ?? 30;
  const baseDelayMs = opts.baseDelayMs ?? 25;
  const maxDelayMs = opts.maxDelayMs ?? 2000;
  const seen = new Map<string, Descriptor>();
  // Tombstones read, plus ours (kept last, so the cap never drops them).
  const removed = new Set<string>(change.removes);
  const remember = (state: S) => {
    for (const digest of state.removed ?? []) if (!change.adds.has(digest)) removed.add(digest);
    for (const d of state.entries) seen.set(d.digest, d);
  };
  const wanted = () => [...seen.values()].filter((d) => !removed.has(d.digest));
  const satisfied = (state: S) => {
    const present = new Set(state.entries.map((d) => d.digest));
    for (const digest of change.removes) if (present.has(digest)) return false;
    for (const digest of change.adds.keys()) if (!present.has(digest)) return false;
    return wanted().every((d) => present.has(d.digest));
  };
  const tombstones = () => [...[...removed].filter((d) => !change.removes.has(d)), ...change.removes].slice(-MAX_TOMBSTONES);
  const retryLater = async (attempt: number, why: string) => {
    opts.logger?.debug(`${target.description}: ${why} (attempt ${attempt}), retrying`);
    await sleep(backoff(attempt, baseDelayMs, maxDelayMs));
  };

  let changed = false;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const started = Date.now();
      const current = await target.read();
      remember(current);
      if (!satisfied(current)) {
        const desired = wanted();
        const listed = new Set(desired.map((d) => d.digest));
        for (const d of change.adds.values()) if (!listed.has(d.digest)) desired.push(d);
        try {
          await target.write(desired, current, tombstones());
          changed = true;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          await retryLater(attempt, 'conditional write lost');
          continue;
        }
        const readBack = await target.read();
        remember(readBack);
        if (!satisfied(readBack)) {
          await retryLater(attempt, 'overwritten by a concurrent writer');
          continue;
        }
      } else if (!changed && attempt === 1) {
        return false; // Already as wanted and we wrote nothing: there is no write of ours to lose.
      }
      const settleMs = opts.settleMs ?? Math.min(1000, Math.max(20, 2 * (Date.now() - started)));
      await sleep(settleMs * (1 + Math.random() / 2));
      const settled = await target.read();
      remember(settled);
      if (satisfied(settled)) return changed;
      await retryLater(attempt, 'overwritten after our write');
    } catch (err) {
      // Registries on plain filesystems answer 5xx while a tag is being rewritten under them.
      if (!isTransient(err) || attempt === maxAttempts) throw err;
      await retryLater(attempt, `server error (${(err as Error).message})`);
    }
  }
  throw new ConflictError(`could not update the ${target.description} after ${maxAttempts} attempts: concurrent writers kept overwriting it; retry later`);
}

const TOMBSTONE_ANNOTATION = 'dev.ship-image.removed';
const MAX_TOMBSTONES = 32;

/** Tombstones kept in an annotation: space-separated digests. */
export function readTombstones(annotations: Record<string, string> | undefined): string[] {
  const text = annotations?.[TOMBSTONE_ANNOTATION];
  return text ? text.split(/\s+/).filter(Boolean) : [];
}

/** `annotations` with the tombstone annotation set to `removed` (dropped when empty); undefined when nothing is left. */
export function withTombstones(annotations: Record<string, string> | undefined, removed: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = { ...(annotations ?? {}) };
  delete out[TOMBSTONE_ANNOTATION];
  if (removed.length > 0) out[TOMBSTONE_ANNOTATION] = removed.join(' ');
  return Object.keys(out).length > 0 ? out : undefined;
}

function isTransient(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

function backoff(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** First of each digest; entries that are not objects with a digest pass through (for the caller to judge). */
export function dedupe<T>(descriptors: T[]): T[] {
  const seen = new Set<string>();
  return descriptors.filter((d) => {
    const digest = typeof d === 'object' && d !== null ? (d as { digest?: unknown }).digest : undefined;
    if (typeof digest !== 'string') return true;
    if (seen.has(digest)) return false;
    seen.add(digest);
    return true;
  });
}

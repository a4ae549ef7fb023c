import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fallbackTag, sha256Digest } from './digest';
import { OciLayoutStore } from './layout';
import { EMPTY_JSON_DIGEST, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { attachReferrer, ensureReferrersListed, findReferrers, listReferrers, pushArtifact, removeReferrer, updateListedTag } from './referrers';
import { ConflictError, NotFoundError, type PutManifestOptions, type PutManifestResult, type RepositoryStore } from './store';
import { isIndex, type Descriptor, type FetchedManifest, type ImageIndex, type ImageManifest, type Manifest } from './types';

/**
 * A registry without the referrers API whose tag writes are last-writer-wins after a random
 * delay (so concurrent read-modify-writes really race), optionally honouring If-Match.
 */
class RacyMemoryStore implements RepositoryStore {
  readonly location = 'memory';
  readonly blobs = new Map<string, Buffer>();
  readonly tags = new Map<string, string>();
  tagWrites = 0;
  constructor(private readonly opts: { honourConditional: boolean; maxLatencyMs: number }) {}

  private async latency(): Promise<void> {
    await new Promise((r) => setTimeout(r, Math.random() * this.opts.maxLatencyMs));
  }
  async resolve(reference: string): Promise<Descriptor> {
    return (await this.getManifest(reference)).descriptor;
  }
  async getManifest(reference: string): Promise<FetchedManifest> {
    await this.latency();
    const digest = reference.startsWith('sha256:') ? reference : this.tags.get(reference);
    const bytes = digest ? this.blobs.get(digest) : undefined;
    if (!digest || !bytes) throw new NotFoundError(`${reference} not found`);
    const manifest = JSON.parse(bytes.toString()) as Manifest;
    return { descriptor: { mediaType: manifest.mediaType ?? OCI_MANIFEST, digest, size: bytes.length }, bytes, manifest };
  }
  async putManifest(bytes: Buffer, mediaType: string, reference?: string, opts: PutManifestOptions = {}): Promise<PutManifestResult> {
    const digest = sha256Digest(bytes);
    await this.latency();
    this.blobs.set(digest, bytes);
    if (reference && !reference.startsWith('sha256:')) {
      if (this.opts.honourConditional) {
        const current = this.tags.get(reference);
        if (opts.ifNoneMatch && current) throw new ConflictError('412');
        if (opts.ifMatch && current !== opts.ifMatch) throw new ConflictError('412');
      }
      this.tags.set(reference, digest);
      this.tagWrites++;
    }
    return { descriptor: { mediaType, digest, size: bytes.length }, subjectIndexed: false };
  }
  async deleteManifest(digest: string): Promise<void> {
    this.blobs.delete(digest);
  }
  async hasBlob(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }
  async getBlob(d: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer> {
    const b = this.blobs.get(d.digest);
    if (!b) throw new NotFoundError(d.digest);
    return b;
  }
  async putBlob(content: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(content);
    this.blobs.set(digest, content);
    return { mediaType, digest, size: content.length };
  }
  async listTags(): Promise<string[]> {
    return [...this.tags.keys()];
  }
  async referrersApi(): Promise<Descriptor[] | undefined> {
    return undefined;
  }
}

const subject: Descriptor = { mediaType: OCI_MANIFEST, digest: sha256Digest('the image'), size: 9 };

function referrer(i: number, artifactType = 'application/x-test'): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType,
    config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 },
    layers: [{ mediaType: 'text/plain', digest: sha256Digest(`layer ${i}`), size: 7 }],
    subject,
    annotations: { n: String(i) },
  };
}

async function fallbackEntries(store: RepositoryStore): Promise<Descriptor[]> {
  const m = (await store.getManifest(fallbackTag(subject.digest))).manifest;
  if (!isIndex(m)) throw new Error('not an index');
  return m.manifests;
}

test('no fallback tag means no referrers', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 0 });
  expect(await findReferrers(store, subject.digest)).toEqual({ source: 'fallback-tag', referrers: [], skipped: [] });
});

test('attach writes the fallback index with the descriptor fields, deduplicated by digest', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 0 });
  const first = await attachReferrer(store, referrer(1), { settleMs: 1 });
  await attachReferrer(store, referrer(1), { settleMs: 1 });
  await attachReferrer(store, referrer(2, 'application/x-other'), { settleMs: 1 });
  expect(first).toEqual({
    mediaType: OCI_MANIFEST,
    digest: sha256Digest(JSON.stringify(referrer(1))),
    size: Buffer.byteLength(JSON.stringify(referrer(1))),
    artifactType: 'application/x-test',
    annotations: { n: '1' },
  });
  const fetched = await store.getManifest(fallbackTag(subject.digest));
  expect((fetched.manifest as ImageIndex).mediaType).toBe(OCI_INDEX);
  expect(await fallbackEntries(store)).toHaveLength(2);
  expect((await listReferrers(store, subject.digest, { artifactType: 'application/x-other' })).map((d) => d.annotations?.n)).toEqual(['2']);
  expect(store.tagWrites).toBe(2);
});

test.each([
  ['ignores If-Match (read back and retry)', false],
  ['honours If-Match (conditional PUT)', true],
])('40 concurrent attaches on a registry that %s lose nothing', async (_name, honourConditional) => {
  const store = new RacyMemoryStore({ honourConditional, maxLatencyMs: 15 });
  // As if each writer were its own process: only the read-back keeps them from losing entries.
  const attached = await Promise.all(Array.from({ length: 40 }, (_, i) => attachReferrer(store, referrer(i), { lockInProcess: false })));
  const entries = await fallbackEntries(store);
  expect(new Set(entries.map((d) => d.digest))).toEqual(new Set(attached.map((d) => d.digest)));
  expect(entries).toHaveLength(40);
});

test('writers of one process take turns on the tag, and those arriving meanwhile share one write: none lost, none retried', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 15 });
  const attached = await Promise.all(Array.from({ length: 12 }, (_, i) => attachReferrer(store, referrer(i), { settleMs: 1 })));
  expect(new Set((await fallbackEntries(store)).map((d) => d.digest))).toEqual(new Set(attached.map((d) => d.digest)));
  // The first manifest PUT to finish takes the tag; the other eleven arrive while it holds it, and join one write.
  expect(store.tagWrites).toBeLessThanOrEqual(3);
});

test('changes waiting for one tag share a write, except one that adds what another removes: it takes its own turn', async () => {
  // A listed tag in memory whose first read waits until released, so the changes below all arrive
  // while the first one holds the tag.
  let entries: Descriptor[] = [];
  let writes = 0;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  const target = {
    description: 'test tag (batching)',
    async read() {
      if (reads++ === 0) await held;
      return { digest: `v${writes}`, entries: [...entries] };
    },
    async write(next: Descriptor[]) {
      writes++;
      entries = next;
    },
  };
  const d = (n: number): Descriptor => ({ mediaType: OCI_MANIFEST, digest: sha256Digest(`entry ${n}`), size: n });
  const opts = { settleMs: 0, maxAttempts: 3, baseDelayMs: 1 };
  const first = updateListedTag(target, { add: d(0) }, opts);
  const waiting = [
    updateListedTag(target, { add: d(1) }, opts),
    updateListedTag(target, { add: d(2) }, opts),
    updateListedTag(target, { remove: d(0).digest }, opts),
    updateListedTag(target, { add: d(0) }, opts), // adds what the waiting batch removes: its own turn, after it
  ];
  release();
  await Promise.all([first, ...waiting]);
  expect(entries.map((e) => e.digest).sort()).toEqual([d(0), d(1), d(2)].map((e) => e.digest).sort());
  expect(writes).toBe(3); // the first change; d(1), d(2) and the removal together; the re-add
});

test('a removal and an attach with other retry settings beside an attach: each lands in its own or a shared write', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 5 });
  const first = await attachReferrer(store, referrer(0), { settleMs: 1 });
  const [, second, third] = await Promise.all([
    removeReferrer(store, subject.digest, first.digest, { settleMs: 1 }),
    attachReferrer(store, referrer(1), { settleMs: 2 }),
    attachReferrer(store, referrer(2), { settleMs: 1 }),
  ]);
  expect(new Set((await fallbackEntries(store)).map((d) => d.digest))).toEqual(new Set([second.digest, third.digest]));
});

test('a removal concurrent with attaches sticks, and keeps every other entry', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 10 });
  const initial = await Promise.all([0, 1, 2, 3].map((i) => attachReferrer(store, referrer(i))));
  const [removal, ...added] = await Promise.all([
    removeReferrer(store, subject.digest, initial[0].digest, { lockInProcess: false }),
    ...[10, 11, 12, 13, 14, 15, 16, 17].map((i) => attachReferrer(store, referrer(i), { lockInProcess: false })),
  ]);
  expect(removal).toEqual({ removedFromFallback: true, deleted: false });
  const digests = (await fallbackEntries(store)).map((d) => d.digest);
  expect(new Set(digests)).toEqual(new Set([...initial.slice(1), ...(added as Descriptor[])].map((d) => d.digest)));
  const index = (await store.getManifest(fallbackTag(subject.digest))).manifest as ImageIndex;
  expect(index.annotations).toEqual({ 'dev.ship-image.removed': initial[0].digest });
  expect(await removeReferrer(store, subject.digest, initial[0].digest)).toEqual({ removedFromFallback: false, deleted: false });
  // Attaching the same manifest again brings it back and clears its tombstone.
  await attachReferrer(store, referrer(0));
  const again = (await store.getManifest(fallbackTag(subject.digest))).manifest as ImageIndex;
  expect(again.manifests.map((d) => d.digest)).toContain(initial[0].digest);
  expect(again.annotations).toBeUndefined();
});

test('gives up with a clear error when the tag never shows our entry', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 0 });
  const realPut = store.putManifest.bind(store);
  // A registry that silently drops every tag write.
  store.putManifest = async (bytes, mediaType, reference, opts) => {
    if (reference && !reference.startsWith('sha256:')) return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, subjectIndexed: false };
    return realPut(bytes, mediaType, reference, opts);
  };
  await expect(attachReferrer(store, referrer(1), { maxAttempts: 3, baseDelayMs: 1, settleMs: 1 })).rejects.toThrow(
    /could not update the referrers fallback tag sha256-[0-9a-f]{64} in memory after 3 attempts/,
  );
});

test('ensureReferrersListed attaches again what a stale writer dropped from the index, and only that', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 0 });
  const attached = await Promise.all([0, 1, 2].map((i) => attachReferrer(store, referrer(i), { settleMs: 1 })));
  const expected = attached.map((d) => ({ subject: subject.digest, referrer: d.digest }));
  expect(await ensureReferrersListed(store, expected)).toBe(0);
  // Another process read the index before the third attach and wrote its own view after it.
  const stale: ImageIndex = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: (await fallbackEntries(store)).filter((d) => d.digest !== attached[2]!.digest) };
  await store.putManifest(Buffer.from(JSON.stringify(stale)), OCI_INDEX, fallbackTag(subject.digest));
  const writes = store.tagWrites;
  expect(await ensureReferrersListed(store, expected, { settleMs: 1 })).toBe(1);
  expect(store.tagWrites - writes).toBe(1);
  expect(new Set((await fallbackEntries(store)).map((d) => d.digest))).toEqual(new Set(attached.map((d) => d.digest)));
});

test('ensureReferrersListed fails rather than report a push complete when it cannot bring an entry back', async () => {
  const store = new RacyMemoryStore({ honourConditional: false, maxLatencyMs: 0 });
  const kept = await attachReferrer(store, referrer(0), { settleMs: 1 });
  const lost = await attachReferrer(store, referrer(1), { settleMs: 1 });
  const realPut = store.putManifest.bind(store);
  // From now on the registry drops every tag write, and the index holds only the first entry.
  await realPut(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [kept] })), OCI_INDEX, fallbackTag(subject.digest));
  store.putManifest = async (bytes, mediaType, reference, opts) => {
    if (reference && !reference.startsWith('sha256:')) return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, subjectIndexed: false };
    return realPut(bytes, mediaType, reference, opts);
  };
  await expect(
    ensureReferrersListed(store, [kept, lost].map((d) => ({ subject: subject.digest, referrer: d.digest })), { maxAttempts: 2, baseDelayMs: 1, settleMs: 1 }),
  ).rejects.toThrow(ConflictError);
});

describe('on an OCI layout (a store that indexes subjects itself)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'referrers-unit-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  test('pushArtifact attaches without a fallback tag; removeReferrer deletes the entry', async () => {
    const store = new OciLayoutStore(dir);
    const d = await pushArtifact(store, {
      subject: { ...subject, annotations: { dropped: 'yes' } },
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      layers: [{ content: Buffer.from('{"bundle":1}'), mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }],
      annotations: { 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
    });
    expect(await store.listTags()).toEqual([]);
    const listing = await findReferrers(store, subject.digest);
    expect(listing.source).toBe('referrers-api');
    expect(listing.referrers).toEqual([d]);
    const manifest = (await store.getManifest(d.digest)).manifest as ImageManifest;
    expect(manifest.subject).toEqual(subject);
    expect(manifest.config).toEqual({ mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 });
    expect(await store.hasBlob(EMPTY_JSON_DIGEST)).toBe(true);
    expect(await removeReferrer(store, subject.digest, d.digest)).toEqual({ removedFromFallback: false, deleted: true });
    expect(await listReferrers(store, subject.digest)).toEqual([]);
  });
});

import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../core/errors';
import { fsReason } from '../core/fs-errors';
import { FileReadError, READ_CAPS, readFileCappedAsync } from '../core/read-capped';
import { withKeyedLock } from '../core/keyed-lock';
import { digestOf, isDigest, sha256Digest } from './digest';
import { ANNOTATION, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { ConflictError, NotFoundError, type PutManifestOptions, type PutManifestResult, type RepositoryStore } from './store';
import { isIndex, type Descriptor, type FetchedManifest, type ImageIndex, type Manifest } from './types';

const LAYOUT_FILE = 'oci-layout';
const INDEX_FILE = 'index.json';
const LAYOUT_VERSION = '1.0.0';

/**
 * An OCI image layout directory (image-spec `image-layout.md`) as a repository:
 * `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. Tags are `org.opencontainers.image.ref.name`
 * annotations on `index.json` entries; manifests written by digest get an untagged entry so that
 * referrers stay reachable. It answers referrers itself (every manifest whose `subject` matches),
 * so it behaves like a registry with the referrers API and never needs a fallback tag.
 */
export class OciLayoutStore implements RepositoryStore {
  readonly location: string;
  private readonly summaries = new Map<string, ManifestSummary | null>();

  constructor(readonly dir: string) {
    this.location = `oci-layout:${dir}`;
  }

  /** File-system failures inside the layout are the layout's problem: one line naming the path. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw fsProblem(err, this.dir, this.location);
    }
  }

  resolve(reference: string): Promise<Descriptor> {
    return this.guard(() => this.resolveIn(reference));
  }

  private async resolveIn(reference: string): Promise<Descriptor> {
    const index = await this.readIndex();
    if (isDigest(reference)) {
      const entry = index.manifests.find((d) => d.digest === reference);
      if (entry) return plainDescriptor(entry);
      if (!(await this.hasBlob(reference))) throw new NotFoundError(`manifest ${reference} not found in ${this.location}`);
      const bytes = await this.readVerified(reference);
      return { mediaType: mediaTypeOf(parseManifest(bytes, reference, this.location)), digest: reference, size: bytes.length };
    }
    const entry = findTagged(index, reference);
    if (!entry) {
      const layoutExists = await fs.access(path.join(this.dir, LAYOUT_FILE)).then(() => true, () => false);
      throw new NotFoundError(layoutExists ? `tag ${reference} not found in ${this.location}` : `there is no OCI image layout (oci-layout file) in ${this.dir}`);
    }
    // A tag is only as good as the manifest it names: missing or corrupt, it is said here, not later.
    parseManifest(await this.readVerified(entry.digest, entry.size), entry.digest, this.location);
    return plainDescriptor(entry);
  }

  getManifest(reference: string): Promise<FetchedManifest> {
    return this.guard(() => this.getManifestIn(reference));
  }

  private async getManifestIn(reference: string): Promise<FetchedManifest> {
    const resolved = await this.resolveIn(reference);
    const bytes = await this.readVerified(resolved.digest, resolved.size);
    const manifest = parseManifest(bytes, resolved.digest, this.location);
    return {
      descriptor: { mediaType: manifest.mediaType ?? resolved.mediaType, digest: resolved.digest, size: bytes.length },
      bytes,
      manifest,
    };
  }

  putManifest(bytes: Buffer, mediaType: string, reference?: string, opts: PutManifestOptions = {}): Promise<PutManifestResult> {
    return this.guard(() => this.putManifestIn(bytes, mediaType, reference, opts));
  }

  private async putManifestIn(bytes: Buffer, mediaType: string, reference: string | undefined, opts: PutManifestOptions): Promise<PutManifestResult> {
    const digest = sha256Digest(bytes);
    if (reference !== undefined && isDigest(reference) && reference !== digest) {
      throw new Error(`manifest bytes have digest ${digest}, not the ${reference} they were pushed as`);
    }
    const manifest = parseManifest(bytes, digest, this.location);
    await this.ensureLayout();
    await this.writeBlob(digest, bytes);
    const descriptor: Descriptor = { mediaType, digest, size: bytes.length };
    if (manifest.artifactType) descriptor.artifactType = manifest.artifactType;
    const tag = reference !== undefined && !isDigest(reference) ? reference : undefined;

    await this.updateIndex(async (index) => {
      if (tag === undefined) {
        if (!index.manifests.some((d) => d.digest === digest)) index.manifests.push({ ...descriptor });
        return;
      }
      const current = findTagged(index, tag);
      if (opts.ifNoneMatch && current) throw new ConflictError(`tag ${tag} already exists in ${this.location}`);
      if (opts.ifMatch !== undefined && current?.digest !== opts.ifMatch) {
        throw new ConflictError(`tag ${tag} in ${this.location} no longer points at ${opts.ifMatch}`);
      }
      const tagged: Descriptor = { ...descriptor, annotations: { [ANNOTATION.refName]: tag } };
      const kept: Descriptor[] = [];
      let placed = false;
      for (const d of index.manifests) {
        if (refName(d) === tag) {
          if (!placed) kept.push(tagged); // the new entry takes the old one's place
          placed = true;
        } else if (!(d.digest === digest && refName(d) === undefined)) {
          kept.push(d);
        }
      }
      // Tagged entries go before untagged ones: tools that take the first manifest of a layout
      // (trivy --input) then find an image, not a referrer.
      if (!placed) {
        const firstUntagged = kept.findIndex((d) => refName(d) === undefined);
        kept.splice(firstUntagged < 0 ? kept.length : firstUntagged, 0, tagged);
      }
      // A referrer that loses its tag keeps an untagged entry, or it would drop out of referrers.
      if (current && current.digest !== digest && !kept.some((d) => d.digest === current.digest)) {
        if ((await this.summary(current.digest))?.subjectDigest) kept.push(plainDescriptor(current));
      }
      index.manifests = kept;
    });
    return { descriptor, subjectIndexed: true };
  }

  deleteManifest(digest: string): Promise<void> {
    return this.guard(() =>
      this.updateIndex(async (index) => {
        index.manifests = index.manifests.filter((d) => d.digest !== digest);
      }),
    );
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      await fs.access(this.blobPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  getBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes?: number): Promise<Buffer> {
    if (maxBytes !== undefined && descriptor.size > maxBytes) {
      return Promise.reject(new Error(`blob ${descriptor.digest} in ${this.location} is ${descriptor.size} bytes, more than the ${maxBytes} allowed`));
    }
    return this.guard(() => this.readVerified(descriptor.digest, descriptor.size));
  }

  putBlob(content: Buffer, mediaType: string): Promise<Descriptor> {
    return this.guard(async () => {
      const digest = sha256Digest(content);
      await this.ensureLayout();
      await this.writeBlob(digest, content);
      return { mediaType, digest, size: content.length };
    });
  }

  listTags(): Promise<string[]> {
    return this.guard(() => this.listTagsIn());
  }

  private async listTagsIn(): Promise<string[]> {
    const index = await this.readIndex();
    const tags = new Set<string>();
    for (const d of index.manifests) {
      const name = refName(d);
      if (name !== undefined) tags.add(name);
    }
    return [...tags].sort();
  }

  referrersApi(subjectDigest: string, artifactType?: string): Promise<Descriptor[]> {
    return this.guard(() => this.referrersIn(subjectDigest, artifactType));
  }

  /**
   * Every manifest `reference` reaches (index children, config, layers) is in the layout: what a
   * copy of it will read, checked before anything is written elsewhere. Foreign layers (with
   * `urls`) may be absent, as registries allow.
   */
  checkComplete(reference: string): Promise<Descriptor> {
    return this.guard(async () => {
      const root = await this.getManifestIn(reference);
      const pending: FetchedManifest[] = [root];
      for (let fetched = pending.pop(); fetched; fetched = pending.pop()) {
        const m = fetched.manifest;
        if (isIndex(m)) {
          for (const child of m.manifests ?? []) pending.push(await this.reachable(child, fetched.descriptor.digest, () => this.getManifestIn(child.digest)));
          continue;
        }
        for (const blob of [m.config, ...(m.layers ?? [])]) {
          if (!blob || blob.urls?.length) continue;
          await this.reachable(blob, fetched.descriptor.digest, async () => {
            const stat = await fs.stat(this.blobPath(blob.digest));
            if (!stat.isFile() || stat.size !== blob.size) throw new DamagedLayoutError(`${this.location}: blob ${blob.digest} is not a file of the ${blob.size} bytes manifest ${fetched?.descriptor.digest} says; the layout is damaged`);
          });
        }
      }
      return root.descriptor;
    });
  }

  private async reachable<T>(d: Descriptor, parent: string, read: () => Promise<T>): Promise<T> {
    if (!d || typeof d.digest !== 'string' || !isDigest(d.digest)) {
      throw new DamagedLayoutError(`${this.location}: manifest ${parent} lists the digest ${shown(d?.digest)}, which is not sha256:<64 hex>; the layout is damaged`);
    }
    try {
      return await read();
    } catch (err) {
      if (err instanceof NotFoundError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DamagedLayoutError(`${this.location} lacks ${d.digest}, which manifest ${parent} lists; the layout is incomplete (copy it again, e.g. with skopeo or oras)`);
      }
      throw err;
    }
  }

  private async referrersIn(subjectDigest: string, artifactType?: string): Promise<Descriptor[]> {
    const index = await this.readIndex();
    const seen = new Set<string>();
    const referrers: Descriptor[] = [];
    for (const entry of index.manifests) {
      if (seen.has(entry.digest)) continue;
      seen.add(entry.digest);
      const summary = await this.summary(entry.digest);
      if (!summary || summary.subjectDigest !== subjectDigest) continue;
      if (artifactType !== undefined && summary.descriptor.artifactType !== artifactType) continue;
      referrers.push(summary.descriptor);
    }
    return referrers;
  }

  /** What referrers need of a manifest (cached: blobs never change). Null for a blob that is not a manifest. */
  private async summary(digest: string): Promise<ManifestSummary | null> {
    const cached = this.summaries.get(digest);
    if (cached !== undefined) return cached;
    let result: ManifestSummary | null = null;
    try {
      const bytes = await this.readVerified(digest);
      const manifest = parseManifest(bytes, digest, this.location);
      const descriptor: Descriptor = { mediaType: mediaTypeOf(manifest), digest, size: bytes.length };
      const artifactType = manifest.artifactType ?? (isIndex(manifest) ? undefined : manifest.config?.mediaType);
      if (artifactType) descriptor.artifactType = artifactType;
      if (manifest.annotations) descriptor.annotations = { ...manifest.annotations };
      result = { descriptor, subjectDigest: manifest.subject?.digest };
    } catch (err) {
      if (!(err instanceof NotFoundError) && !(err instanceof DamagedLayoutError)) throw err;
    }
    this.summaries.set(digest, result);
    return result;
  }

  private blobPath(digest: string): string {
    if (!isDigest(digest)) throw new DamagedLayoutError(`${this.location}: ${shown(digest)} is not a valid digest (sha256:<64 hex>); the layout or a manifest in it is damaged`);
    const [algorithm, hex] = digest.split(':');
    return path.join(this.dir, 'blobs', algorithm, hex);
  }

  /** Reads a blob and checks its digest (and size when known). */
  private async readVerified(digest: string, size?: number): Promise<Buffer> {
    let bytes: Buffer;
    try {
      // Never more than the descriptor says (a known size) or than a layer may be: a layout is untrusted input.
      bytes = await readFileCappedAsync(this.blobPath(digest), size ?? READ_CAPS.layer, { what: `blob ${digest} of ${this.location}` });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`blob ${digest} not found in ${this.location}`);
      if ((err as NodeJS.ErrnoException).code === 'ETOOLARGE') {
        throw new DamagedLayoutError(`blob ${digest} in ${this.location} is corrupt: it is larger than ${size === undefined ? 'a blob may be' : 'its descriptor says'}`);
      }
      if (err instanceof FileReadError) throw err;
      throw withPath(err, this.blobPath(digest));
    }
    if ((size !== undefined && bytes.length !== size) || digestOf(bytes, digest.split(':')[0]) !== digest) {
      throw new DamagedLayoutError(`blob ${digest} in ${this.location} is corrupt: its content does not match its digest and size`);
    }
    return bytes;
  }

  private async writeBlob(digest: string, bytes: Buffer): Promise<void> {
    const file = this.blobPath(digest);
    if (await this.hasBlob(digest)) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, bytes);
  }

  private async ensureLayout(): Promise<void> {
    await fs.mkdir(path.join(this.dir, 'blobs'), { recursive: true });
    const layoutFile = path.join(this.dir, LAYOUT_FILE);
    try {
      await fs.writeFile(layoutFile, JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }

  private async readIndex(): Promise<ImageIndex> {
    const hasLayoutFile = await this.checkLayoutVersion();
    let text: string;
    try {
      text = (await readFileCappedAsync(path.join(this.dir, INDEX_FILE), READ_CAPS.document, { what: `the index.json of ${this.location}` })).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
      if (err instanceof FileReadError) throw err;
      throw withPath(err, path.join(this.dir, INDEX_FILE));
    }
    if (!hasLayoutFile) throw new DamagedLayoutError(`${this.location}: index.json but no oci-layout file, so it is not an OCI image layout; the layout is damaged`);
    let index: ImageIndex;
    try {
      index = JSON.parse(text) as ImageIndex;
    } catch {
      throw new DamagedLayoutError(`${this.location}: index.json is not valid JSON; the layout is damaged`);
    }
    if (!index || typeof index !== 'object' || !Array.isArray(index.manifests)) {
      throw new DamagedLayoutError(`${this.location}: index.json has no manifests list; the layout is damaged`);
    }
    for (const d of index.manifests) {
      if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
        throw new DamagedLayoutError(`${this.location}: index.json lists the digest ${shown((d as Partial<Descriptor> | null)?.digest)}, which is not sha256:<64 hex>; the layout is damaged`);
      }
    }
    return index;
  }

  /** False when there is no oci-layout file yet (reads find nothing, the first write creates it). */
  private async checkLayoutVersion(): Promise<boolean> {
    let text: string;
    try {
      text = (await readFileCappedAsync(path.join(this.dir, LAYOUT_FILE), READ_CAPS.document, { what: `the oci-layout file of ${this.location}` })).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      if (err instanceof FileReadError) throw err;
      throw withPath(err, path.join(this.dir, LAYOUT_FILE));
    }
    let version: unknown;
    try {
      version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new DamagedLayoutError(`${this.location}: unsupported oci-layout file (imageLayoutVersion ${shown(version)}; expected 1.x)`);
    }
    return true;
  }

  /** Read-modify-write of index.json under a lock shared by this process and others. */
  private async updateIndex(mutate: (index: ImageIndex) => Promise<void>): Promise<void> {
    await this.ensureLayout();
    const indexFile = path.join(this.dir, INDEX_FILE);
    await withFileLock(`${indexFile}.lock`, async () => {
      const index = await this.readIndex();
      await mutate(index);
      await writeFileAtomic(indexFile, JSON.stringify({ ...index, schemaVersion: 2, mediaType: OCI_INDEX }));
    });
  }
}

interface ManifestSummary {
  descriptor: Descriptor;
  subjectDigest?: string;
}

function refName(d: Descriptor): string | undefined {
  return d.annotations?.[ANNOTATION.refName];
}

function findTagged(index: ImageIndex, tag: string): Descriptor | undefined {
  for (let i = index.manifests.length - 1; i >= 0; i--) {
    if (refName(index.manifests[i]) === tag) return index.manifests[i];
  }
  return undefined;
}

function plainDescriptor(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

function parseManifest(bytes: Buffer, digest: string, location: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new DamagedLayoutError(`${digest} in ${location} is not a JSON manifest`);
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as { schemaVersion?: unknown }).schemaVersion !== 2) {
    throw new DamagedLayoutError(`${digest} in ${location} is not a schemaVersion 2 manifest`);
  }
  return parsed as Manifest;
}

function mediaTypeOf(manifest: Manifest): string {
  if (manifest.mediaType) return manifest.mediaType;
  return isIndex(manifest) ? OCI_INDEX : OCI_MANIFEST;
}

// ---- file helpers (kept here: only the layout writes files) ----

/**
 * Mutual exclusion on a path: turns inside this process (`withKeyedLock`), and an exclusive-create
 * lockfile across processes (retried with backoff; one older than a minute is taken to be
 * left behind by a crashed process and removed).
 */
function withFileLock<T>(lockPath: string, work: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const key = path.resolve(lockPath);
  return withKeyedLock(`file ${key}`, () => holdLockfile(key, work, timeoutMs));
}

const STALE_LOCK_MS = 60_000;

async function holdLockfile<T>(lockPath: string, work: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      await removeIfStale(lockPath);
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for the lock ${lockPath}; if no other ship-image process uses this layout, remove that file`);
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 200);
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

async function removeIfStale(lockPath: string): Promise<void> {
  try {
    const stat = await fs.stat(lockPath);
    if (Date.now() - stat.mtimeMs > STALE_LOCK_MS) await fs.rm(lockPath, { force: true });
  } catch {
    // Already gone: the next attempt takes it.
  }
}

/** Readers see the old content or the new, never a partial file (temp file + rename). */
async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/** The layout's content is not what the image-spec says: bad input, not a crash. */
export class DamagedLayoutError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'DamagedLayoutError';
  }
}

/** An errno failure as a one-line UserError naming the path inside the layout (no raw errno text). */
export function fsProblem(err: unknown, dir: string, location: string): unknown {
  const e = err as NodeJS.ErrnoException;
  const why = e?.code === 'ENOENT' ? undefined : fsReason(err);
  if (!why) return err;
  const where = typeof e.path === 'string' && e.path.startsWith(dir) ? path.relative(dir, e.path) || '.' : '';
  return new UserError(`${location}: ${where ? `${clip(where)}: ` : ''}${why}; point at an OCI image layout directory (oci-layout, index.json, blobs/) you can read and write`);
}

/** Node leaves `path` off some errors (readFile of a directory): say which file it was. */
function withPath(err: unknown, file: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string' && e.path === undefined) e.path = file;
  return err;
}

/** A value from a file, shown in a message: JSON-quoted and clipped. */
function shown(value: unknown): string {
  return clip(value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

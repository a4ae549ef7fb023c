import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../core/errors';
import { withKeyedLock } from '../core/keyed-lock';
import { silentLogger, type Logger } from '../core/log';
import { CredentialResolver } from './auth/credentials';
import { repositoryScope } from './auth/scope';
import { RegistrySession, type SessionRequest } from './auth/session';
import { TokenCache } from './auth/token';
import { digestOf, isDigest, sha256Digest } from './digest';
import { DigestMismatchError, errorForStatus, parseDistributionErrors, RegistryError, ResponseTooLargeError, type RegistryOperation } from './errors';
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_RESPONSE_BYTES, HttpTransport, nextLink, type HttpResponse, type RequestBody, type TransportStats } from './http';
import { ALL_MANIFEST_MEDIA_TYPES, OCI_INDEX, OCI_MANIFEST } from './media-types';
import { canonicalRegistry, isTag, type ImageReference } from './reference';
import type { PutManifestOptions, PutManifestResult, RepositoryStore } from './store';
import type { Descriptor, FetchedManifest, ImageIndex, Manifest } from './types';

export interface RegistryClientOptions {
  /** Per registry host, e.g. `{ 'ghcr.io': { username, password: GITHUB_TOKEN } }`. */
  credentials?: Record<string, { username: string; password: string }>;
  /** Explicit credentials for every registry; win over everything else. */
  username?: string;
  password?: string;
  /** Extra CA certificates (PEM) to trust. */
  caPems?: string[];
  /** Hosts allowed over plain HTTP / unverified TLS (loopback always may use plain HTTP). */
  insecureRegistries?: string[];
  /** Default `$DOCKER_CONFIG` or `~/.docker`. */
  dockerConfigDir?: string;
  /** Default `$REGISTRY_AUTH_FILE`. */
  authFile?: string;
  /** Environment used for those defaults and for credential helpers (default process.env). */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  userAgent?: string;
  maxAttempts?: number;
  /** Socket idle timeout per request (default 60 s). */
  timeoutMs?: number;
  /** Overall time for one request, retries and body included (default 10 min; blob downloads get more per byte). */
  deadlineMs?: number;
  /** Time allowed to open a connection (default 15 s). */
  connectTimeoutMs?: number;
  /** Bounds on paginated listings (tags, referrers). */
  listLimits?: Partial<ListLimits>;
  /** Blobs above this size are uploaded in PATCH chunks of this size (default 32 MiB). */
  chunkSize?: number;
  /** Backoff tuning (tests). */
  backoffBaseMs?: number;
  maxRetryAfterMs?: number;
}

/** How far a paginated listing is followed before it is an error (a registry can page forever). */
export interface ListLimits {
  /** Pages of a tag list (default 1000: a million tags at n=1000). */
  tagPages: number;
  /** Pages of a referrers listing (default 100). */
  referrerPages: number;
  /** Bytes of all pages of one listing together (default 32 MiB). */
  totalBytes: number;
}

const DEFAULT_LIST_LIMITS: ListLimits = { tagPages: 1000, referrerPages: 100, totalBytes: 32 * 1024 * 1024 };
const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
const MANIFEST_MAX_BYTES = DEFAULT_MAX_RESPONSE_BYTES;
const TAG_PAGE_SIZE = 1000;
/** A blob download may take the request deadline plus this long per byte (as if at 64 KiB/s). */
const BLOB_MS_PER_BYTE = 1000 / (64 * 1024);
const ACCEPT_MANIFESTS = ALL_MANIFEST_MEDIA_TYPES.join(', ');

/** The registry side of the OCI distribution client: one per run, shared by every repository. */
export class RegistryClient {
  private readonly transport: HttpTransport;
  private readonly credentials: CredentialResolver;
  private readonly tokens = new TokenCache();
  private readonly sessions = new Map<string, RegistrySession>();
  private readonly logger: Logger;
  private readonly chunkSize: number;
  private readonly limits: ListLimits;
  private readonly deadlineMs: number;

  constructor(opts: RegistryClientOptions = {}) {
    this.logger = opts.logger ?? silentLogger;
    this.transport = new HttpTransport({
      caPems: opts.caPems,
      insecureHosts: opts.insecureRegistries,
      timeoutMs: opts.timeoutMs,
      deadlineMs: opts.deadlineMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      maxAttempts: opts.maxAttempts,
      backoffBaseMs: opts.backoffBaseMs,
      maxRetryAfterMs: opts.maxRetryAfterMs,
      userAgent: opts.userAgent,
      logger: this.logger,
    });
    this.credentials = new CredentialResolver({
      username: opts.username,
      password: opts.password,
      credentials: opts.credentials,
      dockerConfigDir: opts.dockerConfigDir,
      authFile: opts.authFile,
      env: opts.env,
    });
    if (opts.chunkSize !== undefined && !(opts.chunkSize > 0)) throw new UserError(`chunk size ${opts.chunkSize} must be a positive number of bytes`);
    this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.limits = { ...DEFAULT_LIST_LIMITS, ...(opts.listLimits ?? {}) };
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  }

  repository(registry: string, repository: string): RegistryRepository {
    return new RegistryRepository(this.session(registry), repository, this.chunkSize, { limits: this.limits, deadlineMs: this.deadlineMs });
  }

  /** The repository an image reference names. */
  repositoryFor(ref: ImageReference): RegistryRepository {
    return this.repository(ref.registry, ref.repository);
  }

  /** Requests and bytes so far (every attempt and token request counted). */
  stats(): TransportStats {
    return this.transport.stats();
  }

  /** Close idle connections so the process can exit. */
  close(): void {
    this.transport.close();
  }

  private session(registry: string): RegistrySession {
    const key = canonicalRegistry(registry);
    let session = this.sessions.get(key);
    if (!session) {
      session = new RegistrySession(key, { transport: this.transport, credentials: this.credentials, tokens: this.tokens, logger: this.logger });
      this.sessions.set(key, session);
    }
    return session;
  }
}

/** One repository on a registry, speaking the distribution-spec API. */
export class RegistryRepository implements RepositoryStore {
  readonly location: string;
  private readonly pull: string[];
  private readonly push: string[];

  private readonly limits: ListLimits;
  private readonly deadlineMs: number;

  constructor(
    private readonly session: RegistrySession,
    readonly name: string,
    private readonly chunkSize: number,
    tuning: { limits?: ListLimits; deadlineMs?: number } = {},
  ) {
    this.limits = tuning.limits ?? DEFAULT_LIST_LIMITS;
    this.deadlineMs = tuning.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.location = `${session.registry}/${name}`;
    this.pull = [repositoryScope(name, ['pull'])];
    this.push = [repositoryScope(name, ['pull', 'push'])];
  }

  get registry(): string {
    return this.session.registry;
  }

  // ---- manifests ----

  async resolve(reference: string): Promise<Descriptor> {
    checkReference(reference, this.location);
    const op = this.op('HEAD manifest', reference);
    const res = await this.send({ method: 'HEAD', target: this.path('manifests', reference), headers: { Accept: ACCEPT_MANIFESTS }, scopes: this.pull, op });
    if (res.status !== 200) throw errorForStatus(op, res.status, undefined);
    const digest = header(res, 'docker-content-digest') ?? (isDigest(reference) ? reference : undefined);
    const mediaType = contentType(res);
    const size = Number(header(res, 'content-length'));
    if (!digest || !isDigest(digest) || !mediaType || !Number.isFinite(size) || size <= 0) {
      // Some registries leave these out of HEAD answers: fetch the manifest instead.
      return (await this.getManifest(reference)).descriptor;
    }
    if (isDigest(reference) && digest !== reference) {
      throw new DigestMismatchError(`registry ${this.registry}: ${op.operation} answered digest ${digest}, not the one asked for`);
    }
    return { mediaType, digest, size };
  }

  async getManifest(reference: string, accept: readonly string[] = ALL_MANIFEST_MEDIA_TYPES): Promise<FetchedManifest> {
    checkReference(reference, this.location);
    const op = this.op('GET manifest', reference);
    const res = await this.send({
      method: 'GET',
      target: this.path('manifests', reference),
      headers: { Accept: accept.join(', ') },
      scopes: this.pull,
      op,
      maxBytes: MANIFEST_MAX_BYTES,
    });
    if (res.status !== 200) throw errorForStatus(op, res.status, res.body);
    const bytes = res.body;
    const announced = header(res, 'docker-content-digest');
    const expected = isDigest(reference) ? reference : announced && isDigest(announced) ? announced : undefined;
    if (expected) verifyDigest(bytes, expected, `registry ${this.registry}: ${op.operation}`);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch {
      throw new RegistryError(`registry ${this.registry}: ${op.operation}: the manifest is not valid JSON`);
    }
    if (typeof manifest !== 'object' || manifest === null || manifest.schemaVersion !== 2) {
      throw new RegistryError(`registry ${this.registry}: ${op.operation}: not an OCI or Docker v2 manifest (schemaVersion must be 2)`);
    }
    const mediaType =
      (typeof manifest.mediaType === 'string' && manifest.mediaType) || contentType(res) || (Array.isArray((manifest as ImageIndex).manifests) ? OCI_INDEX : OCI_MANIFEST);
    const digest = expected && expected.startsWith('sha256:') ? expected : sha256Digest(bytes);
    return { descriptor: { mediaType, digest, size: bytes.length }, bytes, manifest };
  }

  async putManifest(bytes: Buffer, mediaType: string, reference?: string, opts: PutManifestOptions = {}): Promise<PutManifestResult> {
    const digest = sha256Digest(bytes);
    const target = reference ?? digest;
    checkReference(target, this.location);
    if (isDigest(target) && target !== digest) {
      throw new UserError(`cannot store manifest under ${target} in ${this.location}: its bytes hash to ${digest}; push it by its own digest`);
    }
    const op = this.op('PUT manifest', target);
    const headers: Record<string, string> = { 'Content-Type': mediaType };
    if (opts.ifMatch) headers['If-Match'] = opts.ifMatch.startsWith('"') || opts.ifMatch.startsWith('W/') ? opts.ifMatch : `"${opts.ifMatch}"`;
    if (opts.ifNoneMatch) headers['If-None-Match'] = '*';
    let res = await this.send({ method: 'PUT', target: this.path('manifests', target), headers, body: bytes, scopes: this.push, op });
    for (const wait of LINK_RACE_WAITS_MS) {
      if (!isLinkRace(res)) break;
      await sleep(wait);
      res = await this.send({ method: 'PUT', target: this.path('manifests', target), headers, body: bytes, scopes: this.push, op });
    }
    if (res.status < 200 || res.status >= 300) throw errorForStatus(op, res.status, res.body);
    const answered = header(res, 'docker-content-digest');
    if (answered && answered.startsWith('sha256:') && answered !== digest) {
      throw new DigestMismatchError(`registry ${this.registry}: ${op.operation}: the registry stored digest ${answered}, we sent ${digest}`);
    }
    return { descriptor: { mediaType, digest, size: bytes.length }, subjectIndexed: header(res, 'oci-subject') !== undefined };
  }

  async deleteManifest(digest: string): Promise<void> {
    if (!isDigest(digest)) throw new UserError(`cannot delete '${digest}' from ${this.location}: manifests are deleted by digest (sha256:...)`);
    const op = this.op('DELETE manifest', digest);
    const res = await this.send({ method: 'DELETE', target: this.path('manifests', digest), scopes: this.deleteScope(), op });
    if (res.status !== 202 && res.status !== 200 && res.status !== 204) throw errorForStatus(op, res.status, res.body);
  }

  /** Every tag, following `Link` pages of `pageSize`; [] for a repository that does not exist yet. */
  async listTags(pageSize = TAG_PAGE_SIZE): Promise<string[]> {
    const op: RegistryOperation = { registry: this.registry, operation: `GET tags ${this.name}` };
    const tags: string[] = [];
    const pages = new Pager(op, this.limits.tagPages, this.limits.totalBytes, (url) => this.session.isRegistryUrl(url));
    let target: string | URL | undefined = `/v2/${this.name}/tags/list?n=${pageSize}`;
    for (let page = 0; target !== undefined; page++) {
      const res = await this.send({ method: 'GET', target, scopes: this.pull, op, maxBytes: Math.min(DEFAULT_MAX_RESPONSE_BYTES, pages.remainingBytes()) });
      if (res.status === 404 && page === 0) return []; // a repository with nothing pushed yet
      if (res.status !== 200) throw errorForStatus(op, res.status, res.body);
      const body = parseJson<{ tags?: unknown }>(res.body, `registry ${this.registry}: ${op.operation}`);
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      target = pages.next(res);
    }
    return tags;
  }

  async referrersApi(subjectDigest: string, artifactType?: string): Promise<Descriptor[] | undefined> {
    if (!isDigest(subjectDigest)) throw new UserError(`cannot list referrers of '${subjectDigest}': a digest (sha256:...) is needed`);
    const op = this.op('GET referrers', subjectDigest);
    let target: string | URL | undefined = `/v2/${this.name}/referrers/${subjectDigest}` + (artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '');
    if ((noReferrersApiUntil.get(this.session) ?? 0) > Date.now()) return undefined;
    const found: Descriptor[] = [];
    let filtered = true;
    const pages = new Pager(op, this.limits.referrerPages, this.limits.totalBytes, (url) => this.session.isRegistryUrl(url));
    for (let page = 0; target !== undefined; page++) {
      const maxBytes = Math.min(MANIFEST_MAX_BYTES, pages.remainingBytes());
      const res = await this.send({ method: 'GET', target, headers: { Accept: OCI_INDEX }, scopes: this.pull, op, maxBytes });
      // No referrers API: the caller uses the fallback tag. CNCF distribution answers 404; like
      // go-containerregistry, 400, 406 and a 200 that is not an OCI index also mean "no API".
      if (page === 0 && (NO_REFERRERS_API.has(res.status) || (res.status === 200 && contentType(res)?.toLowerCase() !== OCI_INDEX))) {
        noReferrersApiUntil.set(this.session, Date.now() + NO_REFERRERS_API_MEMO_MS);
        return undefined;
      }
      if (res.status !== 200) throw errorForStatus(op, res.status, res.body);
      const index = parseJson<Partial<ImageIndex>>(res.body, `registry ${this.registry}: ${op.operation}`);
      if (!Array.isArray(index.manifests)) throw new RegistryError(`registry ${this.registry}: ${op.operation}: the answer is not an image index`);
      // Entries are passed on as listed: findReferrers sets malformed ones aside with a note.
      found.push(...(index.manifests as Descriptor[]));
      const applied = String(header(res, 'oci-filters-applied') ?? '')
        .split(',')
        .map((s) => s.trim());
      if (!applied.includes('artifactType')) filtered = false;
      target = pages.next(res);
    }
    return artifactType && !filtered ? found.filter((d) => typeof d !== 'object' || d === null || d.artifactType === artifactType) : found;
  }

  // ---- blobs ----

  async hasBlob(digest: string): Promise<boolean> {
    return this.blobExists(digest, this.pull);
  }

  // Pushes check with the push scope so one token serves the HEAD, the upload and the manifest.
  private async blobExists(digest: string, scopes: string[]): Promise<boolean> {
    checkDigest(digest, this.location);
    const op = this.op('HEAD blob', digest);
    const res = await this.send({ method: 'HEAD', target: this.path('blobs', digest), scopes, op });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw errorForStatus(op, res.status, undefined);
  }

  async getBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes?: number): Promise<Buffer> {
    const stream = await this.getBlobStream(descriptor, maxBytes);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * The blob as a stream that errors (instead of ending) when the bytes do not match the
   * descriptor's size and digest, or pass `maxBytes` (default: the descriptor's size).
   */
  async getBlobStream(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes?: number): Promise<Readable> {
    checkDigest(descriptor.digest, this.location);
    const op = this.op('GET blob', descriptor.digest);
    const what = `registry ${this.registry}: ${op.operation}`;
    const limit = maxBytes ?? descriptor.size;
    if (descriptor.size > limit) throw new ResponseTooLargeError(`${what}: the blob is ${descriptor.size} bytes, over the ${limit}-byte limit`);
    // The deadline covers the whole body, so it grows with the blob (a slow but steady link is fine).
    const deadlineMs = this.deadlineMs + Math.ceil(descriptor.size * BLOB_MS_PER_BYTE);
    const req: SessionRequest = { method: 'GET', target: this.path('blobs', descriptor.digest), scopes: this.pull, op, deadlineMs };
    const res = await this.session.stream(req);
    await this.noteAuth(req, res.status);
    if (res.status !== 200 || !res.stream) {
      res.stream?.destroy();
      throw errorForStatus(op, res.status, res.body);
    }
    const announced = Number(header(res, 'content-length'));
    if (Number.isFinite(announced) && announced !== descriptor.size) {
      res.stream.destroy();
      const err = announced > limit ? ResponseTooLargeError : DigestMismatchError;
      throw new err(`${what}: the registry announced ${announced} bytes, the descriptor says ${descriptor.size}`);
    }
    const verifier = new VerifyingStream(descriptor.digest, descriptor.size, limit, what);
    const source = res.stream;
    source.on('error', (err) => verifier.destroy(err));
    // A refused body (too long, wrong digest) must not keep the connection half-read.
    verifier.on('error', () => source.destroy());
    verifier.on('close', () => source.destroy());
    return source.pipe(verifier);
  }

  /** Stream a blob to `filePath` (via a temporary file beside it), verified; nothing is left on failure. */
  async downloadBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, filePath: string, maxBytes?: number): Promise<void> {
    const temp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${Date.now()}.part`);
    try {
      await pipeline(await this.getBlobStream(descriptor, maxBytes), fs.createWriteStream(temp));
      fs.renameSync(temp, filePath);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw err;
    }
  }

  async putBlob(content: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256Digest(content);
    await this.uploadUnlessPresent(digest, { length: content.length, slice: (start, end) => content.subarray(start, end) });
    return { mediaType, digest, size: content.length };
  }

  /** Upload a file without reading it into memory; its digest is computed first when not given. */
  async putBlobFile(filePath: string, mediaType: string, knownDigest?: string): Promise<Descriptor> {
    const size = fs.statSync(filePath).size;
    const digest = knownDigest ?? (await fileDigest(filePath));
    await this.uploadUnlessPresent(digest, {
      length: size,
      slice: (start, end) => ({ length: end - start, open: () => fs.createReadStream(filePath, { start, end: end - 1 }) }),
    });
    return { mediaType, digest, size };
  }

  /**
   * Cross-repository mount (`POST ?mount=&from=`). True when the registry mounted it (201). On 202
   * the registry opened an upload instead: with `content` we upload through it, else it is left to expire.
   */
  async mountBlob(digest: string, fromRepository: string, content?: Buffer): Promise<boolean> {
    checkDigest(digest, this.location);
    return this.oneUploadAtATime(digest, () => this.mountOrUpload(digest, fromRepository, content));
  }

  private async mountOrUpload(digest: string, fromRepository: string, content: Buffer | undefined): Promise<boolean> {
    const op: RegistryOperation = { registry: this.registry, operation: `POST mount ${this.name}@${digest} from ${fromRepository}` };
    const scopes = [...this.push, repositoryScope(fromRepository, ['pull'])];
    const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepository)}`;
    const res = await this.send({ method: 'POST', target: `/v2/${this.name}/blobs/uploads/${query}`, scopes, op, replayable: true });
    if (res.status === 201) return true;
    if (res.status !== 202) throw errorForStatus(op, res.status, res.body);
    if (content) {
      if (sha256Digest(content) !== digest) throw new UserError(`the content given for ${digest} hashes to ${sha256Digest(content)}; pass the blob's own bytes`);
      const location = this.uploadLocation(res, op);
      await this.finishUpload(digest, location, { length: content.length, slice: (s, e) => content.subarray(s, e) }, minChunk(res));
    }
    return false;
  }

  // ---- internals ----

  /**
   * Pushes of one blob to one repository from this process wait for each other, so the later ones
   * find it with HEAD. Two uploads committing the same blob at once make distribution rewrite the
   * repository's link file in place, and a manifest PUT checked in that moment fails as
   * DIGEST_INVALID / MANIFEST_BLOB_UNKNOWN (seen with the referrers of a multi-platform ship).
   */
  private oneUploadAtATime<T>(digest: string, upload: () => Promise<T>): Promise<T> {
    return withKeyedLock(`blob ${this.location}@${digest}`, upload);
  }

  private uploadUnlessPresent(digest: string, source: BlobSource): Promise<void> {
    return this.oneUploadAtATime(digest, async () => {
      if (!(await this.blobExists(digest, this.push))) await this.upload(digest, source);
    });
  }

  private async upload(digest: string, source: BlobSource): Promise<void> {
    const op = this.op('POST upload', digest);
    const res = await this.send({ method: 'POST', target: `/v2/${this.name}/blobs/uploads/`, scopes: this.push, op, replayable: true });
    if (res.status !== 202) throw errorForStatus(op, res.status, res.body);
    await this.finishUpload(digest, this.uploadLocation(res, op), source, minChunk(res));
  }

  /** Monolithic PUT for blobs up to the chunk size, else PATCH chunks then an empty PUT. */
  private async finishUpload(digest: string, start: URL, source: BlobSource, minChunkLength: number): Promise<void> {
    let location = start;
    if (source.length > this.chunkSize) {
      const chunk = Math.max(this.chunkSize, minChunkLength);
      for (let offset = 0; offset < source.length; offset += chunk) {
        const end = Math.min(source.length, offset + chunk);
        const op = this.op(`PATCH upload (bytes ${offset}-${end - 1})`, digest);
        const res = await this.send({
          method: 'PATCH',
          target: location,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${end - 1}` },
          body: source.slice(offset, end),
          scopes: this.push,
          op,
        });
        if (res.status !== 202) throw errorForStatus(op, res.status, res.body);
        location = this.uploadLocation(res, op);
      }
    }
    const url = new URL(location);
    url.search += (url.search ? '&' : '?') + `digest=${encodeURIComponent(digest)}`;
    const op = this.op('PUT blob', digest);
    const monolithic = source.length <= this.chunkSize;
    const res = await this.send({
      method: 'PUT',
      target: url,
      headers: monolithic ? { 'Content-Type': 'application/octet-stream' } : {},
      body: monolithic ? source.slice(0, source.length) : undefined,
      scopes: this.push,
      op,
    });
    if (res.status === 201 || res.status === 204) return;
    // A retried PUT may find its first attempt already committed the blob.
    if (res.status === 404 && (await this.blobExists(digest, this.push))) return;
    throw errorForStatus(op, res.status, res.body);
  }

  private uploadLocation(res: HttpResponse, op: RegistryOperation): URL {
    const location = header(res, 'location');
    if (!location) throw new RegistryError(`registry ${this.registry}: ${op.operation}: the answer has no Location header`);
    let url: URL;
    try {
      url = new URL(location, res.url);
    } catch {
      throw new RegistryError(`registry ${this.registry}: ${op.operation}: the Location header is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RegistryError(`registry ${this.registry}: ${op.operation}: the upload Location is a ${url.protocol} URL, not http(s)`);
    return url;
  }

  private async send(req: SessionRequest): Promise<HttpResponse> {
    const res = await this.session.send(req);
    await this.noteAuth(req, res.status);
    return res;
  }

  private async noteAuth(req: SessionRequest, status: number): Promise<void> {
    if (status !== 401 && status !== 403) return;
    req.op.scopes ??= req.scopes;
    req.op.authHint ??= await this.session.authHint();
  }

  private path(kind: 'manifests' | 'blobs', reference: string): string {
    return `/v2/${this.name}/${kind}/${reference}`;
  }

  private op(action: string, reference: string): RegistryOperation {
    return { registry: this.registry, operation: `${action} ${this.name}${isDigest(reference) ? '@' : ':'}${reference}` };
  }

  private deleteScope(): string[] {
    // Docker Hub and distribution's token servers grant deletes under `delete` or `*`.
    return [repositoryScope(this.name, ['delete'])];
  }
}

const NO_REFERRERS_API = new Set([400, 404, 405, 406, 501]);
/**
 * A registry either serves the referrers API or not (distribution-spec: one that does answers 200
 * even for a subject with no referrers), so "no API" is remembered per registry for a minute: a
 * sweep over thousands of digests asks once, not once per digest.
 */
const NO_REFERRERS_API_MEMO_MS = 60_000;
const noReferrersApiUntil = new WeakMap<RegistrySession, number>();

/**
 * Follows `Link: rel="next"` pages within a page count and a byte budget. A next page on another
 * host (or a page seen before) is refused: pagination has no reason to leave the registry, and
 * following it would mean either sending our credentials elsewhere or reading a stranger's list.
 */
class Pager {
  private pages = 0;
  private bytes = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly op: RegistryOperation,
    private readonly maxPages: number,
    private readonly maxBytes: number,
    private readonly isRegistryUrl: (url: URL) => boolean,
  ) {}

  /** What the next page may still weigh (at least 1 byte, so an over-budget page fails as too large). */
  remainingBytes(): number {
    return Math.max(1, this.maxBytes - this.bytes);
  }

  /** The next page's URL, or undefined at the last page; throws when a bound is passed. */
  next(res: HttpResponse): URL | undefined {
    this.pages++;
    this.bytes += res.body.length;
    this.seen.add(res.url.href);
    const what = `registry ${this.op.registry}: ${this.op.operation}`;
    const next = nextLink(res.headers.link, res.url);
    if (!next) return undefined;
    if (!this.isRegistryUrl(next)) throw new RegistryError(`${what}: the next page link points at another host (${next.host}); refusing to follow it`);
    if (this.seen.has(next.href)) throw new RegistryError(`${what}: the next page link points back at a page already read; the registry's pagination loops`);
    if (this.pages >= this.maxPages) throw new RegistryError(`${what}: more than ${this.maxPages} pages; the listing is cut off here (listLimits)`);
    if (this.bytes >= this.maxBytes) throw new ResponseTooLargeError(`${what}: the pages add up to more than ${this.maxBytes} bytes (listLimits)`);
    return next;
  }
}

/** A blob to upload: `slice` returns the bytes [start, end) as something the transport can send (and resend). */
interface BlobSource {
  length: number;
  slice(start: number, end: number): RequestBody;
}

/** Hashes and counts as bytes pass; fails the stream on too many bytes, too few, or a wrong digest. */
class VerifyingStream extends Transform {
  private readonly hash;
  private received = 0;
  private readonly algorithm: string;

  constructor(
    private readonly digest: string,
    private readonly size: number,
    private readonly limit: number,
    private readonly what: string,
  ) {
    super();
    this.algorithm = digest.slice(0, digest.indexOf(':'));
    this.hash = createHash(this.algorithm);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.size) return done(new DigestMismatchError(`${this.what}: more bytes arrived than the ${this.size} the descriptor says`));
    if (this.received > this.limit) return done(new ResponseTooLargeError(`${this.what}: more than the ${this.limit}-byte limit arrived`));
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.received !== this.size) return done(new DigestMismatchError(`${this.what}: ${this.received} bytes arrived, the descriptor says ${this.size}`));
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.digest) return done(new DigestMismatchError(`${this.what}: the bytes hash to ${actual}`));
    done();
  }
}

/**
 * Distribution's filesystem driver rewrites a repository's blob link in place when another client
 * commits the same blob; a manifest checked in that instant is refused as naming an unknown or
 * invalid blob. Such a refusal is tried again a few times before it is believed.
 */
const LINK_RACE_WAITS_MS = [100, 400, 1200];

function isLinkRace(res: HttpResponse): boolean {
  if (res.status !== 400) return false;
  const codes = parseDistributionErrors(res.body).map((e) => e.code);
  return codes.length > 0 && codes.every((c) => c === 'MANIFEST_BLOB_UNKNOWN' || c === 'DIGEST_INVALID' || c === 'BLOB_UNKNOWN');
}

function verifyDigest(bytes: Buffer, expected: string, what: string): void {
  const actual = digestOf(bytes, expected.slice(0, expected.indexOf(':')));
  if (actual !== expected) throw new DigestMismatchError(`${what}: the bytes hash to ${actual}, expected ${expected}`);
}

async function fileDigest(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(filePath)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function checkReference(reference: string, location: string): void {
  if (!isDigest(reference) && !isTag(reference)) {
    throw new UserError(`'${reference}' is neither a tag nor a sha256/sha512 digest (for ${location}); use a tag like v1.2 or a digest sha256:<64 hex>`);
  }
}

function checkDigest(digest: string, location: string): void {
  if (!isDigest(digest)) throw new UserError(`'${digest}' is not a digest (for ${location}); use sha256:<64 hex>`);
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function contentType(res: HttpResponse): string | undefined {
  const value = header(res, 'content-type');
  const bare = value?.split(';')[0]?.trim();
  return bare || undefined;
}

function minChunk(res: HttpResponse): number {
  const value = Number(header(res, 'oci-chunk-min-length'));
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function parseJson<T>(body: Buffer, what: string): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    throw new RegistryError(`${what}: the answer is not valid JSON`);
  }
}

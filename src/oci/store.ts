import type { Descriptor, FetchedManifest } from './types';

/**
 * One repository's worth of content: a repository on a registry, or an OCI image layout directory.
 * Everything above the OCI layer (referrers, discover, ship, verify) talks to this interface only,
 * so a layout directory is an equal target to a registry.
 */
export interface RepositoryStore {
  /** Human-readable location for messages, e.g. `localhost:5000/acme/api` or `oci-layout:/tmp/x`. */
  readonly location: string;

  /** Resolve a tag or digest to the manifest descriptor (HEAD where possible). Throws NotFoundError. */
  resolve(reference: string): Promise<Descriptor>;
  /** GET a manifest by tag or digest; the digest of the bytes is recomputed and checked. */
  getManifest(reference: string, accept?: readonly string[]): Promise<FetchedManifest>;
  /**
   * PUT manifest bytes, under a tag or under its own digest (reference omitted).
   * `subjectIndexed` is true when the registry answered `OCI-Subject` (it maintains referrers itself).
   */
  putManifest(bytes: Buffer, mediaType: string, reference?: string, opts?: PutManifestOptions): Promise<PutManifestResult>;
  deleteManifest?(digest: string): Promise<void>;

  hasBlob(digest: string): Promise<boolean>;
  /** Fetch a whole blob, verifying digest and size (refusing more than `maxBytes`). */
  getBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes?: number): Promise<Buffer>;
  /** Upload a blob unless already present; returns its descriptor (mediaType filled by caller). */
  putBlob(content: Buffer, mediaType: string): Promise<Descriptor>;

  listTags(): Promise<string[]>;

  /**
   * Referrers of `subjectDigest`: the referrers API where the store has one (filtered by
   * artifactType locally when the server did not), else undefined so the caller falls back.
   */
  referrersApi(subjectDigest: string, artifactType?: string): Promise<Descriptor[] | undefined>;
}

export interface PutManifestOptions {
  /** Conditional PUT: only if the tag currently points at this digest (If-Match ETag). */
  ifMatch?: string;
  /** Conditional PUT: only if the tag does not exist yet (If-None-Match: *). */
  ifNoneMatch?: boolean;
}

export interface PutManifestResult {
  descriptor: Descriptor;
  subjectIndexed: boolean;
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A conditional write lost against a concurrent writer (412), or a read-back check failed. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

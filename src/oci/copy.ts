import { silentLogger, type Logger } from '../core/log';
import { mapLimited } from '../core/map-limited';
import { isDigest } from './digest';
import { dedupe } from './referrers';
import { NotFoundError, type RepositoryStore } from './store';
import { isIndex, type Descriptor, type FetchedManifest } from './types';

export interface CopyOptions {
  /** Blob transfers in flight at once (default 4). */
  concurrency?: number;
  logger?: Logger;
}

/**
 * Copy the manifest or index at `fromRef` with every child manifest and blob into `to`, keeping
 * the exact manifest bytes (so the digest is unchanged). Blobs already in `to` are skipped
 * (HEAD first); between two repositories of one registry they are mounted, not re-uploaded.
 * The result is tagged `toTag`, else the source tag, else pushed by digest only.
 */
export async function copyImage(from: RepositoryStore, fromRef: string, to: RepositoryStore, toTag?: string, opts: CopyOptions = {}): Promise<Descriptor> {
  const copier = new Copier(from, to, opts);
  const root = await from.getManifest(fromRef);
  await copier.copyContent(root);
  const tag = toTag ?? (isDigest(fromRef) ? undefined : fromRef);
  const put = await to.putManifest(root.bytes, root.descriptor.mediaType, tag);
  if (put.descriptor.digest !== root.descriptor.digest) {
    throw new Error(`copy of ${from.location}@${root.descriptor.digest} to ${to.location} changed its digest to ${put.descriptor.digest}`);
  }
  return { mediaType: root.descriptor.mediaType, digest: root.descriptor.digest, size: root.descriptor.size };
}

/** A registry repository that can mount blobs from a sibling repository (RegistryRepository). */
interface MountableStore extends RepositoryStore {
  readonly registry: string;
  readonly name: string;
  mountBlob(digest: string, fromRepository: string): Promise<boolean>;
}

function asMountable(store: RepositoryStore): MountableStore | undefined {
  const s = store as Partial<MountableStore>;
  return typeof s.mountBlob === 'function' && typeof s.registry === 'string' && typeof s.name === 'string' ? (s as MountableStore) : undefined;
}

class Copier {
  private readonly concurrency: number;
  private readonly logger: Logger;
  private readonly mountFrom?: string;

  constructor(
    private readonly from: RepositoryStore,
    private readonly to: RepositoryStore,
    opts: CopyOptions,
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.logger = opts.logger ?? silentLogger;
    const source = asMountable(from);
    const target = asMountable(to);
    if (source && target && source.registry === target.registry && source.name !== target.name) this.mountFrom = source.name;
  }

  /** Everything a manifest needs in `to` before the manifest itself can be PUT. */
  async copyContent(fetched: FetchedManifest): Promise<void> {
    const manifest = fetched.manifest;
    if (isIndex(manifest)) {
      for (const child of manifest.manifests) await this.copyChildManifest(child);
      return;
    }
    const blobs = [manifest.config, ...(manifest.layers ?? [])].filter((d): d is Descriptor => Boolean(d?.digest));
    await mapLimited(dedupe(blobs), this.concurrency, (blob) => this.copyBlob(blob));
  }

  private async copyChildManifest(child: Descriptor): Promise<void> {
    if (await exists(() => this.to.resolve(child.digest))) return;
    let fetched: FetchedManifest;
    try {
      fetched = await this.from.getManifest(child.digest);
    } catch (err) {
      if (err instanceof NotFoundError) throw new Error(`${this.from.location} lacks ${child.digest}, a manifest its index lists; the source image is incomplete`);
      throw err;
    }
    await this.copyContent(fetched);
    await this.to.putManifest(fetched.bytes, fetched.descriptor.mediaType ?? child.mediaType);
  }

  private async copyBlob(blob: Descriptor): Promise<void> {
    if (await this.to.hasBlob(blob.digest)) return;
    if (blob.urls?.length && !(await this.from.hasBlob(blob.digest))) {
      this.logger.debug(`skipping foreign layer ${blob.digest} (fetched from its urls by whoever pulls it)`);
      return;
    }
    const target = this.mountFrom ? asMountable(this.to) : undefined;
    if (target && this.mountFrom) {
      try {
        if (await target.mountBlob(blob.digest, this.mountFrom)) return;
      } catch (err) {
        this.logger.debug(`mount of ${blob.digest} from ${this.mountFrom} failed (${(err as Error).message}); uploading instead`);
      }
    }
    const content = await this.from.getBlob(blob);
    const pushed = await this.to.putBlob(content, blob.mediaType);
    if (pushed.digest !== blob.digest) throw new Error(`copied blob ${blob.digest} arrived in ${this.to.location} as ${pushed.digest}`);
  }
}

async function exists(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (err) {
    if (err instanceof NotFoundError) return false;
    throw err;
  }
}

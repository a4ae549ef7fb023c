/**
 * Writes a root filesystem directory (a real one: hard links, symlinks, setuid bits, long names) as
 * a one-layer OCI image layout, streamed: tar (tar-stream) -> gzip -> blob file, hashing the tar
 * (diff_id) and the gzip (layer digest) on the way, so a few hundred MB never sit in memory.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readFile, readdir, readlink, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack, type Header, type Pack } from 'tar-stream';
import { sha256Digest } from '../../src/oci/digest';
import { ANNOTATION, OCI_CONFIG, OCI_INDEX, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../../src/oci/media-types';
import type { ImageIndex, ImageManifest } from '../../src/oci/types';

type TarHeaders = Partial<Header> & Pick<Header, 'name'>;

export interface RootfsImageOptions {
  tag?: string;
  /** The image's creation time (config `created`, `org.opencontainers.image.created`). */
  created?: Date;
  /** Extra manifest annotations and config labels. */
  annotations?: Record<string, string>;
}

export interface WrittenLayout {
  digest: string;
  layerDigest: string;
  diffId: string;
  layerSize: number;
}

/** Directories whose contents a container runtime provides: kept, but written empty. */
const RUNTIME_DIRS = new Set(['dev', 'proc', 'sys']);

export async function writeRootfsLayout(rootfs: string, dir: string, options: RootfsImageOptions = {}): Promise<WrittenLayout> {
  const tag = options.tag ?? 'latest';
  const created = (options.created ?? new Date()).toISOString();
  const annotations = { [ANNOTATION.created]: created, ...options.annotations };
  const blobs = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });

  const tmpLayer = path.join(blobs, `.layer-${process.pid}.tmp`);
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let layerSize = 0;
  const pack = tarPack();
  const written = pipeline(
    pack,
    tap((chunk) => tarHash.update(chunk)),
    createGzip({ level: 6 }),
    tap((chunk) => {
      gzHash.update(chunk);
      layerSize += chunk.length;
    }),
    createWriteStream(tmpLayer),
  );
  const packed = packTree(pack, rootfs).then(
    () => pack.finalize(),
    (err: unknown) => {
      pack.destroy(err as Error);
      throw err;
    },
  );
  await Promise.all([written, packed]);
  const diffId = 'sha256:' + tarHash.digest('hex');
  const layerDigest = 'sha256:' + gzHash.digest('hex');
  await rename(tmpLayer, path.join(blobs, layerDigest.slice(7)));

  const config = Buffer.from(
    JSON.stringify({
      created,
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/bash'], Labels: annotations },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: 'mmdebstrap (ship-image real image)' }],
    }),
  );
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: OCI_LAYER_TAR_GZIP, digest: layerDigest, size: layerSize }],
    annotations,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256Digest(manifestBytes);
  for (const blob of [config, manifestBytes]) await writeFile(path.join(blobs, sha256Digest(blob).slice(7)), blob);
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ mediaType: OCI_MANIFEST, digest, size: manifestBytes.length, annotations: { [ANNOTATION.refName]: tag } }],
  };
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
  return { digest, layerDigest, diffId, layerSize };
}

function tap(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onChunk(chunk);
      done(null, chunk);
    },
  });
}

/** Every entry under `root`, parents before children, names sorted, hard links as links to the first name. */
async function packTree(pack: Pack, root: string): Promise<void> {
  const firstNameOfInode = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(path.join(root, rel))).sort();
    for (const name of names) {
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(root, relPath);
      const st = await lstat(full);
      const header: TarHeaders = { name: relPath, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
      if (st.isDirectory()) {
        await entry(pack, { ...header, name: relPath + '/', type: 'directory' });
        if (!(rel === '' && RUNTIME_DIRS.has(name))) await walk(relPath);
      } else if (st.isSymbolicLink()) {
        await entry(pack, { ...header, type: 'symlink', linkname: await readlink(full) });
      } else if (st.isFile()) {
        const inode = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? firstNameOfInode.get(inode) : undefined;
        if (first !== undefined) {
          await entry(pack, { ...header, type: 'link', linkname: first });
        } else {
          if (st.nlink > 1) firstNameOfInode.set(inode, relPath);
          await entry(pack, { ...header, type: 'file', size: st.size }, await readFile(full));
        }
      } else if (st.isFIFO()) {
        await entry(pack, { ...header, type: 'fifo' });
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const major = (st.rdev >> 8) & 0xfff;
        const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
        await entry(pack, { ...header, type: st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor: major, devminor: minor });
      }
      // sockets have no tar form and no place in an image
    }
  };
  await walk('');
}

function entry(pack: Pack, header: TarHeaders, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null) => (err ? reject(err) : resolve());
    if (body) pack.entry(header, body, cb);
    else pack.entry(header, cb);
  });
}

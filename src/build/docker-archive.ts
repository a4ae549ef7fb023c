import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { UserError } from '../core/errors';
import { sha256Digest } from '../oci/digest';
import { OCI_CONFIG, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../oci/media-types';
import type { RepositoryStore } from '../oci/store';
import type { Descriptor, ImageManifest } from '../oci/types';
import { platformString } from './platforms';
import { createCappedReadStream, FileReadError, READ_CAPS, readFileCapped } from '../core/read-capped';

const OCI_LAYER_TAR_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const MAX_MANIFEST_JSON_BYTES = 4 * 1024 * 1024;

/** One image of a `docker save` tarball's manifest.json. */
interface ArchiveImageEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

interface ImageConfigShape {
  os?: string;
  architecture?: string;
  variant?: string;
  rootfs?: { type?: string; diff_ids?: string[] };
}

export interface ImportedArchive {
  descriptor: Descriptor;
  /** `linux/amd64` → manifest digest. */
  platforms: Record<string, string>;
}

/**
 * Push an image from a `docker save` tarball (classic layout `<id>/layer.tar` or the newer one with
 * `blobs/sha256/...`; both carry manifest.json) into `store` as an OCI image manifest: the config
 * blob unchanged (so the image ID stays the same), uncompressed layers gzipped, already compressed
 * layers as they are. `image` picks one of several images by its RepoTags entry.
 */
export async function importDockerArchive(
  file: string,
  store: RepositoryStore,
  opts: { image?: string; tag?: string } = {},
): Promise<ImportedArchive> {
  if (!fs.existsSync(file)) throw new UserError(`docker archive '${file}' does not exist; pass the file written by 'docker save -o FILE IMAGE'`);
  // A pipe or device (`/dev/stdin`, `/dev/zero`) could stream without end into the scratch directory.
  if (!fs.statSync(file).isFile()) throw new UserError(`docker archive '${file}' is not a regular file; write it with 'docker save -o FILE IMAGE' and pass FILE`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-archive-'));
  try {
    const files = await extractArchive(file, scratch);
    const manifestPath = files.get('manifest.json');
    if (!manifestPath) throw new UserError(`'${file}' has no manifest.json; it is not a 'docker save' archive`);
    const entry = pickImage(readArchiveManifest(manifestPath, file), opts.image, file);

    const configPath = files.get(normalise(entry.Config));
    if (!configPath) throw new UserError(`'${file}' lacks the config ${entry.Config} its manifest.json names; re-create it with docker save`);
    const configBytes = readFileCapped(configPath, READ_CAPS.document, { what: `the config ${entry.Config} in '${file}'`, hint: "re-create it with 'docker save'" });
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfigShape;
    const diffIds = config.rootfs?.diff_ids ?? [];
    if (diffIds.length !== entry.Layers.length) {
      throw new UserError(`'${file}': the config lists ${diffIds.length} layers but manifest.json ${entry.Layers.length}; re-create it with docker save`);
    }

    const layers: Descriptor[] = [];
    for (const [i, layerName] of entry.Layers.entries()) {
      const layerPath = files.get(normalise(layerName));
      if (!layerPath) throw new UserError(`'${file}' lacks the layer ${layerName} its manifest.json names; re-create it with docker save`);
      const { content, mediaType } = compressedLayer(readFileCapped(layerPath, READ_CAPS.layer, { what: `the layer ${layerName} in '${file}'`, hint: 'push it with docker push instead' }), diffIds[i], layerName, file);
      layers.push(await store.putBlob(content, mediaType).then((d) => ({ mediaType, digest: d.digest, size: d.size })));
    }
    const configDescriptor = await store.putBlob(configBytes, OCI_CONFIG);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDescriptor.digest, size: configDescriptor.size },
      layers,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const put = await store.putManifest(bytes, OCI_MANIFEST, opts.tag);
    const digest = sha256Digest(bytes);
    if (put.descriptor.digest !== digest) throw new Error(`${store.location} stored the manifest as ${put.descriptor.digest}, not ${digest}`);
    const platforms: Record<string, string> = {};
    if (config.os && config.architecture) platforms[platformString({ os: config.os, architecture: config.architecture, variant: config.variant })] = digest;
    return { descriptor: { mediaType: OCI_MANIFEST, digest, size: bytes.length }, platforms };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Regular files of the tarball, written under `scratch` by index (entry names never become paths). */
async function extractArchive(file: string, scratch: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  let n = 0;
  const consume = (async () => {
    try {
      await consumeEntries();
    } catch (err) {
      extract.destroy(err as Error);
      throw err;
    }
  })();
  async function consumeEntries(): Promise<void> {
    for await (const entry of extract) {
      const name = normalise(entry.header.name);
      if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
        const target = path.join(scratch, String(n++));
        await pipeline(entry, fs.createWriteStream(target));
        files.set(name, target);
      } else {
        if (entry.header.type === 'symlink' || entry.header.type === 'link') {
          // Classic `docker save` links repeated layers: `<id>/layer.tar -> ../<other>/layer.tar`.
          const linkTarget = entry.header.type === 'symlink' ? path.posix.join(path.posix.dirname(name), entry.header.linkname) : entry.header.linkname;
          links.set(name, normalise(linkTarget));
        }
        entry.resume();
      }
    }
  }
  const source = createCappedReadStream(file, READ_CAPS.archive, { what: 'the docker archive', hint: "push the image from the daemon or a registry instead of 'docker save'" });
  await Promise.all([pipeline(source, extract), consume]).catch((err: Error) => {
    if (err instanceof FileReadError) throw err;
    throw new UserError(`cannot read docker archive '${file}': ${err.message}; pass a tarball written by 'docker save'`);
  });
  for (const [name, target] of links) {
    const resolved = files.get(target);
    if (resolved) files.set(name, resolved);
  }
  return files;
}

function normalise(name: string): string {
  return path.posix.normalize(name).replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

function readArchiveManifest(manifestPath: string, file: string): ArchiveImageEntry[] {
  const raw = readFileCapped(manifestPath, MAX_MANIFEST_JSON_BYTES, { what: `manifest.json in '${file}'`, hint: "it is not a 'docker save' manifest" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new UserError(`'${file}': manifest.json is not JSON; re-create the archive with docker save`);
  }
  const entries: unknown[] = Array.isArray(parsed) ? parsed : [];
  const ok = entries.every(
    (e) => typeof e === 'object' && e !== null && typeof (e as ArchiveImageEntry).Config === 'string' && Array.isArray((e as ArchiveImageEntry).Layers),
  );
  if (!ok || entries.length === 0) throw new UserError(`'${file}': manifest.json does not list images as docker save writes them`);
  return entries as ArchiveImageEntry[];
}

function pickImage(entries: ArchiveImageEntry[], wanted: string | undefined, file: string): ArchiveImageEntry {
  const names = entries.flatMap((e) => e.RepoTags ?? []);
  if (wanted === undefined) {
    if (entries.length === 1) return entries[0];
    throw new UserError(`'${file}' holds ${entries.length} images (${names.join(', ') || 'untagged'}); pick one with docker-archive:${file}:IMAGE`);
  }
  const candidates = new Set([wanted, wanted.includes(':') && wanted.lastIndexOf(':') > wanted.lastIndexOf('/') ? wanted : `${wanted}:latest`]);
  const found = entries.find((e) => (e.RepoTags ?? []).some((t) => candidates.has(t)));
  if (!found) throw new UserError(`'${file}' has no image '${wanted}'; it holds ${names.join(', ') || 'untagged images only'}`);
  return found;
}

/** The layer as it goes to the registry: gzip when it was a plain tar (checked against its diff_id). */
function compressedLayer(content: Buffer, diffId: string, layerName: string, file: string): { content: Buffer; mediaType: string } {
  if (content.length >= 2 && content[0] === 0x1f && content[1] === 0x8b) return { content, mediaType: OCI_LAYER_TAR_GZIP };
  if (content.length >= 4 && content.readUInt32LE(0) === 0xfd2fb528) return { content, mediaType: OCI_LAYER_TAR_ZSTD };
  const actual = sha256Digest(content);
  if (actual !== diffId) {
    throw new UserError(`'${file}': layer ${layerName} has digest ${actual} but the config says ${diffId}; the archive is damaged`);
  }
  return { content: gzipSync(content), mediaType: OCI_LAYER_TAR_GZIP };
}

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { sha256Digest } from '../oci/digest';
import { ANNOTATION, OCI_CONFIG, OCI_INDEX, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../oci/media-types';
import type { Descriptor, ImageIndex, ImageManifest } from '../oci/types';
import { FIXTURE_ROOTFS } from './fixture-rootfs';

/** Every timestamp in the fixture image: fixed, so the image digest never changes. */
const FIXTURE_TIME = new Date('2024-01-01T00:00:00Z');

/**
 * Writes the fixture image (test/fixtures/image/rootfs, a Debian 12 look-alike with vulnerable
 * packages; or `files`) into the OCI image layout `dir` under `tag`, without any image builder. The
 * result is byte-for-byte reproducible. Other tags already in the layout are kept.
 */
export async function writeFixtureImageLayout(dir: string, tag = 'latest', files: Readonly<Record<string, string>> = FIXTURE_ROOTFS): Promise<{ digest: string }> {
  const tar = await buildLayerTar(files);
  const layer = gzipSync(tar, { level: 9 });
  layer[9] = 3; // gzip OS byte: "Unix" everywhere, so macOS and Linux produce the same bytes

  const config = Buffer.from(
    JSON.stringify({
      created: FIXTURE_TIME.toISOString(),
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], WorkingDir: '/app' },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
      history: [{ created: FIXTURE_TIME.toISOString(), created_by: 'COPY rootfs/ / # ship-image fixture image' }],
    }),
  );
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: OCI_LAYER_TAR_GZIP, digest: sha256Digest(layer), size: layer.length }],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256Digest(manifestBytes);

  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [layer, config, manifestBytes]) {
    await writeFile(join(dir, 'blobs', 'sha256', sha256Digest(blob).slice('sha256:'.length)), blob);
  }
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const entry: Descriptor = { mediaType: OCI_MANIFEST, digest, size: manifestBytes.length, annotations: { [ANNOTATION.refName]: tag } };
  const index = await readIndex(dir);
  index.manifests = [...index.manifests.filter((d) => d.annotations?.[ANNOTATION.refName] !== tag), entry];
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return { digest };
}

/** The fixture rootfs with its CRITICAL packages fixed or removed (lodash 4.17.21, minimist 1.2.8, no zlib): what a team ships after patching. */
export function patchedFixtureRootfs(): Record<string, string> {
  const files = { ...FIXTURE_ROOTFS };
  files['app/node_modules/lodash/package.json'] = files['app/node_modules/lodash/package.json']!.replace('4.17.11', '4.17.21');
  files['app/node_modules/minimist/package.json'] = files['app/node_modules/minimist/package.json']!.replace('1.2.5', '1.2.8');
  files['app/package.json'] = files['app/package.json']!.replace('4.17.11', '4.17.21').replace('1.2.5', '1.2.8');
  files['var/lib/dpkg/status'] = files['var/lib/dpkg/status']!
    .split('\n\n')
    .filter((stanza) => !stanza.startsWith('Package: zlib1g'))
    .join('\n\n')
    .replace(/\n*$/, '\n');
  return files;
}

async function readIndex(dir: string): Promise<ImageIndex> {
  try {
    return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
  }
}

/** A tar of `files` with their parent directories, sorted, owned by root, all at FIXTURE_TIME. */
export async function buildLayerTar(files: Readonly<Record<string, string>>): Promise<Buffer> {
  const dirs = new Set<string>();
  for (const path of Object.keys(files)) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries = [...[...dirs].map((d) => ({ name: d + '/', dir: true })), ...Object.keys(files).map((f) => ({ name: f, dir: false }))];
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const common = { mtime: FIXTURE_TIME, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  for (const e of entries) {
    if (e.dir) pack.entry({ ...common, name: e.name, type: 'directory', mode: 0o755 });
    else pack.entry({ ...common, name: e.name, type: 'file', mode: 0o644 }, files[e.name]);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

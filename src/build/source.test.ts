import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { UserError } from '../core/errors';
import { silentLogger } from '../core/log';
import { copyImage } from '../oci/copy';
import { OciLayoutStore } from '../oci/layout';
import { OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../oci/media-types';
import type { ImageManifest } from '../oci/types';
import { writeFixtureImageLayout } from '../fixture-db/fixture-image';
import { checkSource, parseDockerArchive, sameLocation, sourceKind, takeImageFrom, type SourceDeps } from './source';

const sha = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** A one-file layer tar, as docker save stores it (uncompressed). */
async function layerTar(name: string, content: string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name, mtime: new Date(0) }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * A tarball in the classic `docker save` layout: manifest.json, `<id>.json` config,
 * `<layer id>/layer.tar`, with the second image's layer a symlink to the first's.
 */
async function writeDockerSave(file: string): Promise<{ layer: Buffer; config: Buffer }> {
  const layer = await layerTar('hello.txt', 'hello\n');
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha(layer)] } }),
  );
  const configName = `${sha(config).slice(7)}.json`;
  const manifest = [
    { Config: configName, RepoTags: ['127.0.0.1:5000/t/a:1'], Layers: ['aaaa/layer.tar'] },
    { Config: configName, RepoTags: ['t/b:latest'], Layers: ['bbbb/layer.tar'] },
  ];
  const pack = tar.pack();
  pack.entry({ name: configName }, config);
  pack.entry({ name: 'aaaa/', type: 'directory' });
  pack.entry({ name: 'aaaa/layer.tar' }, layer);
  pack.entry({ name: 'bbbb/', type: 'directory' });
  pack.entry({ name: 'bbbb/layer.tar', type: 'symlink', linkname: '../aaaa/layer.tar' });
  pack.entry({ name: 'manifest.json' }, JSON.stringify(manifest));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  fs.writeFileSync(file, Buffer.concat(chunks));
  return { layer, config };
}

describe('source inputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'source-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('kinds', () => {
    expect(sourceKind('docker-archive:/x.tar')).toBe('docker-archive');
    expect(sourceKind('oci-layout:/x')).toBe('oci-layout');
    expect(sourceKind('ghcr.io/a/b:1')).toBe('registry');
  });

  test('docker-archive: the longest existing prefix is the file, the rest picks an image', () => {
    const file = path.join(dir, 'odd:name.tar');
    fs.writeFileSync(file, '');
    expect(parseDockerArchive(`docker-archive:${file}`)).toEqual({ file });
    expect(parseDockerArchive(`docker-archive:${file}:t/b:latest`)).toEqual({ file, image: 't/b:latest' });
    expect(() => parseDockerArchive(`docker-archive:${dir}/missing.tar`)).toThrow(UserError);
    expect(() => parseDockerArchive('docker-archive:')).toThrow(UserError);
  });

  test('sameLocation resolves layout paths', () => {
    expect(sameLocation(`oci-layout:${dir}/x/../l`, `oci-layout:${dir}/l`)).toBe(true);
    expect(sameLocation('127.0.0.1:5000/a', '127.0.0.1:5000/a')).toBe(true);
    expect(sameLocation('127.0.0.1:5000/a', '127.0.0.1:5000/b')).toBe(false);
  });
});

describe('takeImageFrom', () => {
  let dir: string;
  const deps = (): SourceDeps => ({
    openImage: (input) => {
      const m = /^oci-layout:(.*):([\w][\w.-]*)$/.exec(input);
      if (!m) throw new Error(`test opener only knows oci-layout:DIR:TAG, not ${input}`);
      return { store: new OciLayoutStore(path.resolve(m[1])), reference: m[2], display: input };
    },
    copyImage: (from, ref, to, tag) => copyImage(from, ref, to, tag),
    logger: silentLogger,
  });
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'take-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('docker-archive: pushes config unchanged and the layer gzipped, as an OCI manifest, tagged', async () => {
    const file = path.join(dir, 'save.tar');
    const { layer, config } = await writeDockerSave(file);
    const target = new OciLayoutStore(path.join(dir, 'target'));
    const built = await takeImageFrom(`docker-archive:${file}:127.0.0.1:5000/t/a:1`, target, ['abc123', 'latest'], deps());

    expect(built.mediaType).toBe(OCI_MANIFEST);
    expect(built.builtBy).toBe('from');
    expect(built.platforms).toEqual({ 'linux/amd64': built.digest });
    expect((await target.resolve('abc123')).digest).toBe(built.digest);
    expect((await target.resolve('latest')).digest).toBe(built.digest);
    const fetched = await target.getManifest(built.digest);
    const manifest = fetched.manifest as ImageManifest;
    expect(manifest.config.digest).toBe(sha(config));
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe(OCI_LAYER_TAR_GZIP);
    const pushedLayer = await target.getBlob(manifest.layers[0]);
    expect(gunzipSync(pushedLayer).equals(layer)).toBe(true);
  });

  test('docker-archive: a symlinked layer of another image is followed; several images need a choice', async () => {
    const file = path.join(dir, 'save2.tar');
    await writeDockerSave(file);
    const target = new OciLayoutStore(path.join(dir, 'target2'));
    const built = await takeImageFrom(`docker-archive:${file}:t/b`, target, ['x1'], deps());
    expect(Object.keys(built.platforms)).toEqual(['linux/amd64']);
    await expect(takeImageFrom(`docker-archive:${file}`, target, ['x2'], deps())).rejects.toThrow(/holds 2 images/);
    await expect(takeImageFrom(`docker-archive:${file}:nope`, target, ['x2'], deps())).rejects.toThrow(/has no image 'nope'/);
  });

  test('docker-archive: a damaged archive is a UserError', async () => {
    const file = path.join(dir, 'junk.tar');
    fs.writeFileSync(file, 'not a tarball at all'.repeat(100));
    await expect(takeImageFrom(`docker-archive:${file}`, new OciLayoutStore(path.join(dir, 't3')), ['a'], deps())).rejects.toThrow(UserError);
  });

  test('docker-archive: a damaged second layer is found before the first is pushed', async () => {
    const good = await layerTar('a.txt', 'a\n');
    const config = JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [sha(good), 'sha256:' + '0'.repeat(64)] } });
    const pack = tar.pack();
    pack.entry({ name: 'c.json' }, config);
    pack.entry({ name: 'a.tar' }, good);
    pack.entry({ name: 'b.tar' }, good);
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', Layers: ['a.tar', 'b.tar'] }]));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
    const file = path.join(dir, 'second-bad.tar');
    fs.writeFileSync(file, Buffer.concat(chunks));
    const targetDir = path.join(dir, 't4');
    await expect(takeImageFrom(`docker-archive:${file}`, new OciLayoutStore(targetDir), ['a'], deps())).rejects.toThrow(/layer b\.tar has digest .* the archive is damaged/);
    expect(fs.existsSync(targetDir)).toBe(false);
  });

  test('checkSource: a directory or FIFO as docker-archive, an incomplete layout, a bad reference', async () => {
    await expect(checkSource(`docker-archive:${dir}`)).rejects.toThrow(/is a directory/);
    const layout = path.join(dir, 'incomplete');
    const { digest } = await writeFixtureImageLayout(layout);
    const manifest = JSON.parse(fs.readFileSync(path.join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as ImageManifest;
    fs.rmSync(path.join(layout, 'blobs', 'sha256', manifest.layers[0].digest.slice(7)));
    await expect(checkSource(`oci-layout:${layout}:latest`)).rejects.toThrow(/lacks sha256:.* the layout is incomplete/);
    await expect(checkSource(`oci-layout:${layout}:v9`)).rejects.toThrow(/tag v9 not found/);
    await expect(checkSource(`oci-layout:${path.join(dir, 'absent')}`)).rejects.toThrow(/does not exist/);
    await expect(checkSource('127.0.0.1:0/a/b')).rejects.toThrow(/port '0' is out of range/);
  });

  test('oci-layout elsewhere is copied (digest kept); already in the target it is only resolved and tagged', async () => {
    const file = path.join(dir, 'save3.tar');
    await writeDockerSave(file);
    const sourceDir = path.join(dir, 'source-layout');
    const source = new OciLayoutStore(sourceDir);
    const original = await takeImageFrom(`docker-archive:${file}:t/b`, source, ['v1'], deps());

    const target = new OciLayoutStore(path.join(dir, 'copy-target'));
    const copied = await takeImageFrom(`oci-layout:${sourceDir}:v1`, target, ['sha1'], deps());
    expect(copied.digest).toBe(original.digest);
    expect((await target.resolve('sha1')).digest).toBe(original.digest);
    await expect(target.resolve('v1')).rejects.toThrow();

    const inPlace = await takeImageFrom(`oci-layout:${sourceDir}:v1`, source, ['sha2'], {
      ...deps(),
      copyImage: () => Promise.reject(new Error('must not copy')),
    });
    expect(inPlace.digest).toBe(original.digest);
    expect((await source.resolve('sha2')).digest).toBe(original.digest);
  });
});

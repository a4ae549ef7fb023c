/**
 * Hostile and broken local files for the preflight and bad-input tests: OCI layouts damaged in
 * each way the image-spec can be broken, docker archives, signing keys, FIFOs and devices. Every
 * maker writes under `dir` and returns the path; nothing here talks to a network.
 */
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { ANNOTATION, OCI_MANIFEST } from '../../src/oci/media-types';
import type { ImageIndex, ImageManifest } from '../../src/oci/types';
import { encryptCosignKey } from '../../src/sign';

export const LOW_SCRYPT = { N: 1024, r: 8, p: 1 };

export function write(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export function fifo(dir: string, name: string): string {
  const file = path.join(dir, name);
  execFileSync('mkfifo', [file]);
  return file;
}

/** A copy of the layout `source` that `damage` then breaks. */
export function damagedLayout(source: string, dir: string, name: string, damage: (layout: string, index: ImageIndex, manifest: ImageManifest) => void): string {
  const layout = path.join(dir, name);
  fs.cpSync(source, layout, { recursive: true });
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as ImageIndex;
  const first = index.manifests[0]!;
  const manifest = JSON.parse(fs.readFileSync(blobFile(layout, first.digest), 'utf8')) as ImageManifest;
  damage(layout, index, manifest);
  return layout;
}

export function blobFile(layout: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return path.join(layout, 'blobs', alg!, hex!);
}

export function writeIndex(layout: string, index: unknown): void {
  fs.writeFileSync(path.join(layout, 'index.json'), typeof index === 'string' ? index : JSON.stringify(index));
}

/** An index whose first entry carries `digest` under the tag `latest`. */
export function indexNaming(digest: unknown, size = 100): ImageIndex {
  return { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: OCI_MANIFEST, digest, size, annotations: { [ANNOTATION.refName]: 'latest' } } as never] };
}

/** Every way to break a copy of the layout `source`: name → `oci-layout:` input. */
export function brokenLayouts(source: string, dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const L = (name: string, damage: Parameters<typeof damagedLayout>[3], suffix = ':latest') => (out[name] = `oci-layout:${damagedLayout(source, dir, name, damage)}${suffix}`);
  out['missing dir'] = `oci-layout:${path.join(dir, 'no-such-layout')}:latest`;
  out['file instead of dir'] = `oci-layout:${write(dir, 'layout-is-a-file', 'x')}:latest`;
  out['path too long'] = `oci-layout:${path.join(dir, 'x'.repeat(300))}:latest`;
  out['dir under a file'] = `oci-layout:${path.join(write(dir, 'plain-file', 'x'), 'sub')}:latest`;
  L('no oci-layout file', (l) => fs.rmSync(path.join(l, 'oci-layout')));
  L('oci-layout is a dir', (l) => {
    fs.rmSync(path.join(l, 'oci-layout'));
    fs.mkdirSync(path.join(l, 'oci-layout'));
  });
  L('oci-layout version 2', (l) => fs.writeFileSync(path.join(l, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}'));
  L('oci-layout not json', (l) => fs.writeFileSync(path.join(l, 'oci-layout'), '{{{'));
  L('index not json', (l) => writeIndex(l, '{"manifests": ['));
  L('index empty file', (l) => writeIndex(l, ''));
  L('index is null', (l) => writeIndex(l, 'null'));
  L('index manifests not a list', (l) => writeIndex(l, { schemaVersion: 2, manifests: {} }));
  L('index is a dir', (l) => {
    fs.rmSync(path.join(l, 'index.json'));
    fs.mkdirSync(path.join(l, 'index.json'));
  });
  L('index entry null', (l) => writeIndex(l, { schemaVersion: 2, manifests: [null] }));
  L('digest with ../', (l) => writeIndex(l, indexNaming('sha256:../../../../etc/passwd')));
  L('digest with slash', (l) => writeIndex(l, indexNaming(`sha256:${'a'.repeat(32)}/${'b'.repeat(31)}`)));
  L('digest md5', (l) => writeIndex(l, indexNaming('md5:d41d8cd98f00b204e9800998ecf8427e')));
  L('digest a number', (l) => writeIndex(l, indexNaming(42)));
  L('tag names missing manifest blob', (l) => writeIndex(l, indexNaming(`sha256:${'0'.repeat(64)}`)));
  L('manifest blob deleted', (l, index) => fs.rmSync(blobFile(l, index.manifests[0]!.digest)));
  L('manifest blob is a dir', (l, index) => {
    fs.rmSync(blobFile(l, index.manifests[0]!.digest));
    fs.mkdirSync(blobFile(l, index.manifests[0]!.digest));
  });
  L('manifest blob corrupt', (l, index) => fs.appendFileSync(blobFile(l, index.manifests[0]!.digest), ' '));
  L('layer blob missing', (l, _i, m) => fs.rmSync(blobFile(l, m.layers[0]!.digest)));
  L('config blob missing', (l, _i, m) => fs.rmSync(blobFile(l, m.config.digest)));
  L('layer blob truncated', (l, _i, m) => fs.truncateSync(blobFile(l, m.layers[0]!.digest), 10));
  L('layer blob is a dir', (l, _i, m) => {
    fs.rmSync(blobFile(l, m.layers[0]!.digest));
    fs.mkdirSync(blobFile(l, m.layers[0]!.digest));
  });
  L('blobs is a file', (l) => {
    fs.rmSync(path.join(l, 'blobs'), { recursive: true });
    fs.writeFileSync(path.join(l, 'blobs'), 'x');
  });
  L('tag absent', () => undefined, ':no-such-tag');
  L('digest absent', () => undefined, `@sha256:${'1'.repeat(64)}`);
  return out;
}

async function tarOf(entries: Array<{ name: string; content?: string | Buffer; type?: 'symlink' | 'directory'; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if (e.content === undefined) pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
    else pack.entry({ name: e.name }, e.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Broken `docker save` archives: name → `docker-archive:` input. */
export async function brokenArchives(dir: string): Promise<Record<string, string>> {
  const layer = await tarOf([{ name: 'hello.txt', content: 'hello\n' }]);
  const out: Record<string, string> = {};
  const A = async (name: string, entries: Parameters<typeof tarOf>[0]) => (out[name] = `docker-archive:${write(dir, `${name.replace(/\W+/g, '-')}.tar`, await tarOf(entries))}`);
  const config = (diffIds: unknown) => JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: diffIds } });
  out['missing'] = `docker-archive:${path.join(dir, 'no-such.tar')}`;
  out['directory'] = `docker-archive:${fs.mkdtempSync(path.join(dir, 'archive-dir-'))}`;
  out['fifo'] = `docker-archive:${fifo(dir, 'archive.fifo')}`;
  out['/dev/zero'] = 'docker-archive:/dev/zero';
  out['empty file'] = `docker-archive:${write(dir, 'empty.tar', '')}`;
  out['not a tar'] = `docker-archive:${write(dir, 'garbage.tar', 'this is not a tarball at all '.repeat(40))}`;
  await A('no manifest.json', [{ name: 'x.json', content: '{}' }]);
  await A('manifest.json not json', [{ name: 'manifest.json', content: '[{' }]);
  await A('manifest.json an object', [{ name: 'manifest.json', content: '{"Config":"c.json"}' }]);
  await A('manifest.json empty list', [{ name: 'manifest.json', content: '[]' }]);
  await A('layers not strings', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":[1]}]' }]);
  await A('repotags a string', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":[],"RepoTags":"x"}]' }, { name: 'c.json', content: config([]) }]);
  await A('config missing', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":[]}]' }]);
  await A('config not json', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":[]}]' }, { name: 'c.json', content: '{{' }]);
  await A('layer count mismatch', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":["l.tar"]}]' }, { name: 'c.json', content: config([]) }, { name: 'l.tar', content: layer }]);
  await A('layer missing', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":["l.tar"]}]' }, { name: 'c.json', content: config(['sha256:' + '0'.repeat(64)]) }]);
  await A('layer diff_id wrong', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":["l.tar"]}]' }, { name: 'c.json', content: config(['sha256:' + '0'.repeat(64)]) }, { name: 'l.tar', content: layer }]);
  await A('second layer damaged', [
    { name: 'manifest.json', content: '[{"Config":"c.json","Layers":["a.tar","b.tar"]}]' },
    { name: 'c.json', content: config([`sha256:${createHash('sha256').update(layer).digest('hex')}`, 'sha256:' + '0'.repeat(64)]) },
    { name: 'a.tar', content: layer },
    { name: 'b.tar', content: layer },
  ]);
  await A('symlink escaping', [{ name: 'manifest.json', type: 'symlink', linkname: '../../../../etc/passwd' }]);
  await A('image not in archive', [{ name: 'manifest.json', content: '[{"Config":"c.json","Layers":[],"RepoTags":["a:1"]}]' }, { name: 'c.json', content: config([]) }]);
  out['image not in archive'] += ':other:2';
  await A('two images, none picked', [
    { name: 'manifest.json', content: '[{"Config":"c.json","Layers":[],"RepoTags":["a:1"]},{"Config":"c.json","Layers":[],"RepoTags":["b:1"]}]' },
    { name: 'c.json', content: config([]) },
  ]);
  return out;
}

/** Signing-key files that must be refused: name → path. Wrong-password keys are encrypted with `password`'s opposite. */
export function badKeys(dir: string): Record<string, string> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
  const envelope = (kdf: unknown, cipher: unknown = { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') }) =>
    pem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify({ kdf, cipher, ciphertext: Buffer.alloc(48).toString('base64') })));
  const k = (name: string, content: string | Buffer) => write(dir, `keys/${name.replace(/\W+/g, '-')}.key`, content);
  return {
    'empty file': k('empty', ''),
    'garbage text': k('garbage', 'not a key at all\n'),
    'binary junk': k('junk', Buffer.from([0, 1, 2, 255, 254, 0, 10, 13])),
    'PEM with bad base64': k('bad-b64', '-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n'),
    'PEM of a certificate': k('cert', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'),
    'public key where private expected': k('pub', pair.publicKey.export({ format: 'pem', type: 'spki' }).toString()),
    'RSA key': k('rsa', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
    'P-384 key': k('p384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
    'ed25519 key': k('ed', generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
    'cosign key, wrong password': k('wrong-pw', encryptCosignKey(der, 'not-the-password', { params: LOW_SCRYPT })),
    'PKCS#8 encrypted, wrong password': k('p8-wrong', pair.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'not-the-password' }).toString()),
    'scrypt N = 2^40': k('huge-n', envelope({ name: 'scrypt', params: { N: 2 ** 40, r: 8, p: 1 }, salt: 'AAAA' })),
    'scrypt r = 10^6': k('huge-r', envelope({ name: 'scrypt', params: { N: 1024, r: 1e6, p: 1 }, salt: 'AAAA' })),
    'scrypt p = 10^6': k('huge-p', envelope({ name: 'scrypt', params: { N: 1024, r: 8, p: 1e6 }, salt: 'AAAA' })),
    'scrypt N not a power of 2': k('odd-n', envelope({ name: 'scrypt', params: { N: 1000, r: 8, p: 1 }, salt: 'AAAA' })),
    'scrypt N a string': k('str-n', envelope({ name: 'scrypt', params: { N: '1024', r: 8, p: 1 }, salt: 'AAAA' })),
    'kdf pbkdf2': k('pbkdf2', envelope({ name: 'pbkdf2', params: { N: 1024, r: 8, p: 1 }, salt: 'AAAA' })),
    'cipher aes': k('aes', envelope({ name: 'scrypt', params: { N: 1024, r: 8, p: 1 }, salt: 'AAAA' }, { name: 'aes-gcm', nonce: 'AAAA' })),
    'nonce too short': k('nonce', envelope({ name: 'scrypt', params: { N: 1024, r: 8, p: 1 }, salt: 'AAAA' }, { name: 'nacl/secretbox', nonce: 'AAAA' })),
    'envelope not json': k('env-junk', pem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from('{{{'))),
  };
}

export function pem(type: string, der: Buffer): string {
  return [`-----BEGIN ${type}-----`, ...(der.toString('base64').match(/.{1,64}/g) ?? []), `-----END ${type}-----`, ''].join('\n');
}

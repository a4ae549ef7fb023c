import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { sha256Digest } from './digest';
import { DamagedLayoutError, OciLayoutStore } from './layout';
import { checkLayoutImage, openImage, parseLayoutInput } from './open';

const digest = sha256Digest('x');

test.each([
  ['oci-layout:/tmp/img', '/tmp/img', 'latest'],
  ['oci-layout:/tmp/img:v1.2', '/tmp/img', 'v1.2'],
  [`oci-layout:/tmp/img@${digest}`, '/tmp/img', digest],
  ['oci-layout:rel/dir:latest', 'rel/dir', 'latest'],
  // The last ':' starts a tag only when a valid tag follows; give one explicitly for dirs with ':'.
  ['oci-layout:/tmp/a:b:latest', '/tmp/a:b', 'latest'],
  ['oci-layout:/tmp/a:b/c', '/tmp/a:b/c', 'latest'],
  ['oci-layout:C:/x', 'C:/x', 'latest'],
])('%s → dir %s, reference %s', (input, dir, reference) => {
  expect(parseLayoutInput(input)).toEqual({ dir, reference });
});

test('bad layout inputs are user errors', () => {
  expect(() => parseLayoutInput('oci-layout:')).toThrow(UserError);
  expect(() => parseLayoutInput('oci-layout::v1')).toThrow(/no directory/);
  expect(() => parseLayoutInput('oci-layout:/x@sha256:abc')).toThrow(/invalid digest/);
});

test('opens a layout or a registry repository', () => {
  const layout = openImage('oci-layout:some/dir:v1');
  expect(layout.store).toBeInstanceOf(OciLayoutStore);
  expect((layout.store as OciLayoutStore).dir).toBe(path.resolve('some/dir'));
  expect(layout.reference).toBe('v1');
  expect(layout.display).toBe('oci-layout:some/dir:v1');

  const remote = openImage('127.0.0.1:5000/acme/api');
  expect(remote.store.location).toBe('127.0.0.1:5000/acme/api');
  expect(remote.reference).toBe('latest');
  expect(remote.display).toBe('127.0.0.1:5000/acme/api:latest');
  remote.close();
  const pinned = openImage(`127.0.0.1:5000/acme/api:v1@${digest}`);
  expect(pinned.reference).toBe(digest);
  pinned.close();
  expect(() => openImage('UPPER/case')).toThrow(UserError);
});

describe('a damaged layout is one UserError naming what is wrong, no errno text', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const layout = (name: string, index: unknown, layoutFile: string | null = '{"imageLayoutVersion":"1.0.0"}') => {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    if (layoutFile !== null) fs.writeFileSync(path.join(d, 'oci-layout'), layoutFile);
    fs.writeFileSync(path.join(d, 'index.json'), typeof index === 'string' ? index : JSON.stringify(index));
    return d;
  };
  const tagged = (d: unknown) => ({ schemaVersion: 2, manifests: [{ mediaType: 'x', digest: d, size: 1, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }] });

  test.each([
    ['broken index.json', () => layout('a', '{"manifests": ['), /index\.json is not valid JSON/],
    ['a digest with path characters', () => layout('b', tagged('sha256:../../../etc/passwd')), /lists the digest "sha256:\.\.\/\.\.\/\.\.\/etc\/passwd", which is not sha256/],
    ['index.json but no oci-layout file', () => layout('c', tagged(digest), null), /no oci-layout file/],
    ['an unsupported layout version', () => layout('d', tagged(digest), '{"imageLayoutVersion":"9"}'), /unsupported oci-layout file/],
  ])('%s', async (_name, make, message) => {
    const store = new OciLayoutStore(make());
    await expect(store.resolve('latest')).rejects.toThrow(DamagedLayoutError);
    await expect(store.resolve('latest')).rejects.toThrow(message);
  });

  test('a file where the layout directory belongs, and a directory where index.json belongs', async () => {
    const file = path.join(dir, 'plain');
    fs.writeFileSync(file, 'x');
    const err = await new OciLayoutStore(path.join(file, 'sub')).resolve('latest').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/a file is in the way where a directory belongs/);
    expect((err as Error).message).not.toMatch(/ENOTDIR/);
    const d = path.join(dir, 'dir-index');
    fs.mkdirSync(path.join(d, 'index.json'), { recursive: true });
    fs.writeFileSync(path.join(d, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await expect(new OciLayoutStore(d).listTags()).rejects.toThrow(/index\.json: a directory is where a file belongs/);
    await expect(checkLayoutImage(`oci-layout:${file}`)).rejects.toThrow(/is not a directory/);
  });

  test('a tag naming a missing manifest blob is not found at resolve time', async () => {
    const d = layout('e', tagged(digest));
    await expect(new OciLayoutStore(d).resolve('latest')).rejects.toThrow(/blob sha256:.* not found/);
  });
});

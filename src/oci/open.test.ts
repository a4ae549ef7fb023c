import * as path from 'node:path';
import { UserError } from '../core/errors';
import { sha256Digest } from './digest';
import { OciLayoutStore } from './layout';
import { openImage, parseLayoutInput } from './open';

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

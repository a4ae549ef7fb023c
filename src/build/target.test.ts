import * as path from 'node:path';
import { UserError } from '../core/errors';
import { buildTargetFor } from './target';

describe('buildTargetFor', () => {
  test('a registry repository; TLS unless loopback or listed', () => {
    expect(buildTargetFor('ghcr.io/acme/api')).toEqual({ kind: 'registry', registry: 'ghcr.io', repository: 'acme/api', insecure: false });
    expect(buildTargetFor('127.0.0.1:5000/acme/api')).toMatchObject({ registry: '127.0.0.1:5000', insecure: true });
    expect(buildTargetFor('reg.lan:5000/a', { insecureRegistries: ['reg.lan:5000'] })).toMatchObject({ insecure: true });
    expect(buildTargetFor('nginx')).toMatchObject({ registry: 'docker.io', repository: 'library/nginx' });
  });

  test('credentials are carried', () => {
    const credentials = { username: 'u', password: 'p' };
    expect(buildTargetFor('ghcr.io/a/b', { credentials })).toMatchObject({ credentials });
  });

  test('an OCI layout directory, resolved', () => {
    expect(buildTargetFor('oci-layout:out/img')).toEqual({ kind: 'oci-layout', dir: path.resolve('out/img') });
    expect(() => buildTargetFor('oci-layout:')).toThrow(UserError);
  });

  test('a tag or digest is refused', () => {
    expect(() => buildTargetFor('ghcr.io/acme/api:latest')).toThrow(/carries a tag or digest/);
    expect(() => buildTargetFor('ghcr.io/acme/api@sha256:' + 'a'.repeat(64))).toThrow(UserError);
  });
});

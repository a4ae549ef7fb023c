import { runningDigest } from './image-id';

const HEX = 'a'.repeat(64);

describe('runningDigest', () => {
  test('containerd and CRI-O: registry/repo@sha256', () => {
    expect(runningDigest(`registry.example:5000/shop/api@sha256:${HEX}`)).toEqual({ digest: `sha256:${HEX}`, repository: 'registry.example:5000/shop/api' });
  });
  test('cri-dockerd: docker-pullable:// and a Docker Hub short name', () => {
    expect(runningDigest(`docker-pullable://nginx@sha256:${HEX}`)).toEqual({ digest: `sha256:${HEX}`, repository: 'docker.io/library/nginx' });
  });
  test('a repository reference that also carries a tag keeps only the repository', () => {
    expect(runningDigest(`ghcr.io/acme/app:v1@sha256:${HEX}`)).toEqual({ digest: `sha256:${HEX}`, repository: 'ghcr.io/acme/app' });
  });
  test('no digest: skipped with the reason', () => {
    expect(runningDigest('')).toEqual({ skip: expect.stringContaining('not started') });
    expect(runningDigest(undefined)).toEqual({ skip: expect.stringContaining('not started') });
    expect(runningDigest(`sha256:${HEX}`)).toEqual({ skip: expect.stringContaining('local image ID') });
    expect(runningDigest(`docker://sha256:${HEX}`)).toEqual({ skip: expect.stringContaining('local image ID') });
    expect(runningDigest('nginx:1.27')).toEqual({ skip: expect.stringContaining('no @sha256') });
    expect(runningDigest('nginx@sha256:short')).toEqual({ skip: expect.stringContaining('no sha256 digest') });
    expect(runningDigest(`UPPER/Case@sha256:${HEX}`)).toEqual({ skip: expect.stringContaining('does not name a repository') });
  });
});

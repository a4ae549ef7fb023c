import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CommandRunner, CommandSpec } from './exec';
import { buildxAvailable, buildxBuild, buildxBuildArgs, parseBuildxMetadata, type BuildxBuildOptions } from './buildx';

const INDEX_DIGEST = 'sha256:' + 'a'.repeat(64);
const CONFIG_DIGEST = 'sha256:' + 'c'.repeat(64);

// The shape `docker buildx build --metadata-file` writes after a multi-platform push by digest.
const MULTI_PLATFORM_METADATA = {
  'buildx.build.ref': 'builder-1/builder-10/x7l3rhnb7q0v0zq2c5p1n3c1v',
  'containerimage.config.digest': CONFIG_DIGEST,
  'containerimage.descriptor': {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: INDEX_DIGEST,
    size: 855,
  },
  'containerimage.digest': INDEX_DIGEST,
  'image.name': 'ghcr.io/acme/api',
};

function options(overrides: Partial<BuildxBuildOptions> = {}): BuildxBuildOptions {
  return {
    context: '/src',
    dockerfile: '/src/Dockerfile',
    platforms: ['linux/amd64', 'linux/arm64'],
    buildArgs: { VERSION: '1.2.3' },
    labels: { 'org.opencontainers.image.revision': 'abc' },
    repository: 'ghcr.io/acme/api',
    tags: [],
    insecure: false,
    metadataFile: '/tmp/meta.json',
    ...overrides,
  };
}

describe('buildxBuildArgs', () => {
  test('push by digest: the exact command line', () => {
    expect(buildxBuildArgs(options())).toEqual([
      'buildx', 'build',
      '--platform', 'linux/amd64,linux/arm64',
      '--file', '/src/Dockerfile',
      '--build-arg', 'VERSION=1.2.3',
      '--label', 'org.opencontainers.image.revision=abc',
      '--provenance=false', '--sbom=false',
      '--output', 'type=image,name=ghcr.io/acme/api,push-by-digest=true,name-canonical=true,push=true',
      '--metadata-file', '/tmp/meta.json',
      '/src',
    ]);
  });

  test('push by tag: a --tag per tag and the names from the tags', () => {
    const args = buildxBuildArgs(options({ tags: ['0123abc', 'latest'], platforms: [] }));
    expect(args).not.toContain('--platform');
    expect(args).toEqual(expect.arrayContaining(['--tag', 'ghcr.io/acme/api:0123abc', '--tag', 'ghcr.io/acme/api:latest']));
    expect(args[args.indexOf('--output') + 1]).toBe('type=image,push=true');
  });

  test('an insecure (loopback) registry gets registry.insecure=true', () => {
    const args = buildxBuildArgs(options({ repository: '127.0.0.1:5000/acme/api', insecure: true }));
    expect(args[args.indexOf('--output') + 1]).toBe(
      'type=image,name=127.0.0.1:5000/acme/api,push-by-digest=true,name-canonical=true,push=true,registry.insecure=true',
    );
  });
});

describe('parseBuildxMetadata', () => {
  test('reads the index digest and descriptor of a multi-platform push', () => {
    expect(parseBuildxMetadata(JSON.stringify(MULTI_PLATFORM_METADATA))).toEqual({
      digest: INDEX_DIGEST,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      size: 855,
    });
  });

  test('works without a descriptor (older buildx)', () => {
    expect(parseBuildxMetadata(JSON.stringify({ 'containerimage.digest': INDEX_DIGEST }))).toEqual({ digest: INDEX_DIGEST });
  });

  test('refuses a missing or inconsistent digest', () => {
    expect(() => parseBuildxMetadata('{}')).toThrow(/no containerimage.digest/);
    expect(() => parseBuildxMetadata('not json')).toThrow(/not JSON/);
    const inconsistent = { ...MULTI_PLATFORM_METADATA, 'containerimage.descriptor': { digest: CONFIG_DIGEST } };
    expect(() => parseBuildxMetadata(JSON.stringify(inconsistent))).toThrow(/inconsistent/);
  });
});

describe('buildxBuild', () => {
  test('runs docker buildx build and returns the digest from the metadata file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildx-test-'));
    try {
      const metadataFile = path.join(dir, 'meta.json');
      const calls: CommandSpec[] = [];
      const runner: CommandRunner = async (spec) => {
        calls.push(spec);
        fs.writeFileSync(metadataFile, JSON.stringify(MULTI_PLATFORM_METADATA));
        return { exitCode: 0, stdout: '', stderr: '' };
      };
      const result = await buildxBuild(options({ metadataFile }), { runner, env: { DOCKER_CONFIG: '/x' } });
      expect(result.digest).toBe(INDEX_DIGEST);
      expect(calls).toHaveLength(1);
      expect(calls[0].command).toBe('docker');
      expect(calls[0].env).toEqual({ DOCKER_CONFIG: '/x' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failed build throws with the command line', async () => {
    const runner: CommandRunner = async () => ({ exitCode: 1, stdout: '', stderr: 'ERROR: failed to solve' });
    await expect(buildxBuild(options(), { runner })).rejects.toThrow(/docker buildx build .* failed with exit code 1: ERROR: failed to solve/);
  });

  test('buildxAvailable follows `docker buildx version`', async () => {
    expect(await buildxAvailable({ runner: async () => ({ exitCode: 0, stdout: 'github.com/docker/buildx v0.19.3', stderr: '' }) })).toBe(true);
    expect(await buildxAvailable({ runner: async () => ({ exitCode: 1, stdout: '', stderr: 'unknown command' }) })).toBe(false);
    expect(await buildxAvailable({ runner: async () => Promise.reject(new Error('no docker')) })).toBe(false);
  });
});

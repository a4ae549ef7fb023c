import * as fs from 'node:fs';
import { UserError } from '../core/errors';
import type { CommandRunner, CommandSpec } from './exec';
import { buildahBudArgs, buildahBuildAndPush, buildahPushArgs, buildahRmiArgs } from './buildah';

const STORAGE = { root: '/tmp/r', runroot: '/tmp/rr' };
const DIGEST = 'sha256:' + 'b'.repeat(64);
const BUD = { context: '/src', dockerfile: '/src/Dockerfile', platforms: [], buildArgs: { A: '1' }, labels: { l: 'v' }, localName: 'localhost/ship-image-build:x' };

describe('buildah command lines', () => {
  test('bud', () => {
    expect(buildahBudArgs(BUD, STORAGE)).toEqual([
      '--root', '/tmp/r', '--runroot', '/tmp/rr', '--storage-driver', 'vfs',
      'bud', '--isolation', 'chroot', '--layers=false', '-f', '/src/Dockerfile',
      '--build-arg', 'A=1', '--label', 'l=v', '-t', 'localhost/ship-image-build:x', '/src',
    ]);
    expect(buildahBudArgs(BUD)).toEqual(expect.arrayContaining(['--storage-driver', 'vfs', 'bud']));
    expect(buildahBudArgs(BUD)).not.toContain('--root');
  });

  test('bud refuses several platforms', () => {
    expect(() => buildahBudArgs({ ...BUD, platforms: ['linux/amd64', 'linux/arm64'] })).toThrow(UserError);
    expect(buildahBudArgs({ ...BUD, platforms: ['linux/arm64'] })).toEqual(expect.arrayContaining(['--platform', 'linux/arm64']));
  });

  test('push to a loopback registry with an auth file', () => {
    expect(
      buildahPushArgs('localhost/x:1', { kind: 'registry', reference: '127.0.0.1:5000/acme/api:abc', insecure: true, authFile: '/tmp/a.json' }, '/tmp/d', STORAGE),
    ).toEqual([
      '--root', '/tmp/r', '--runroot', '/tmp/rr', '--storage-driver', 'vfs',
      'push', '--tls-verify=false', '--authfile', '/tmp/a.json', '--digestfile', '/tmp/d', 'localhost/x:1', 'docker://127.0.0.1:5000/acme/api:abc',
    ]);
  });

  test('push to a TLS registry verifies TLS; push to an OCI layout', () => {
    const remote = buildahPushArgs('localhost/x:1', { kind: 'registry', reference: 'ghcr.io/acme/api:abc', insecure: false }, '/tmp/d');
    expect(remote).not.toContain('--tls-verify=false');
    expect(buildahPushArgs('localhost/x:1', { kind: 'oci-layout', dir: '/out/layout', tag: 'abc' }, '/tmp/d')).toEqual([
      '--storage-driver', 'vfs', 'push', '--digestfile', '/tmp/d', 'localhost/x:1', 'oci:/out/layout:abc',
    ]);
  });

  test('rmi', () => {
    expect(buildahRmiArgs('localhost/x:1', STORAGE)).toEqual(['--root', '/tmp/r', '--runroot', '/tmp/rr', '--storage-driver', 'vfs', 'rmi', 'localhost/x:1']);
  });
});

describe('buildahBuildAndPush', () => {
  const fakeRunner = (digests: string[], calls: CommandSpec[]): CommandRunner => async (spec) => {
    calls.push(spec);
    const i = spec.args.indexOf('--digestfile');
    if (i >= 0) fs.writeFileSync(spec.args[i + 1], digests.shift() ?? '');
    return { exitCode: 0, stdout: '', stderr: '' };
  };

  test('bud, push to each destination, rmi; returns the digest from the digest file', async () => {
    const calls: CommandSpec[] = [];
    const result = await buildahBuildAndPush(
      BUD,
      [
        { kind: 'registry', reference: '127.0.0.1:5000/a:1', insecure: true },
        { kind: 'oci-layout', dir: '/tmp/l', tag: '1' },
      ],
      { runner: fakeRunner([DIGEST, DIGEST], calls), storage: STORAGE },
    );
    expect(result.digest).toBe(DIGEST);
    expect(calls.map((c) => c.args[6])).toEqual(['bud', 'push', 'push', 'rmi']);
  });

  test('two different digests for one build is an error (and the local image is still removed)', async () => {
    const calls: CommandSpec[] = [];
    const other = 'sha256:' + 'c'.repeat(64);
    await expect(
      buildahBuildAndPush(BUD, [{ kind: 'oci-layout', dir: '/a', tag: '1' }, { kind: 'oci-layout', dir: '/b', tag: '1' }], {
        runner: fakeRunner([DIGEST, other], calls),
      }),
    ).rejects.toThrow(/two digests/);
    expect(calls[calls.length - 1].args).toContain('rmi');
  });
});

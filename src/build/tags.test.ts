import { UserError } from '../core/errors';
import type { CommandRunner } from '../tools/exec';
import { allowsPlainHttp, isLoopbackRegistry, planTags, resolveCommitSha } from './tags';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('resolveCommitSha', () => {
  test('GITHUB_SHA wins and is lower-cased', async () => {
    const runner: CommandRunner = async () => {
      throw new Error('git must not run');
    };
    expect(await resolveCommitSha({ GITHUB_SHA: SHA.toUpperCase() }, '/', runner)).toBe(SHA);
  });

  test('a malformed GITHUB_SHA is a UserError', async () => {
    await expect(resolveCommitSha({ GITHUB_SHA: 'main' }, '/')).rejects.toThrow(UserError);
  });

  test('else git rev-parse HEAD in cwd', async () => {
    const runner: CommandRunner = async (spec) => {
      expect(spec.command).toBe('git');
      expect(spec.cwd).toBe('/repo');
      return { exitCode: 0, stdout: `${SHA}\n`, stderr: '' };
    };
    expect(await resolveCommitSha({}, '/repo', runner)).toBe(SHA);
  });

  test('the real git in this checkout', async () => {
    const sha = await resolveCommitSha({ PATH: process.env.PATH }, process.cwd());
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
  });

  test('outside a git checkout: UserError telling to pass --tag', async () => {
    const runner: CommandRunner = async () => ({ exitCode: 128, stdout: '', stderr: 'fatal: not a git repository' });
    await expect(resolveCommitSha({}, '/tmp', runner)).rejects.toThrow(/run inside a git checkout or pass --tag/);
    const missingGit: CommandRunner = async () => Promise.reject(new Error('git not found'));
    await expect(resolveCommitSha({}, '/tmp', missingGit)).rejects.toThrow(UserError);
  });
});

describe('planTags', () => {
  test('the commit SHA is the immutable tag and comes first', () => {
    expect(planTags({ image: 'ghcr.io/acme/api', commitSha: SHA, extraTags: ['latest', 'v1', 'latest'] })).toEqual({
      immutableTag: SHA,
      tags: [SHA, 'latest', 'v1'],
      references: [`ghcr.io/acme/api:${SHA}`, 'ghcr.io/acme/api:latest', 'ghcr.io/acme/api:v1'],
    });
  });

  test('--tag overrides the SHA', () => {
    expect(planTags({ image: 'r/a', commitSha: SHA, immutableTag: 'v1.2.3' }).tags).toEqual(['v1.2.3']);
  });

  test('refuses a plan whose only tag would be mutable', () => {
    expect(() => planTags({ image: 'r/a', immutableTag: 'latest' })).toThrow(/moves from build to build/);
    expect(() => planTags({ image: 'r/a', immutableTag: 'main' })).toThrow(UserError);
    expect(() => planTags({ image: 'r/a', immutableTag: 'feature-x', branch: 'feature-x' })).toThrow(UserError);
    expect(() => planTags({ image: 'r/a', extraTags: ['latest'] })).toThrow(/no immutable tag/);
  });

  test('validates every tag against the grammar, one line each', () => {
    for (const bad of ['-x', '.x', 'a/b', 'a:b', '', 'x'.repeat(129), 'a b']) {
      expect(() => planTags({ image: 'r/a', commitSha: SHA, extraTags: [bad] })).toThrow(UserError);
    }
    expect(() => planTags({ image: 'r/a', immutableTag: 'bad tag' })).toThrow(/not a valid tag/);
    expect(() => planTags({ image: 'r/a', commitSha: 'abc' })).toThrow(/not a full 40-hex commit id/);
    expect(planTags({ image: 'r/a', immutableTag: 'x'.repeat(128) }).immutableTag).toBe('x'.repeat(128));
    expect(planTags({ image: 'r/a', immutableTag: '_a.b-c' }).immutableTag).toBe('_a.b-c');
  });

  test('an extra tag posing as another commit SHA is refused', () => {
    expect(() => planTags({ image: 'r/a', commitSha: SHA, extraTags: ['f'.repeat(40)] })).toThrow(/another commit/);
  });
});

describe('plain HTTP rule', () => {
  test('loopback registries', () => {
    for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.0.0.1:5000', '127.1.2.3:80', '[::1]', '[::1]:5000', '::1']) {
      expect(isLoopbackRegistry(host)).toBe(true);
    }
    for (const host of ['ghcr.io', '10.0.0.1:5000', '127.0.0.1.nip.io', 'localhost.example.com', '128.0.0.1', '127.0.0.256']) {
      expect(isLoopbackRegistry(host)).toBe(false);
    }
  });

  test('listed insecure registries, by host:port or by host for every port', () => {
    expect(allowsPlainHttp('127.0.0.1:5000')).toBe(true);
    expect(allowsPlainHttp('reg.local:5000')).toBe(false);
    expect(allowsPlainHttp('reg.local:5000', ['reg.local:5000'])).toBe(true);
    expect(allowsPlainHttp('reg.local:5000', ['reg.local'])).toBe(true);
    expect(allowsPlainHttp('reg.local:5000', ['http://reg.local:5000/'])).toBe(true);
    expect(allowsPlainHttp('reg.local:5000', ['reg.local:6000'])).toBe(false);
    expect(allowsPlainHttp('other.local', ['reg.local'])).toBe(false);
  });
});

import { UserError } from '../core/errors';
import type { CommandRunner, CommandSpec } from './exec';
import { dockerBuildAndPush, dockerBuildArgs, dockerDaemonAvailable, parsePushDigest, type DockerBuildOptions } from './docker';

const DIGEST = 'sha256:f39032f7e216742a8c338f5a73b0c022b7f0b93342c2faf556caf7d9f81d75c9';
// Real `docker push` output (docker 20.10 against a loopback registry).
const PUSH_OUTPUT = `The push refers to repository [127.0.0.1:5123/t/a]
9fad5f8d248a: Preparing
9fad5f8d248a: Pushed
1: digest: ${DIGEST} size: 523
`;

function options(overrides: Partial<DockerBuildOptions> = {}): DockerBuildOptions {
  return {
    context: '/src',
    dockerfile: '/src/Dockerfile',
    platforms: [],
    buildArgs: { A: '1' },
    labels: { l: 'v' },
    repository: '127.0.0.1:5000/acme/api',
    tags: ['abc'],
    ...overrides,
  };
}

describe('dockerBuildArgs', () => {
  test('the exact command line', () => {
    expect(dockerBuildArgs(options({ platforms: ['linux/arm64'] }))).toEqual([
      'build', '--file', '/src/Dockerfile', '--platform', 'linux/arm64',
      '--build-arg', 'A=1', '--label', 'l=v', '--tag', '127.0.0.1:5000/acme/api:abc', '/src',
    ]);
  });

  test('several platforms are a UserError naming buildx', () => {
    expect(() => dockerBuildArgs(options({ platforms: ['linux/amd64', 'linux/arm64'] }))).toThrow(UserError);
    expect(() => dockerBuildArgs(options({ platforms: ['linux/amd64', 'linux/arm64'] }))).toThrow(/--builder buildx/);
  });
});

describe('parsePushDigest', () => {
  test('reads the digest and size of a real push output', () => {
    expect(parsePushDigest(PUSH_OUTPUT)).toEqual({ digest: DIGEST, size: 523 });
  });
  test('no digest line is an error', () => {
    expect(() => parsePushDigest('The push refers to repository [x]\n')).toThrow(/did not print a digest/);
  });
});

describe('dockerBuildAndPush', () => {
  test('builds with DOCKER_BUILDKIT=1 then pushes each tag, honouring DOCKER_HOST', async () => {
    const calls: CommandSpec[] = [];
    const runner: CommandRunner = async (spec) => {
      calls.push(spec);
      return spec.args[0] === 'push' ? { exitCode: 0, stdout: PUSH_OUTPUT, stderr: '' } : { exitCode: 0, stdout: '', stderr: '' };
    };
    const result = await dockerBuildAndPush(options({ tags: ['abc', 'latest'] }), { runner, env: { DOCKER_HOST: 'unix:///x.sock' } });
    expect(result).toEqual({ digest: DIGEST, size: 523, buildkit: true });
    expect(calls.map((c) => c.args.join(' '))).toEqual([
      'build --file /src/Dockerfile --build-arg A=1 --label l=v --tag 127.0.0.1:5000/acme/api:abc --tag 127.0.0.1:5000/acme/api:latest /src',
      'push 127.0.0.1:5000/acme/api:abc',
      'push 127.0.0.1:5000/acme/api:latest',
    ]);
    expect(calls[0].env).toMatchObject({ DOCKER_BUILDKIT: '1', DOCKER_HOST: 'unix:///x.sock' });
    expect(calls[1].env).toMatchObject({ DOCKER_HOST: 'unix:///x.sock' });
  });

  test('falls back to the classic builder when the CLI lacks the buildx plugin', async () => {
    const envs: (string | undefined)[] = [];
    const runner: CommandRunner = async (spec) => {
      if (spec.args[0] === 'push') return { exitCode: 0, stdout: PUSH_OUTPUT, stderr: '' };
      envs.push(spec.env?.DOCKER_BUILDKIT);
      return spec.env?.DOCKER_BUILDKIT === '1'
        ? { exitCode: 1, stdout: '', stderr: 'ERROR: BuildKit is enabled but the buildx component is missing or broken.' }
        : { exitCode: 0, stdout: 'Successfully built f360766e13c0', stderr: '' };
    };
    const result = await dockerBuildAndPush(options(), { runner });
    expect(envs).toEqual(['1', '0']);
    expect(result.buildkit).toBe(false);
  });

  test('any other build failure is reported, not retried', async () => {
    let builds = 0;
    const runner: CommandRunner = async () => {
      builds++;
      return { exitCode: 1, stdout: '', stderr: 'failed to solve: COPY failed' };
    };
    await expect(dockerBuildAndPush(options(), { runner })).rejects.toThrow(/exit code 1: failed to solve: COPY failed/);
    expect(builds).toBe(1);
  });

  test('dockerDaemonAvailable needs a server version', async () => {
    expect(await dockerDaemonAvailable({ runner: async () => ({ exitCode: 0, stdout: '20.10.24\n', stderr: '' }) })).toBe(true);
    expect(await dockerDaemonAvailable({ runner: async () => ({ exitCode: 1, stdout: '\n', stderr: 'Cannot connect' }) })).toBe(false);
  });
});

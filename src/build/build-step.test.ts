import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { silentLogger } from '../core/log';
import { OciLayoutStore } from '../oci/layout';
import { EMPTY_JSON, EMPTY_JSON_DIGEST, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST } from '../oci/media-types';
import type { CommandRunner, CommandSpec } from '../tools/exec';
import { buildImage, chooseBuilder } from './build-step';
import type { BuildPlan } from './types';

const REGISTRY_TARGET = { target: { kind: 'registry' as const, registry: '127.0.0.1:5000', repository: 'a', insecure: true } };
const LAYOUT_TARGET = { target: { kind: 'oci-layout' as const, dir: '/tmp/l' } };

/** A runner answering the availability probes: which tools "exist". */
function probeRunner(present: { buildx?: boolean; daemon?: boolean; buildah?: boolean }, calls: string[] = []): CommandRunner {
  return async (spec: CommandSpec) => {
    const line = [spec.command, ...spec.args].join(' ');
    calls.push(line);
    const ok = (yes: boolean | undefined, stdout = 'v') => ({ exitCode: yes ? 0 : 1, stdout: yes ? stdout : '', stderr: '' });
    if (line === 'docker buildx version') return ok(present.buildx);
    if (line.startsWith('docker version')) return ok(present.daemon, '20.10.24\n');
    if (line === 'buildah --version') return ok(present.buildah);
    throw new Error(`unexpected command ${line}`);
  };
}

describe('chooseBuilder', () => {
  test('auto prefers buildx, then a docker daemon, then buildah', async () => {
    expect(await chooseBuilder('auto', REGISTRY_TARGET, { runner: probeRunner({ buildx: true, daemon: true, buildah: true }) })).toBe('buildx');
    expect(await chooseBuilder('auto', REGISTRY_TARGET, { runner: probeRunner({ daemon: true, buildah: true }) })).toBe('docker');
    expect(await chooseBuilder('auto', REGISTRY_TARGET, { runner: probeRunner({ buildah: true }) })).toBe('buildah');
  });

  test('auto with nothing installed is a UserError naming --from', async () => {
    await expect(chooseBuilder('auto', REGISTRY_TARGET, { runner: probeRunner({}) })).rejects.toThrow(/--from/);
  });

  test('an OCI layout target goes to buildah; docker/buildx are refused for it', async () => {
    const calls: string[] = [];
    expect(await chooseBuilder('auto', LAYOUT_TARGET, { runner: probeRunner({ buildx: true, daemon: true, buildah: true }, calls) })).toBe('buildah');
    expect(calls).toEqual(['buildah --version']);
    await expect(chooseBuilder('docker', LAYOUT_TARGET)).rejects.toThrow(UserError);
    await expect(chooseBuilder('buildx', LAYOUT_TARGET)).rejects.toThrow(/--builder buildah/);
  });

  test('an explicit builder is taken without probing', async () => {
    const calls: string[] = [];
    expect(await chooseBuilder('docker', REGISTRY_TARGET, { runner: probeRunner({}, calls) })).toBe('docker');
    expect(calls).toEqual([]);
  });
});

describe('buildImage input checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-step-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const plan = (overrides: Partial<BuildPlan>): BuildPlan => ({
    builder: 'buildah',
    context: dir,
    buildArgs: {},
    labels: {},
    platforms: [],
    target: { kind: 'oci-layout', dir: path.join(dir, 'out') },
    tags: ['t'],
    ...overrides,
  });
  const deps = () => ({ store: new OciLayoutStore(path.join(dir, 'out')), logger: silentLogger, runner: probeRunner({}) });

  test('a missing context or Dockerfile is a UserError', async () => {
    await expect(buildImage(plan({ context: path.join(dir, 'nope') }), deps())).rejects.toThrow(/build context .* is not a directory/);
    await expect(buildImage(plan({}), deps())).rejects.toThrow(/Dockerfile .* does not exist/);
  });

  test('the builder reporting a digest the target does not serve is an error', async () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    const fakeDigest = 'sha256:' + 'd'.repeat(64);
    const runner: CommandRunner = async (spec) => {
      const i = spec.args.indexOf('--digestfile');
      if (i >= 0) fs.writeFileSync(spec.args[i + 1], fakeDigest);
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    // The tag already holds another image: the fake buildah "pushed" nothing.
    const store = new OciLayoutStore(path.join(dir, 'out'));
    const other = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 }, layers: [] }));
    await store.putBlob(EMPTY_JSON, OCI_EMPTY);
    const put = await store.putManifest(other, OCI_MANIFEST, 't');
    await expect(buildImage(plan({}), { ...deps(), runner })).rejects.toThrow(
      `buildah reported digest ${fakeDigest} but oci-layout:${path.join(dir, 'out')}:t serves ${put.descriptor.digest}`,
    );
  });
});

describe('buildImage with buildx (fake docker, real layout store standing in for the registry)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-step-buildx-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Puts a two-platform index (plus a BuildKit attestation entry) into `store`, as buildx would push it. */
  async function pushIndex(store: OciLayoutStore): Promise<{ index: string; amd64: string; arm64: string }> {
    await store.putBlob(EMPTY_JSON, OCI_EMPTY);
    const child = async (arch: string) => {
      const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_EMPTY, digest: EMPTY_JSON_DIGEST, size: 2 }, layers: [], annotations: { arch } }));
      return { digest: (await store.putManifest(bytes, OCI_MANIFEST)).descriptor.digest, size: bytes.length };
    };
    const amd64 = await child('amd64');
    const arm64 = await child('arm64');
    const attestation = await child('attestation');
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: OCI_MANIFEST, ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: OCI_MANIFEST, ...attestation, platform: { os: 'unknown', architecture: 'unknown' } },
        ],
      }),
    );
    const put = await store.putManifest(index, OCI_INDEX);
    return { index: put.descriptor.digest, amd64: amd64.digest, arm64: arm64.digest };
  }

  test('push by digest: the index digest from the metadata file, platforms read from the index', async () => {
    const store = new OciLayoutStore(path.join(dir, 'registry'));
    const pushed = await pushIndex(store);
    const calls: string[][] = [];
    let dockerConfig: { auths?: Record<string, unknown> } = {};
    const envs: NodeJS.ProcessEnv[] = [];
    const runner: CommandRunner = async (spec) => {
      calls.push([...spec.args]);
      envs.push(spec.env ?? {});
      dockerConfig = JSON.parse(fs.readFileSync(path.join(spec.env?.DOCKER_CONFIG as string, 'config.json'), 'utf8'));
      const i = spec.args.indexOf('--metadata-file');
      fs.writeFileSync(
        spec.args[i + 1],
        JSON.stringify({ 'containerimage.digest': pushed.index, 'containerimage.descriptor': { mediaType: OCI_INDEX, digest: pushed.index, size: 1 } }),
      );
      return { exitCode: 0, stdout: '', stderr: '' };
    };
    const built = await buildImage(
      {
        builder: 'buildx',
        context: dir,
        buildArgs: {},
        labels: {},
        platforms: ['linux/amd64', 'linux/arm64'],
        target: { kind: 'registry', registry: 'ghcr.io', repository: 'acme/api', insecure: false, credentials: { username: 'u', password: 'pw-for-buildx-test' } },
        tags: [],
      },
      { store, logger: silentLogger, runner, env: { HOME: dir, DOCKER_HOST: 'unix:///d.sock', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'canary-oidc', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://canary', ACTIONS_RUNTIME_TOKEN: 'canary-rt' } },
    );
    // The builder keeps its own settings but never the runner's request tokens.
    expect(envs[0]).toMatchObject({ HOME: dir, DOCKER_HOST: 'unix:///d.sock' });
    expect(JSON.stringify(envs)).not.toContain('canary');
    expect(built).toEqual({
      digest: pushed.index,
      mediaType: OCI_INDEX,
      size: expect.any(Number),
      platforms: { 'linux/amd64': pushed.amd64, 'linux/arm64/v8': pushed.arm64 },
      builtBy: 'buildx',
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('type=image,name=ghcr.io/acme/api,push-by-digest=true,name-canonical=true,push=true');
    expect(calls[0].join(' ')).not.toContain('pw-for-buildx-test');
    expect(Object.keys(dockerConfig.auths ?? {})).toEqual(['ghcr.io']);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { addSecret, redact } from '../core/log';
import { layoutInput, offlineFlags, parseCapabilities, runTool, sbomCommand, scanCommand, type TrivyCapabilities } from './trivy';

const OLD: TrivyCapabilities = { skipCheckUpdate: false, disableTelemetry: false, skipJavaDbUpdate: true, multipleDbRepositories: false, scanners: false };
const NEW: TrivyCapabilities = { skipCheckUpdate: true, disableTelemetry: true, skipJavaDbUpdate: true, multipleDbRepositories: true, scanners: true };

describe('trivy command construction', () => {
  it('reads capabilities from the help text', () => {
    const help = '      --db-repository strings   OCI repository(ies)\n      --skip-check-update   skip\n      --disable-telemetry  no\n      --skip-java-db-update  x\n      --scanners strings  what';
    expect(parseCapabilities(help)).toEqual(NEW);
    expect(parseCapabilities('      --db-repository string   OCI repository\n      --skip-java-db-update  x')).toEqual(OLD);
  });

  it('passes only the offline flags the binary knows', () => {
    expect(offlineFlags(NEW)).toEqual(['--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--disable-telemetry']);
    expect(offlineFlags(OLD)).toEqual(['--skip-db-update', '--skip-java-db-update']);
  });

  it('builds an SBOM command for an OCI layout', () => {
    const { args, env } = sbomCommand({ image: { kind: 'oci-layout', dir: '/l', ref: 'v1' }, format: 'spdx', cacheDir: '/c', offline: true, platform: 'linux/arm64' }, '/out.json', NEW, '/l@v1');
    expect(args).toEqual([
      'image', '--quiet', '--format', 'spdx-json', '--output', '/out.json', '--cache-dir', '/c',
      '--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--disable-telemetry',
      '--scanners', 'license', '--platform', 'linux/arm64', '--input', '/l@v1',
    ]);
    expect(env).toEqual({});
  });

  it('puts registry credentials in the environment, never in argv, and registers the password as a secret', () => {
    const password = 'hunter2-very-secret';
    const { args, env } = sbomCommand(
      { image: { kind: 'registry', ref: 'localhost:5000/acme/api@sha256:' + 'a'.repeat(64), insecure: true, username: 'ci', password }, format: 'cyclonedx', cacheDir: '/c', offline: false },
      '/o',
      NEW,
    );
    expect(args.join(' ')).not.toContain(password);
    expect(args).toEqual(['image', '--quiet', '--format', 'cyclonedx', '--output', '/o', '--cache-dir', '/c', '--skip-check-update', '--disable-telemetry', '--scanners', 'license', '--insecure', '--image-src', 'remote', 'localhost:5000/acme/api@sha256:' + 'a'.repeat(64)]);
    expect(env).toEqual({ TRIVY_USERNAME: 'ci', TRIVY_PASSWORD: password });
    expect(redact(`x ${password} y`)).toBe('x *** y');
    expect(() => sbomCommand({ image: { kind: 'registry', ref: 'r/x', username: 'ci' }, format: 'cyclonedx', cacheDir: '/c', offline: false }, '/o', NEW)).toThrow(UserError);
  });

  it('builds the scan command', () => {
    expect(scanCommand({ sbomPath: '/s.json', cacheDir: '/c', offline: true, ignoreUnfixed: true }, '/r.json', OLD)).toEqual([
      'sbom', '--quiet', '--format', 'json', '--output', '/r.json', '--cache-dir', '/c', '--skip-db-update', '--skip-java-db-update', '--ignore-unfixed', '/s.json',
    ]);
    expect(scanCommand({ sbomPath: '/s.json', cacheDir: '/c', offline: false, ignoreUnfixed: false }, '/r.json', OLD)).toEqual([
      'sbom', '--quiet', '--format', 'json', '--output', '/r.json', '--cache-dir', '/c', '/s.json',
    ]);
  });
});

describe('layoutInput', () => {
  let dir: string;
  const digest = 'sha256:' + 'b'.repeat(64);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ship-image-trivy-layout-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('selects a tag with dir@tag and maps a digest to its tag', async () => {
    await writeFile(join(dir, 'index.json'), JSON.stringify({ manifests: [{ digest, annotations: { 'org.opencontainers.image.ref.name': 'v2' } }, { digest: 'sha256:' + 'c'.repeat(64) }] }));
    expect(await layoutInput(dir, undefined)).toBe(dir);
    expect(await layoutInput(dir, 'v1')).toBe(`${dir}@v1`);
    expect(await layoutInput(dir, digest)).toBe(`${dir}@v2`);
    await expect(layoutInput(dir, 'sha256:' + 'c'.repeat(64))).rejects.toThrow(/not a tagged manifest/);
  });

  it('takes the only manifest of a layout by digest', async () => {
    await writeFile(join(dir, 'index.json'), JSON.stringify({ manifests: [{ digest }] }));
    expect(await layoutInput(dir, digest)).toBe(dir);
  });
});

describe('runTool', () => {
  it('reports a missing binary as a user error', async () => {
    await expect(runTool('trivy', '/nonexistent/trivy', ['version'])).rejects.toThrow(/trivy not found at '\/nonexistent\/trivy'/);
  });

  it('passes env, returns stdout, and reports failures with the end of stderr, redacted', async () => {
    addSecret('hunter2-very-secret');
    await expect(runTool('sh', '/bin/sh', ['-c', 'echo "$FOO"'], { FOO: 'bar' })).resolves.toBe('bar\n');
    await expect(runTool('sh', '/bin/sh', ['-c', 'echo "line1\nboom hunter2-very-secret" >&2; exit 3'])).rejects.toThrow('sh -c failed (exit 3): line1 | boom ***');
  });
});

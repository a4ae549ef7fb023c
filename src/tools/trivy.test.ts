import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { addSecret, redact } from '../core/log';
import { SCANNER_ENV_ALLOWLIST } from './isolation';
import { layoutInput, offlineFlags, parseCapabilities, rootfsSbomCommand, runTool, sbomCommand, scanCommand, type TrivyCapabilities } from './trivy';

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

  it('builds a rootfs SBOM command that scans the working directory, offline, with absolute paths', () => {
    const args = rootfsSbomCommand({ rootDir: '/proc/42/root', format: 'cyclonedx', cacheDir: '/c' }, '/out.json', NEW, { config: '/s/trivy.yaml', ignoreFile: '/s/trivyignore' });
    expect(args).toEqual([
      'rootfs', '--quiet', '--format', 'cyclonedx', '--output', '/out.json', '--config', '/s/trivy.yaml', '--ignorefile', '/s/trivyignore', '--cache-dir', '/c',
      '--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--disable-telemetry', '--scanners', 'license', '--skip-dirs', 'proc,sys,dev', '.',
    ]);
    const skipping = rootfsSbomCommand({ rootDir: '/r', format: 'spdx', cacheDir: '/c', skipDirs: ['etc/hosts', 'proc', 'srv/a,b', 'data'] }, '/o', OLD, { config: '/s/c', ignoreFile: '/s/i' });
    expect(skipping.slice(-3)).toEqual(['--skip-dirs', 'proc,sys,dev,etc/hosts,data', '.']);
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

  it('runs in an empty working directory with an allowlisted environment: no token, no TRIVY_*, no credential reaches it', async () => {
    const canary = 'canary-7f3a9c-secret-value';
    const planted = ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_URL', 'GITHUB_TOKEN', 'NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'REGISTRY_PASSWORD', 'TRIVY_IGNOREFILE', 'GRYPE_CONFIG', 'SYFT_CONFIG'];
    const saved = planted.map((k) => [k, process.env[k]] as const);
    for (const k of planted) process.env[k] = canary;
    try {
      const out = await runTool('sh', '/bin/sh', ['-c', 'pwd; ls -A; echo ---; env'], { TRIVY_USERNAME: 'given-by-the-adapter' });
      const [where, listing, env] = [out.split('\n')[0]!, out.split('---')[0]!.split('\n').slice(1).join('').trim(), out.split('---\n')[1]!];
      expect(out).not.toContain(canary);
      expect(where).not.toBe(process.cwd());
      expect(listing).toBe('');
      expect(env).toContain('TRIVY_USERNAME=given-by-the-adapter');
      expect(env).toContain(`PATH=${process.env.PATH}`);
      const names = env.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf('=')));
      expect(names.filter((n) => !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(n)).sort()).toEqual([...SCANNER_ENV_ALLOWLIST.filter((n) => process.env[n] !== undefined), 'TRIVY_USERNAME'].sort());
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('passes env, returns stdout, and reports failures with the end of stderr, redacted', async () => {
    addSecret('hunter2-very-secret');
    await expect(runTool('sh', '/bin/sh', ['-c', 'echo "$FOO"'], { FOO: 'bar' })).resolves.toBe('bar\n');
    await expect(runTool('sh', '/bin/sh', ['-c', 'echo "line1\nboom hunter2-very-secret" >&2; exit 3'])).rejects.toThrow('sh -c failed (exit 3): line1 | boom ***');
  });
});

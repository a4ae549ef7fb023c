import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { UserError } from '../core/errors';
import type { PinnedTool, ToolPin } from './pins';
import { pinnedAsset, TOOL_PINS } from './pins';
import { resolveTool, verifySha256 } from './resolve-tool';

async function tarGz(files: Record<string, { content: string; mode: number }>): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', () => resolve());
  });
  for (const [name, f] of Object.entries(files)) pack.entry({ name, mode: f.mode }, f.content);
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

describe('resolveTool', () => {
  let work: string;
  let server: Server;
  let baseUrl: string;
  let archive: Buffer;
  let requests = 0;
  const savedEnv = { cache: process.env.RUNNER_TOOL_CACHE, temp: process.env.RUNNER_TEMP };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ship-image-resolve-tool-'));
    process.env.RUNNER_TOOL_CACHE = join(work, 'tool-cache');
    process.env.RUNNER_TEMP = join(work, 'runner-temp');
    archive = await tarGz({ trivy: { content: '#!/bin/sh\necho fake trivy\n', mode: 0o755 }, 'README.md': { content: 'hi', mode: 0o644 } });
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/v9.9.9/trivy_9.9.9_test.tar.gz') {
        res.writeHead(200, { 'content-type': 'application/gzip' }).end(archive);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    process.env.RUNNER_TOOL_CACHE = savedEnv.cache;
    process.env.RUNNER_TEMP = savedEnv.temp;
    if (savedEnv.cache === undefined) delete process.env.RUNNER_TOOL_CACHE;
    if (savedEnv.temp === undefined) delete process.env.RUNNER_TEMP;
    await rm(work, { recursive: true, force: true });
  });

  function pins(sha256: string | undefined): Record<PinnedTool, ToolPin> {
    return {
      ...TOOL_PINS,
      trivy: {
        version: '9.9.9',
        urlPattern: `${baseUrl}/v{version}/{asset}`,
        assets: { 'testos-testarch': 'trivy_{version}_test.tar.gz' },
        sha256: sha256 ? { 'testos-testarch': sha256 } : {},
        verified: true,
      },
    };
  }
  const offPath = { searchPath: '', useNpmPackage: false, platform: 'testos' as NodeJS.Platform, arch: 'testarch' };

  it('prefers an explicit path and refuses one that is not executable', async () => {
    const bin = join(work, 'explicit-trivy');
    await writeFile(bin, '#!/bin/sh\n');
    await expect(resolveTool('trivy', { explicitPath: bin })).rejects.toThrow(UserError);
    await chmod(bin, 0o755);
    await expect(resolveTool('trivy', { explicitPath: bin })).resolves.toEqual({ path: bin, source: 'explicit' });
  });

  it('finds the tool on PATH', async () => {
    const dir = join(work, 'bin');
    await mkdir(dir);
    await writeFile(join(dir, 'grype'), '#!/bin/sh\n', { mode: 0o755 });
    await expect(resolveTool('grype', { searchPath: `/nonexistent:${dir}` })).resolves.toEqual({ path: join(dir, 'grype'), source: 'path' });
  });

  it('refuses a download whose SHA-256 differs from the pin and caches nothing', async () => {
    const wrong = 'ab'.repeat(32);
    await expect(resolveTool('trivy', { ...offPath, pins: pins(wrong) })).rejects.toThrow(/refusing trivy 9\.9\.9 .*SHA-256 is [0-9a-f]{64}, the pinned one is abab/);
    expect(requests).toBe(1);
    await expect(resolveTool('trivy', { ...offPath, pins: pins(wrong), allowDownload: false })).rejects.toThrow(/not found/);
  });

  it('refuses to download without a pinned digest', async () => {
    await expect(resolveTool('trivy', { ...offPath, pins: pins(undefined) })).rejects.toThrow(/no pinned SHA-256 for trivy 9\.9\.9/);
  });

  it('downloads, verifies and caches the pinned release, then finds it in the tool cache', async () => {
    const digest = createHash('sha256').update(archive).digest('hex');
    const first = await resolveTool('trivy', { ...offPath, pins: pins(digest) });
    expect(first).toMatchObject({ source: 'download', version: '9.9.9' });
    expect(first.path.startsWith(join(work, 'tool-cache', 'trivy', '9.9.9'))).toBe(true);
    const before = requests;
    const second = await resolveTool('trivy', { ...offPath, pins: pins(digest) });
    expect(second).toEqual({ ...first, source: 'tool-cache' });
    expect(requests).toBe(before);
  });

  it('re-hashes a tool-cache hit: a cached binary altered after download is refused, and so is an altered archive', async () => {
    const digest = createHash('sha256').update(archive).digest('hex');
    const hit = await resolveTool('trivy', { ...offPath, pins: pins(digest), allowDownload: false });
    expect(hit.source).toBe('tool-cache');
    const original = await readFile(hit.path);
    try {
      await writeFile(hit.path, '#!/bin/sh\necho steal the token\n');
      await expect(resolveTool('trivy', { ...offPath, pins: pins(digest), allowDownload: false })).rejects.toThrow(
        /refusing the cached trivy 9\.9\.9 .*has SHA-256 [0-9a-f]{64}, the pinned release's trivy has [0-9a-f]{64}; it was altered/,
      );
      // Both altered alike (binary and archive swapped for a matching pair): the archive no longer has the pinned digest.
      const evil = await tarGz({ trivy: { content: '#!/bin/sh\necho steal the token\n', mode: 0o755 } });
      const archivePath = join(dirname(hit.path), 'trivy_9.9.9_test.tar.gz');
      const savedArchive = await readFile(archivePath);
      await writeFile(archivePath, evil);
      await expect(resolveTool('trivy', { ...offPath, pins: pins(digest), allowDownload: false })).rejects.toThrow(/refusing the cached archive of trivy 9\.9\.9 .*SHA-256 is/);
      await writeFile(archivePath, savedArchive);
    } finally {
      await writeFile(hit.path, original);
    }
    await expect(resolveTool('trivy', { ...offPath, pins: pins(digest), allowDownload: false })).resolves.toMatchObject({ source: 'tool-cache' });
  });

  it('pinnedOnly takes neither PATH nor an explicit path', async () => {
    const digest = createHash('sha256').update(archive).digest('hex');
    const dir = join(work, 'bin-pinned');
    await mkdir(dir);
    await writeFile(join(dir, 'trivy'), '#!/bin/sh\n', { mode: 0o755 });
    const resolved = await resolveTool('trivy', { ...offPath, searchPath: dir, pinnedOnly: true, pins: pins(digest), allowDownload: false });
    expect(resolved.source).toBe('tool-cache');
    await expect(resolveTool('trivy', { ...offPath, explicitPath: join(dir, 'trivy'), pinnedOnly: true, pins: pins(digest) })).rejects.toThrow(/takes only the pinned trivy release/);
  });

  it('verifySha256 accepts the right digest in any case', async () => {
    const file = join(work, 'blob');
    await writeFile(file, 'hello');
    await expect(verifySha256(file, createHash('sha256').update('hello').digest('hex').toUpperCase(), 'blob')).resolves.toBeUndefined();
  });
});

describe('pins', () => {
  it('builds the real release asset URLs', () => {
    expect(pinnedAsset('trivy', 'linux-x64')?.url).toBe(
      `https://github.com/aquasecurity/trivy/releases/download/v${TOOL_PINS.trivy.version}/trivy_${TOOL_PINS.trivy.version}_Linux-64bit.tar.gz`,
    );
    expect(pinnedAsset('grype', 'linux-arm64')?.url).toMatch(/^https:\/\/github\.com\/anchore\/grype\/releases\/download\/v[\d.]+\/grype_[\d.]+_linux_arm64\.tar\.gz$/);
    expect(pinnedAsset('syft', 'linux-x64')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pinnedAsset('syft', 'freebsd-x64')).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('probeTrivy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trivy-probe-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('asks a binary once, then answers from the process and from disk', async () => {
    const binary = join(dir, 'trivy');
    writeFileSync(binary, 'v1');
    const ask = jest.fn(async () => ({ version: '0.58.1', capabilities: { skipCheckUpdate: true } }));
    const first = require('./trivy-probe') as typeof import('./trivy-probe');
    expect(await first.probeTrivy(binary, ask, dir)).toEqual({ version: '0.58.1', capabilities: { skipCheckUpdate: true } });
    await first.probeTrivy(binary, ask, dir);
    expect(ask).toHaveBeenCalledTimes(1);

    // A new process (a fresh module) reads the answer from disk.
    await jest.isolateModulesAsync(async () => {
      const second = require('./trivy-probe') as typeof import('./trivy-probe');
      expect((await second.probeTrivy(binary, ask, dir)).version).toBe('0.58.1');
    });
    expect(ask).toHaveBeenCalledTimes(1);

    // Another binary at that path (new size) is asked again.
    writeFileSync(binary, 'v2 longer');
    await jest.isolateModulesAsync(async () => {
      const third = require('./trivy-probe') as typeof import('./trivy-probe');
      await third.probeTrivy(binary, ask, dir);
    });
    expect(ask).toHaveBeenCalledTimes(2);
  });

  test('without a cache dir (inside a GitHub Actions job) nothing is read from disk', async () => {
    const binary = join(dir, 'trivy');
    writeFileSync(binary, 'v1');
    const ask = jest.fn(async () => ({ version: '0.69.3', capabilities: {} }));
    await jest.isolateModulesAsync(async () => {
      const m = require('./trivy-probe') as typeof import('./trivy-probe');
      await m.probeTrivy(binary, ask, dir); // writes the disk answer
    });
    await jest.isolateModulesAsync(async () => {
      const m = require('./trivy-probe') as typeof import('./trivy-probe');
      await m.probeTrivy(binary, ask, undefined);
    });
    expect(ask).toHaveBeenCalledTimes(2);
  });
});

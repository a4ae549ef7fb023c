import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { codeCacheDir, loadWithCodeCache } from './code-cache';

describe('loadWithCodeCache', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'code-cache-'));
    mkdirSync(path.join(dir, 'verify'));
    file = path.join(dir, 'verify', 'index.js');
    writeFileSync(file, "const p = require('node:path'); exports.command = { run: (x) => p.basename(x) + ':' + __filename.endsWith('index.js') };\n");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (loaded: { exports: unknown }) => (loaded.exports as { command: { run(x: string): string } }).command.run('/a/b');

  test('loads as require would; the entry written after the first run is used by the next', () => {
    const cache = path.join(dir, 'cache');
    const first = loadWithCodeCache(file, cache);
    expect(run(first)).toBe('b:true');
    expect(first.fromCache).toBe(false);
    expect(readdirSync(cache)).toEqual([]);
    first.save();
    const [entry] = readdirSync(cache);
    expect(entry).toMatch(/^verify-[0-9a-f]{40}\.v8$/);

    const second = loadWithCodeCache(file, cache);
    expect(run(second)).toBe('b:true');
    expect(second.fromCache).toBe(true);
    second.save(); // nothing to write: the entry was accepted
    expect(readdirSync(cache)).toEqual([entry]);
  });

  test('other source gets its own entry; old ones are pruned to a few', () => {
    const cache = path.join(dir, 'cache');
    for (let i = 0; i < 5; i++) {
      writeFileSync(file, `exports.command = { run: () => 'v${i}' };\n`);
      const loaded = loadWithCodeCache(file, cache);
      expect(run(loaded)).toBe(`v${i}`);
      expect(loaded.fromCache).toBe(false);
      loaded.save();
    }
    expect(readdirSync(cache)).toHaveLength(3);
    const again = loadWithCodeCache(file, cache);
    expect(again.fromCache).toBe(true);
  });

  test('a directory others can write is not used', () => {
    const cache = path.join(dir, 'shared');
    mkdirSync(cache, { mode: 0o777 });
    chmodSync(cache, 0o777);
    const loaded = loadWithCodeCache(file, cache);
    expect(run(loaded)).toBe('b:true');
    loaded.save();
    expect(readdirSync(cache)).toEqual([]);
  });

  test('a cache entry others can write is not read', () => {
    const cache = path.join(dir, 'cache');
    loadWithCodeCache(file, cache).save();
    const [entry] = readdirSync(cache);
    chmodSync(path.join(cache, entry!), 0o666);
    const loaded = loadWithCodeCache(file, cache);
    expect(run(loaded)).toBe('b:true');
    expect(loaded.fromCache).toBe(false);
    loaded.save(); // read as absent, so written afresh with private permissions
    expect(readdirSync(cache)).toEqual([entry]);
  });

  test('codeCacheDir: off, a given directory, else the user cache dir', () => {
    expect(codeCacheDir({ SHIP_IMAGE_CODE_CACHE: 'off' })).toBeUndefined();
    expect(codeCacheDir({ SHIP_IMAGE_CODE_CACHE: '/x/y' })).toBe('/x/y');
    expect(codeCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/ship-image/code-cache');
  });
});

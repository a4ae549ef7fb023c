import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { dbCacheKey, parseDbAge, prepareTrivyDb, type DbCacheApi } from './trivy-db';

const NOW = new Date('2026-03-10T12:00:00Z');

async function writeDb(cacheDir: string, updatedAt: string, version = 2): Promise<void> {
  await mkdir(join(cacheDir, 'db'), { recursive: true });
  await writeFile(join(cacheDir, 'db', 'trivy.db'), 'bolt');
  await writeFile(join(cacheDir, 'db', 'metadata.json'), JSON.stringify({ Version: version, UpdatedAt: updatedAt, NextUpdate: '2026-03-11T00:00:00Z' }));
}

/** An Actions cache double: `stored` maps keys to a DB UpdatedAt that restore writes into the dir. */
function fakeCache(stored: Record<string, string>, available = true) {
  const calls: string[] = [];
  const api: DbCacheApi = {
    isFeatureAvailable: () => available,
    async restoreCache(paths, primaryKey, restoreKeys = []) {
      calls.push(`restore ${primaryKey}`);
      const hit = primaryKey in stored ? primaryKey : Object.keys(stored).sort().reverse().find((k) => restoreKeys.some((p) => k.startsWith(p)));
      if (!hit) return undefined;
      await writeDb(join(paths[0], '..'), stored[hit]);
      return hit;
    },
    async saveCache(_paths, key) {
      calls.push(`save ${key}`);
      if (key in stored) throw new Error('Unable to reserve cache with key, another job may be creating this cache.');
      stored[key] = 'saved';
      return 1;
    },
  };
  return { api, calls };
}

describe('prepareTrivyDb', () => {
  let work: string;
  let n = 0;
  const dir = () => join(work, `cache-${n++}`);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ship-image-trivy-db-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  describe('offline', () => {
    it('names the missing file and the fixture-db fix', async () => {
      const cacheDir = dir();
      const err = await prepareTrivyDb({ cacheDir, offline: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(join(cacheDir, 'db', 'trivy.db'));
      expect((err as Error).message).toContain(`npm run fixture-db -- ${cacheDir}`);
    });

    it('requires schema Version 2', async () => {
      const cacheDir = dir();
      await writeDb(cacheDir, '2026-03-10T00:00:00Z', 1);
      await expect(prepareTrivyDb({ cacheDir, offline: true })).rejects.toThrow(/Version 1, trivy needs 2/);
    });

    it('uses a DB that is there and young enough, and never downloads', async () => {
      const cacheDir = dir();
      await writeDb(cacheDir, '2026-03-10T00:00:00Z');
      const runDownload = jest.fn();
      await expect(prepareTrivyDb({ cacheDir, offline: true, now: NOW, maxDbAge: '24h', runDownload })).resolves.toEqual({
        updatedAt: '2026-03-10T00:00:00Z',
        nextUpdate: '2026-03-11T00:00:00Z',
        source: 'local',
      });
      expect(runDownload).not.toHaveBeenCalled();
    });

    it('fails loudly on a DB older than max-db-age', async () => {
      const cacheDir = dir();
      await writeDb(cacheDir, '2026-03-01T00:00:00Z');
      await expect(prepareTrivyDb({ cacheDir, offline: true, now: NOW, maxDbAge: '7d' })).rejects.toThrow(
        /updated 2026-03-01T00:00:00Z, 228\.0h ago, older than max-db-age 168\.0h/,
      );
    });
  });

  describe('online', () => {
    it("uses today's cache entry without downloading", async () => {
      const cacheDir = dir();
      const { api, calls } = fakeCache({ [dbCacheKey(NOW)]: '2026-03-10T06:00:00Z' });
      const runDownload = jest.fn();
      const db = await prepareTrivyDb({ cacheDir, offline: false, now: NOW, cache: api, runDownload });
      expect(db).toMatchObject({ source: 'actions-cache', updatedAt: '2026-03-10T06:00:00Z' });
      expect(calls).toEqual(['restore ship-image-trivy-db-v2-2026-03-10']);
      expect(runDownload).not.toHaveBeenCalled();
    });

    it('downloads when the cache only has an older day, tries mirrors in order, then saves', async () => {
      const cacheDir = dir();
      const { api, calls } = fakeCache({ 'ship-image-trivy-db-v2-2026-03-09': '2026-03-09T06:00:00Z' });
      const tried: string[] = [];
      const runDownload = async (args: string[]) => {
        const repo = args[args.indexOf('--db-repository') + 1];
        tried.push(repo);
        expect(args.slice(0, 2)).toEqual(['image', '--download-db-only']);
        expect(args[args.indexOf('--cache-dir') + 1]).toBe(cacheDir);
        if (repo === 'first.example/trivy-db:2') throw new Error('TOOMANYREQUESTS: rate limited');
        await writeDb(cacheDir, '2026-03-10T07:00:00Z');
      };
      const db = await prepareTrivyDb({ cacheDir, offline: false, now: NOW, cache: api, runDownload, dbRepositories: ['first.example/trivy-db:2', 'second.example/trivy-db:2', 'third.example/trivy-db:2'] });
      expect(db).toEqual({ source: 'download', repository: 'second.example/trivy-db:2', updatedAt: '2026-03-10T07:00:00Z', nextUpdate: '2026-03-11T00:00:00Z' });
      expect(tried).toEqual(['first.example/trivy-db:2', 'second.example/trivy-db:2']);
      expect(calls).toEqual(['restore ship-image-trivy-db-v2-2026-03-10', 'save ship-image-trivy-db-v2-2026-03-10']);
    });

    it('falls back to the older cached DB when every mirror fails, subject to max-db-age', async () => {
      const failing = async () => {
        throw new Error('TOOMANYREQUESTS');
      };
      const stored = { 'ship-image-trivy-db-v2-2026-03-09': '2026-03-09T06:00:00Z' };
      const db = await prepareTrivyDb({ cacheDir: dir(), offline: false, now: NOW, cache: fakeCache({ ...stored }).api, runDownload: failing, dbRepositories: ['a/db:2'] });
      expect(db).toMatchObject({ source: 'stale-cache', updatedAt: '2026-03-09T06:00:00Z' });
      await expect(
        prepareTrivyDb({ cacheDir: dir(), offline: false, now: NOW, cache: fakeCache({ ...stored }).api, runDownload: failing, dbRepositories: ['a/db:2'], maxDbAge: '12h' }),
      ).rejects.toThrow(/older than max-db-age 12\.0h/);
    });

    it('reports every mirror failure when there is nothing to fall back to', async () => {
      const failing = async (args: string[]) => {
        throw new Error(`down: ${args[args.indexOf('--db-repository') + 1]}`);
      };
      await expect(
        prepareTrivyDb({ cacheDir: dir(), offline: false, now: NOW, cache: fakeCache({}, false).api, runDownload: failing, dbRepositories: ['a/db:2', 'b/db:2'] }),
      ).rejects.toThrow('could not get the trivy DB from any mirror: a/db:2: down: a/db:2; b/db:2: down: b/db:2');
    });

    it('ignores a lost race when saving the cache', async () => {
      const cacheDir = dir();
      const key = dbCacheKey(NOW);
      const { api } = fakeCache({});
      const racing: DbCacheApi = { ...api, restoreCache: async () => undefined, saveCache: async () => Promise.reject(new Error(`Unable to reserve cache with key ${key}`)) };
      const db = await prepareTrivyDb({ cacheDir, offline: false, now: NOW, cache: racing, runDownload: () => writeDb(cacheDir, '2026-03-10T07:00:00Z'), dbRepositories: ['a/db:2'] });
      expect(db.source).toBe('download');
    });
  });

  it('parses durations', () => {
    expect(parseDbAge('90m')).toBe(5_400_000);
    expect(parseDbAge('36h')).toBe(129_600_000);
    expect(parseDbAge('7d')).toBe(604_800_000);
    expect(() => parseDbAge('a week')).toThrow(UserError);
  });
});

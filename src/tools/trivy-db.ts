import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { oneLine, UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { quietNetworkFlags, runTrivy, trivyCapabilities } from './trivy';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';

/**
 * Gets the trivy vulnerability DB into `<cacheDir>/db` before any scan:
 * - offline: it must be there already (trivy.db + metadata.json with Version 2);
 * - online: restore it from the Actions cache under a key holding the UTC date (so ghcr.io is
 *   asked at most once a day: its rate limits are a known pain), else download it with
 *   `trivy image --download-db-only`, trying each `--db-repository` mirror in order, then save it.
 * Either way a DB older than `maxDbAge` fails loudly rather than scanning with stale data.
 */

export const DEFAULT_DB_REPOSITORIES: readonly string[] = [
  'ghcr.io/aquasecurity/trivy-db:2',
  'public.ecr.aws/aquasecurity/trivy-db:2',
  'mirror.gcr.io/aquasec/trivy-db:2',
];

export const TRIVY_DB_SCHEMA_VERSION = 2;

/** The parts of @actions/cache used here (injectable for tests). */
export interface DbCacheApi {
  isFeatureAvailable(): boolean;
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface PrepareDbOptions {
  cacheDir: string;
  offline: boolean;
  /** trivy binary (online only). */
  binary?: string;
  /** Mirrors tried in order (default DEFAULT_DB_REPOSITORIES). */
  dbRepositories?: readonly string[];
  /** Refuse a DB whose UpdatedAt is older than this: `36h`, `7d`, `90m`. */
  maxDbAge?: string;
  /** Use the GitHub Actions cache when available (default true). */
  useActionsCache?: boolean;
  now?: Date;
  cache?: DbCacheApi;
  /** Runs trivy with these arguments (default: the trivy adapter). */
  runDownload?: (args: string[]) => Promise<void>;
  logger?: Logger;
}

export interface PreparedDb {
  updatedAt: string;
  nextUpdate?: string;
  source: 'local' | 'actions-cache' | 'download' | 'stale-cache';
  /** The mirror it came from, when downloaded. */
  repository?: string;
}

export interface DbMetadata {
  Version: number;
  UpdatedAt?: string;
  NextUpdate?: string;
  DownloadedAt?: string;
}

export function dbCacheKey(now: Date): string {
  return `ship-image-trivy-db-v${TRIVY_DB_SCHEMA_VERSION}-${now.toISOString().slice(0, 10)}`;
}

export const DB_CACHE_RESTORE_PREFIX = `ship-image-trivy-db-v${TRIVY_DB_SCHEMA_VERSION}-`;

/** `36h` / `7d` / `90m` -> milliseconds. */
export function parseDbAge(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([mhd])$/.exec(value.trim());
  if (!match) throw new UserError(`max-db-age '${value}' is not a duration; use a number with m, h or d, e.g. 72h`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * Reads `<cacheDir>/db/metadata.json`; undefined when trivy.db or metadata.json is missing, and an
 * error naming the problem when it is unusable.
 */
export async function readDbMetadata(cacheDir: string): Promise<{ metadata?: DbMetadata; missing?: string }> {
  const dbFile = join(cacheDir, 'db', 'trivy.db');
  const metaFile = join(cacheDir, 'db', 'metadata.json');
  for (const file of [dbFile, metaFile]) {
    try {
      await stat(file);
    } catch {
      return { missing: file };
    }
  }
  let metadata: DbMetadata;
  try {
    metadata = JSON.parse(await readTextCappedAsync(metaFile, READ_CAPS.document)) as DbMetadata;
  } catch {
    throw new UserError(`${metaFile} is not valid JSON; remove ${join(cacheDir, 'db')} and prepare the DB again`);
  }
  if (metadata.Version !== TRIVY_DB_SCHEMA_VERSION) {
    throw new UserError(`${metaFile} has Version ${String(metadata.Version)}, trivy needs ${TRIVY_DB_SCHEMA_VERSION}; prepare the DB again with this trivy`);
  }
  return { metadata };
}

export async function prepareTrivyDb(opts: PrepareDbOptions): Promise<PreparedDb> {
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? new Date();
  const maxAgeMs = opts.maxDbAge !== undefined ? parseDbAge(opts.maxDbAge) : undefined;

  if (opts.offline) {
    const { metadata, missing } = await readDbMetadata(opts.cacheDir);
    if (!metadata) {
      throw new UserError(
        `offline scan needs ${missing}; put a trivy DB in ${opts.cacheDir} (trivy image --download-db-only --cache-dir ${opts.cacheDir}), or for tests and demos run npm run fixture-db -- ${opts.cacheDir}`,
      );
    }
    return checked({ metadata, source: 'local' }, now, maxAgeMs);
  }

  const dbDir = join(opts.cacheDir, 'db');
  const cache = opts.useActionsCache === false ? undefined : await actionsCache(opts.cache);
  const key = dbCacheKey(now);
  let restoredKey: string | undefined;
  if (cache) {
    try {
      restoredKey = await cache.restoreCache([dbDir], key, [DB_CACHE_RESTORE_PREFIX]);
    } catch (err) {
      logger.warn(`trivy DB cache restore failed: ${oneLine(err)}`);
    }
    if (restoredKey === key) {
      const { metadata } = await readDbMetadata(opts.cacheDir);
      if (metadata) {
        logger.info(`trivy DB restored from the Actions cache (${key})`);
        return checked({ metadata, source: 'actions-cache' }, now, maxAgeMs);
      }
    }
  }

  const run = opts.runDownload ?? (await defaultDownloader(opts.binary ?? 'trivy', logger));
  const failures: string[] = [];
  for (const repository of opts.dbRepositories ?? DEFAULT_DB_REPOSITORIES) {
    try {
      logger.info(`downloading the trivy DB from ${repository}`);
      await run(['image', '--download-db-only', '--no-progress', '--cache-dir', opts.cacheDir, '--db-repository', repository]);
    } catch (err) {
      failures.push(`${repository}: ${oneLine(err)}`);
      logger.warn(`trivy DB download from ${repository} failed: ${oneLine(err)}`);
      continue;
    }
    const { metadata } = await readDbMetadata(opts.cacheDir);
    if (!metadata) {
      failures.push(`${repository}: trivy reported success but wrote no DB`);
      continue;
    }
    if (cache) {
      try {
        await cache.saveCache([dbDir], key);
      } catch (err) {
        // Another job saved today's key first: fine.
        logger.debug(`trivy DB cache save skipped: ${oneLine(err)}`);
      }
    }
    return checked({ metadata, source: 'download', repository }, now, maxAgeMs);
  }

  // Every mirror failed: an older DB restored from the cache is better than none, if young enough.
  const { metadata } = restoredKey ? await readDbMetadata(opts.cacheDir) : { metadata: undefined };
  if (metadata) {
    logger.warn(`using the trivy DB restored from ${restoredKey}: every mirror failed`);
    return checked({ metadata, source: 'stale-cache' }, now, maxAgeMs);
  }
  throw new Error(`could not get the trivy DB from any mirror: ${failures.join('; ')}`);
}

function checked(found: { metadata: DbMetadata; source: PreparedDb['source']; repository?: string }, now: Date, maxAgeMs: number | undefined): PreparedDb {
  const { metadata } = found;
  const updatedAt = metadata.UpdatedAt ?? '';
  if (maxAgeMs !== undefined) {
    const updated = Date.parse(updatedAt);
    if (Number.isNaN(updated)) throw new UserError(`the trivy DB has no valid UpdatedAt ('${updatedAt}'); prepare the DB again`);
    const ageMs = now.getTime() - updated;
    if (ageMs > maxAgeMs) {
      throw new UserError(
        `the trivy DB was updated ${updatedAt}, ${(ageMs / 3_600_000).toFixed(1)}h ago, older than max-db-age ${(maxAgeMs / 3_600_000).toFixed(1)}h; update the DB or raise max-db-age`,
      );
    }
  }
  const result: PreparedDb = { updatedAt, source: found.source };
  if (metadata.NextUpdate) result.nextUpdate = metadata.NextUpdate;
  if (found.repository) result.repository = found.repository;
  return result;
}

async function actionsCache(injected: DbCacheApi | undefined): Promise<DbCacheApi | undefined> {
  const cache: DbCacheApi = injected ?? (await import('@actions/cache'));
  try {
    return cache.isFeatureAvailable() ? cache : undefined;
  } catch {
    return undefined;
  }
}

async function defaultDownloader(binary: string, logger: Logger): Promise<(args: string[]) => Promise<void>> {
  const caps = await trivyCapabilities(binary);
  const extra = quietNetworkFlags(caps);
  return async (args) => {
    // trivy < 0.55 appends the schema tag itself and rejects a repository that carries one.
    const adapted = caps.multipleDbRepositories ? args : args.map((a, i) => (args[i - 1] === '--db-repository' ? a.replace(/:\d+$/, '') : a));
    await runTrivy(binary, [...adapted, ...extra], {}, logger);
  };
}

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { fsReason } from '../core/fs-errors';
import { parseAdvisories } from './advisories-schema';
import { BUNDLED_ADVISORIES_YAML } from './advisories';
import { writeBolt } from './bolt-writer';
import { trivyDbBuckets } from './trivy-db-content';

export interface FixtureDbOptions {
  /** The DB's UpdatedAt/DownloadedAt (default: now); NextUpdate is a day later. */
  now?: Date;
}

/** The trivy DB schema version this writer produces and trivy 0.x expects. */
export const TRIVY_DB_SCHEMA_VERSION = 2;

/**
 * Writes `<cacheDir>/db/trivy.db` and `<cacheDir>/db/metadata.json` from an advisories YAML file
 * (undefined: the bundled fixture advisories), for offline trivy runs with `--skip-db-update`.
 */
export async function writeFixtureDb(advisoriesYamlPath: string | undefined, cacheDir: string, opts: FixtureDbOptions = {}): Promise<void> {
  let yamlText = BUNDLED_ADVISORIES_YAML;
  if (advisoriesYamlPath !== undefined) {
    try {
      yamlText = await readFile(advisoriesYamlPath, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read advisories file ${advisoriesYamlPath} (${fsReason(err) ?? 'unreadable'}); give an existing YAML file`);
    }
  }
  const advisories = parseAdvisories(yamlText, advisoriesYamlPath ?? 'bundled advisories');
  const dbBytes = writeBolt(trivyDbBuckets(advisories));

  const now = opts.now ?? new Date();
  const metadata = {
    Version: TRIVY_DB_SCHEMA_VERSION,
    NextUpdate: new Date(now.getTime() + 24 * 3600 * 1000).toISOString(),
    UpdatedAt: now.toISOString(),
    DownloadedAt: now.toISOString(),
  };

  const dbDir = join(cacheDir, 'db');
  await mkdir(dbDir, { recursive: true });
  // Write then rename so a concurrent trivy never maps a half-written file.
  await writeFile(join(dbDir, 'trivy.db.tmp'), dbBytes);
  await rename(join(dbDir, 'trivy.db.tmp'), join(dbDir, 'trivy.db'));
  await writeFile(join(dbDir, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
}

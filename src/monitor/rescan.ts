// The sweep's scanner: one trivy server for the whole sweep, started only when a digest needs a
// scan (a sweep where nothing changed starts no trivy at all). A non-CycloneDX SBOM is scanned by a
// trivy process, slower but the same DB.
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { rescanSbom } from '../prcheck/base-sbom';
import type { TrivyReport } from '../scan/trivy-report';
import { isCycloneDx } from '../tools/trivy-blob';
import { readDbVersion } from '../tools/trivy';
import { startTrivyServer, type TrivyServer } from '../tools/trivy-server';

export interface SbomScanner {
  /** The DB version scans are made with (its UpdatedAt): a digest scanned with another is scanned again. */
  readonly dbVersion: string;
  scan(document: unknown, name: string): Promise<TrivyReport>;
  close(): Promise<void>;
}

export interface TrivyScannerOptions {
  binary: string;
  cacheDir: string;
  logger?: Logger;
}

export async function openTrivyScanner(opts: TrivyScannerOptions): Promise<SbomScanner> {
  const db = await readDbVersion(opts.cacheDir);
  if (!db.updatedAt) throw new UserError(`no trivy DB in ${opts.cacheDir} (db/metadata.json); give --trivy-cache a cache dir holding the DB, or add --update-db to download it`);
  let server: Promise<TrivyServer> | undefined;
  const started = () => (server ??= startTrivyServer({ binary: opts.binary, cacheDir: opts.cacheDir, logger: opts.logger ?? silentLogger }));
  return {
    dbVersion: db.updatedAt,
    async scan(document, name) {
      if (!isCycloneDx(document)) return (await rescanSbom(document, opts.binary, opts.cacheDir)) as TrivyReport;
      return (await started()).scanSbom(document, name);
    },
    async close() {
      if (server) await (await server.catch(() => undefined))?.stop();
    },
  };
}

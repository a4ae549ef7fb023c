import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import type { Logger } from '../core/log';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';
import { generateRootfsSbom, type SbomFormat } from '../tools/trivy';

// The I/O edge of drift: SBOM files, a directory SBOMed by trivy, a running process's root.

/** An SBOM (or an in-toto statement carrying one) read from a file. */
export async function readSbomFile(file: string): Promise<unknown> {
  const text = await readTextCappedAsync(file, READ_CAPS.report, { what: 'the SBOM' });
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${file} is not JSON; give a CycloneDX or SPDX JSON SBOM`);
  }
}

export interface RootfsScanOptions {
  trivy: string;
  /** A trivy cache dir; default a fresh one, removed afterwards (no DB is needed). */
  cacheDir?: string;
  format?: SbomFormat;
  logger?: Logger;
}

/** trivy's SBOM of the tree at `dir` (a directory, or a link to one such as `/proc/PID/root`). */
export async function scanRootfs(dir: string, opts: RootfsScanOptions): Promise<Record<string, unknown>> {
  let isDir = false;
  try {
    isDir = (await stat(dir)).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${dir} cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied: a process root needs root or CAP_SYS_PTRACE' : code === 'ENOENT' ? 'no such directory' : code ?? 'error'})`);
  }
  if (!isDir) throw new UserError(`${dir} is not a directory; give the root of an unpacked image`);
  const scratch = await mkdtemp(path.join(tmpdir(), 'ship-image-drift-'));
  try {
    const made = await generateRootfsSbom({
      binary: opts.trivy,
      rootDir: path.resolve(dir),
      format: opts.format ?? 'cyclonedx',
      cacheDir: opts.cacheDir ?? path.join(scratch, 'cache'),
      outputPath: path.join(scratch, 'observed.sbom.json'),
      logger: opts.logger,
    });
    return made.document;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `/proc/PID/root` for a pid given as text (a positive integer). */
export function processRoot(pid: string, procRoot = '/proc'): string {
  if (!/^[1-9]\d{0,9}$/.test(pid)) throw new UserError(`--pid '${pid}' is not a process id`);
  return path.join(procRoot, pid, 'root');
}

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
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
  /** Directories under the root to leave out (relative): a container's volumes. */
  skipDirs?: readonly string[];
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
      skipDirs: opts.skipDirs,
      logger: opts.logger,
    });
    return made.document;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The mount points under a process's root other than the root itself, relative to it (`etc/hosts`,
 * `var/run/secrets/kubernetes.io/serviceaccount`, a data volume): in a container these are volumes
 * and bind mounts, not the image, so they are no part of its drift (and may be large).
 */
export function mountPointsInRoot(mountinfo: string): string[] {
  const points = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    // Field 5 is the mount point relative to the process's root, with space, tab, newline and backslash octal-escaped.
    const point = fields[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const rel = point.replace(/^\/+/, '').replace(/\/+$/, '');
    if (rel && !rel.split('/').includes('..')) points.add(rel);
  }
  return [...points].sort();
}

/** What mountPointsInRoot reads for a pid; none when the file cannot be read (the process is gone). */
export async function processMountPoints(procRoot: string, pid: number): Promise<string[]> {
  try {
    return mountPointsInRoot((await readFile(path.join(procRoot, String(pid), 'mountinfo'))).subarray(0, 4 * 1024 * 1024).toString('utf8'));
  } catch {
    return [];
  }
}

/** `/proc/PID/root` for a pid given as text (a positive integer). */
export function processRoot(pid: string, procRoot = '/proc'): string {
  if (!/^[1-9]\d{0,9}$/.test(pid)) throw new UserError(`--pid '${pid}' is not a process id`);
  return path.join(procRoot, pid, 'root');
}

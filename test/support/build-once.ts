/**
 * Builds `final` (a directory) once across processes: under an exclusive flock on `lockFile`, into a
 * temp dir beside it that is renamed into place, so a reader never sees a half-built directory and
 * parallel jest workers wait for one builder instead of each building their own.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { holdExclusiveLock } from '../../src/tools/flock';

export async function buildOnce(final: string, lockFile: string, build: (target: string) => Promise<void>, lockWaitMs = 30 * 60_000): Promise<string> {
  if (existsSync(final)) return final;
  const parent = path.dirname(final);
  await mkdir(parent, { recursive: true });
  const lock = await holdExclusiveLock(lockFile, lockWaitMs);
  try {
    if (existsSync(final)) return final;
    const tmp = await mkdtemp(path.join(parent, `.${path.basename(final)}-tmp-`));
    const target = path.join(tmp, path.basename(final));
    try {
      await build(target);
      await rename(target, final).catch((err: NodeJS.ErrnoException) => {
        // another builder (no flock on this machine) finished first: theirs is as good as ours
        if (!existsSync(final)) throw err;
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return final;
  } finally {
    lock?.release();
  }
}

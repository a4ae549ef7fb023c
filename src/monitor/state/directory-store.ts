import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../core/errors';
import { fsReason } from '../../core/fs-errors';
import { readFileCappedAsync } from '../../core/read-capped';
import { emptyState, type MonitorState, type StateStore } from '../model';
import { parseState, serializeState, STATE_MAX_BYTES } from './schema';

// One JSON file per shard in a directory. A save writes a temporary file beside the target,
// fsyncs it, renames it over the target and fsyncs the directory: a run killed at any instant
// leaves either the old file or the new one, never a mix, and a power cut after save() returned
// cannot bring the old one back.

/** Temporaries left by a killed run are removed by a later save once they are this old. */
const STALE_TEMP_MS = 10 * 60 * 1000;

export class DirectoryStateStore implements StateStore {
  readonly location: string;
  private readonly file: string;

  constructor(
    private readonly dir: string,
    private readonly fileName: string,
  ) {
    this.file = path.join(dir, fileName);
    this.location = this.file;
  }

  async load(): Promise<MonitorState> {
    try {
      const st = await fs.stat(this.dir);
      if (!st.isDirectory()) throw new UserError(`--state ${this.dir}: not a directory; give a directory (created on first save) or oci://REGISTRY/REPOSITORY:TAG`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      if (err instanceof UserError) throw err;
      throw this.fsError('cannot read the state directory', err);
    }
    let bytes: Buffer;
    try {
      bytes = await readFileCappedAsync(this.file, STATE_MAX_BYTES, { what: 'the monitor state', hint: 'restore it from a backup, or move it aside to start afresh' });
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return emptyState();
      throw err;
    }
    return parseState(bytes, this.file);
  }

  async save(state: MonitorState): Promise<void> {
    const bytes = serializeState(state, this.file);
    try {
      await fs.mkdir(this.dir, { recursive: true });
    } catch (err) {
      throw this.fsError('cannot create the state directory', err);
    }
    await this.removeStaleTemps();
    const temp = path.join(this.dir, `${this.tempPrefix()}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, this.file);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw this.fsError('cannot write the monitor state', err);
    }
    await syncDirectory(this.dir);
  }

  private tempPrefix(): string {
    return `.${this.fileName}.`;
  }

  private async removeStaleTemps(): Promise<void> {
    const prefix = this.tempPrefix();
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const now = Date.now();
    for (const name of names) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const p = path.join(this.dir, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (st && now - st.mtimeMs > STALE_TEMP_MS) await fs.rm(p, { force: true }).catch(() => undefined);
    }
  }

  private fsError(what: string, err: unknown): UserError {
    const why = fsReason(err) ?? (err as NodeJS.ErrnoException).code ?? 'unknown error';
    return new UserError(`--state ${this.dir}: ${what} (${why}); check the directory and its permissions`);
  }
}

/** The rename is durable only once the directory entry is: fsync the directory (where the platform allows it). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Some file systems (and Windows) refuse fsync on a directory; the rename itself stands.
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

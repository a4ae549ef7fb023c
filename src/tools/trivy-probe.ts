import { createHash } from 'node:crypto';
import { stat, writeFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';

/**
 * What one trivy binary is: its version and which flags it knows. Asking costs two trivy starts
 * (seconds each for a UPX-packed binary), so the answer is kept per process and on disk, keyed by
 * the binary's path, size and modification time: a CLI run pays for it once per binary, not per run.
 */
export interface TrivyProbe<C> {
  version: string;
  capabilities: C;
}

/** Bumped when what is probed changes, so older cached answers are not read. */
const PROBE_FORMAT = 2;

const inProcess = new Map<string, Promise<TrivyProbe<unknown>>>();

export function probeTrivy<C>(binary: string, ask: () => Promise<TrivyProbe<C>>, cacheDir = tmpdir()): Promise<TrivyProbe<C>> {
  let probe = inProcess.get(binary) as Promise<TrivyProbe<C>> | undefined;
  if (!probe) {
    probe = fromDiskOrAsk(binary, ask, cacheDir);
    probe.catch(() => inProcess.delete(binary));
    inProcess.set(binary, probe);
  }
  return probe;
}

async function fromDiskOrAsk<C>(binary: string, ask: () => Promise<TrivyProbe<C>>, cacheDir: string): Promise<TrivyProbe<C>> {
  const key = await binaryKey(binary);
  const file = key ? join(cacheDir, `ship-image-trivy-probe-${key}.json`) : undefined;
  if (file) {
    try {
      const cached = JSON.parse(await readTextCappedAsync(file, READ_CAPS.document)) as TrivyProbe<C>;
      if (typeof cached.version === 'string' && cached.capabilities) return cached;
    } catch {
      // not cached yet, or unreadable: ask the binary
    }
  }
  const probe = await ask();
  if (file) {
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(probe))
      .then(() => rename(temp, file))
      .catch(() => undefined); // a cache that cannot be written only costs time
  }
  return probe;
}

/** Path, size and mtime of the binary (a bare name on PATH is not cached on disk). */
async function binaryKey(binary: string): Promise<string | undefined> {
  if (!binary.includes('/')) return undefined;
  try {
    const s = await stat(binary);
    return createHash('sha256').update(`${PROBE_FORMAT}\0${binary}\0${s.size}\0${s.mtimeMs}`).digest('hex').slice(0, 24);
  } catch {
    return undefined;
  }
}

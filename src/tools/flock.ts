import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** An exclusive lock held by a `flock` process until released. */
export interface HeldLock {
  release(): void;
}

/**
 * Takes an exclusive flock(2) on `file` through util-linux `flock` (Node has no flock of its own)
 * and holds it until `release()`. Undefined where `flock` is missing or the lock is not had within
 * `timeoutMs`: callers then do without.
 */
export function holdExclusiveLock(file: string, timeoutMs = 5000): Promise<HeldLock | undefined> {
  return new Promise((resolve) => {
    const child = spawn('flock', ['--exclusive', '--wait', String(Math.ceil(timeoutMs / 1000)), file, '-c', 'echo locked; exec cat >/dev/null'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let settled = false;
    const settle = (lock: HeldLock | undefined) => {
      if (settled) return;
      settled = true;
      resolve(lock);
    };
    child.on('error', () => settle(undefined));
    child.on('exit', () => settle(undefined));
    createInterface({ input: child.stdout }).once('line', (line) => {
      if (line !== 'locked') return settle(undefined);
      settle({ release: () => child.stdin.end() });
    });
  });
}

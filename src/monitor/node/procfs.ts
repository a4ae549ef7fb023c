import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { containerIdsInCgroup } from './container-id';

// A procfs root is a parameter: `/proc` in the DaemonSet (host PID namespace), a fake tree in tests.

/** `/proc/PID/cgroup` is a few hundred bytes; a hostile or odd one stops here. */
const CGROUP_MAX = 64 * 1024;

/** Container ID → the lowest PID whose cgroup names it (a container's first process is usually its init). */
export async function containerProcesses(procRoot: string): Promise<Map<string, number>> {
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch (err) {
    throw new Error(`${procRoot} cannot be listed (${(err as NodeJS.ErrnoException).code ?? 'error'}): the node mode needs the host's /proc (hostPID)`);
  }
  const pids = entries.filter((e) => /^[1-9]\d*$/.test(e)).map(Number).sort((a, b) => a - b);
  const byId = new Map<string, number>();
  for (const pid of pids) {
    let text: string;
    try {
      // Processes come and go while we read: one gone is simply not there.
      text = (await readFile(path.join(procRoot, String(pid), 'cgroup'))).subarray(0, CGROUP_MAX).toString('utf8');
    } catch {
      continue;
    }
    for (const id of containerIdsInCgroup(text)) if (!byId.has(id)) byId.set(id, pid);
  }
  return byId;
}

/** The root filesystem of a process, as seen through procfs (the kernel follows it into the container). */
export function processRootDir(procRoot: string, pid: number): string {
  return path.join(procRoot, String(pid), 'root');
}


import { mkdir, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** A fake procfs: one directory per pid with a `cgroup` file, a `root` link to a tree and optionally `mountinfo`. */
export async function writeFakeProc(procRoot: string, processes: Array<{ pid: number; cgroup: string; root?: string; mountinfo?: string }>): Promise<void> {
  await mkdir(procRoot, { recursive: true });
  await writeFile(path.join(procRoot, 'uptime'), '1 1\n');
  await mkdir(path.join(procRoot, 'self'), { recursive: true });
  for (const p of processes) {
    const dir = path.join(procRoot, String(p.pid));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'cgroup'), p.cgroup);
    if (p.root) await symlink(p.root, path.join(dir, 'root'));
    if (p.mountinfo) await writeFile(path.join(dir, 'mountinfo'), p.mountinfo);
  }
}

import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

// Whether a container's packages may have changed since its last scan, without scanning: the stat
// of every package database (dpkg, rpm, apk) and of the directories language package managers
// install into. A package install rewrites its database or adds a directory entry, so size and
// mtime move; an unchanged fingerprint means the last scan still holds.

const PACKAGE_FILES = [
  'var/lib/dpkg/status',
  'lib/apk/db/installed',
  'var/lib/rpm/rpmdb.sqlite',
  'var/lib/rpm/Packages',
  'var/lib/rpm/Packages.db',
  'usr/lib/sysimage/rpm/rpmdb.sqlite',
];

/** Directories whose entries are packages (distroless dpkg, pip, npm): their mtime moves on an add or remove. */
const PACKAGE_DIRS = [
  'var/lib/dpkg/status.d',
  'usr/lib/python3/dist-packages',
  'usr/local/lib',
  'usr/lib/node_modules',
  'usr/local/lib/node_modules',
  'usr/local/bin',
];

/** A short hash of the package databases' stat under `rootDir`; missing ones count as missing. */
export async function packageFingerprint(rootDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of [...PACKAGE_FILES, ...PACKAGE_DIRS]) {
    try {
      const s = await stat(path.join(rootDir, rel));
      hash.update(`${rel} ${s.size} ${s.mtimeMs} ${s.ino}\n`);
    } catch {
      hash.update(`${rel} -\n`);
    }
  }
  // Python puts site-packages under a versioned directory: take each one's mtime too.
  for (const base of ['usr/local/lib', 'usr/lib']) {
    let names: string[] = [];
    try {
      names = (await readdir(path.join(rootDir, base))).filter((n) => /^python3(\.\d+)?$/.test(n)).sort();
    } catch {
      // none
    }
    for (const n of names) {
      for (const sub of ['site-packages', 'dist-packages']) {
        try {
          const s = await stat(path.join(rootDir, base, n, sub));
          hash.update(`${base}/${n}/${sub} ${s.mtimeMs}\n`);
        } catch {
          // none
        }
      }
    }
  }
  return hash.digest('hex').slice(0, 32);
}

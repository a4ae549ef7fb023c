/**
 * Private buildah storage for a test: temp --root and --runroot with the vfs driver, so tests never
 * touch the machine's image store and clean up everything they built.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildahStorage } from '../../src/tools/buildah';
import { buildahGlobalArgs } from '../../src/tools/buildah';

export interface TestBuildah {
  storage: BuildahStorage;
  /** Removes every container and image in this storage, then the directories. */
  cleanup(): Promise<void>;
}

/** Why buildah cannot run here (undefined = it can); tests skip with this reason. */
export function buildahUnavailableReason(): string | undefined {
  const r = spawnSync('buildah', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'buildah is not installed (Debian package buildah)';
  return undefined;
}

export function createTestBuildah(): TestBuildah {
  // Short path, like dockerd: buildah's runroot holds sockets and lock files.
  const dir = fs.mkdtempSync('/tmp/sbh-');
  const storage: BuildahStorage = { root: path.join(dir, 'root'), runroot: path.join(dir, 'run'), storageDriver: 'vfs' };
  return {
    storage,
    async cleanup() {
      const global = buildahGlobalArgs(storage);
      spawnSync('buildah', [...global, 'rm', '--all'], { stdio: 'ignore', timeout: 60_000 });
      spawnSync('buildah', [...global, 'rmi', '--all', '--force'], { stdio: 'ignore', timeout: 60_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

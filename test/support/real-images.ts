/**
 * Real Debian bookworm images for tests and benchmarks, built here with mmdebstrap from the machine's
 * configured apt sources (no image registry) and cached, keyed by (suite, variant, sorted package
 * list): `minbase` (~90 packages), `runtime` (minbase + Python and Node.js with npm: a few hundred
 * packages) and `runtime-drift` (runtime + one extra package).
 *
 * Cache: $SHIP_IMAGE_REAL_IMAGES, else ~/.cache/ship-image/real-images, one `<name>-<key>/` per
 * image holding `rootfs/` and `layout/` (an OCI image layout, tag `latest`). Parallel jest workers
 * build each image once (build-once.ts: a flock per image, every build into a temp dir renamed into place).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { buildOnce } from './build-once';
import { writeRootfsLayout } from './rootfs-layout';

export type RealImageName = 'minbase' | 'runtime' | 'runtime-drift';

export interface RealImageSpec {
  suite: string;
  variant: string;
  /** Packages beyond the variant's own (mmdebstrap --include). */
  include: readonly string[];
}

/** The package runtime-drift has and runtime lacks (its dependencies are all in runtime already). */
export const DRIFT_EXTRA_PACKAGE = 'less';

const RUNTIME_PACKAGES = ['python3', 'python3-pip', 'nodejs', 'npm'];

export const REAL_IMAGES: Readonly<Record<RealImageName, RealImageSpec>> = {
  minbase: { suite: 'bookworm', variant: 'minbase', include: [] },
  runtime: { suite: 'bookworm', variant: 'minbase', include: RUNTIME_PACKAGES },
  'runtime-drift': { suite: 'bookworm', variant: 'minbase', include: [...RUNTIME_PACKAGES, DRIFT_EXTRA_PACKAGE] },
};

export const REAL_IMAGE_NAMES = Object.keys(REAL_IMAGES) as RealImageName[];

/** Builds take a minute or two each; a worker waiting behind another's build waits this long. */
const LOCK_WAIT_MS = 30 * 60_000;

export function realImagesRoot(): string {
  return process.env.SHIP_IMAGE_REAL_IMAGES || path.join(homedir(), '.cache', 'ship-image', 'real-images');
}

export function realImageKey(spec: RealImageSpec): string {
  const identity = JSON.stringify({ suite: spec.suite, variant: spec.variant, include: [...new Set(spec.include)].sort() });
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

export function realImageDir(name: RealImageName): string {
  return path.join(realImagesRoot(), `${name}-${realImageKey(REAL_IMAGES[name])}`);
}

/** Whether `mmdebstrap` can run here (tests skip real-image cases where it cannot). */
export function canBuildRealImages(): boolean {
  if (process.env.SHIP_IMAGE_REAL_IMAGES_SKIP) return false;
  return ['/usr/bin/mmdebstrap', '/usr/local/bin/mmdebstrap'].some((p) => existsSync(p)) || pathHas('mmdebstrap');
}

const building = new Map<string, Promise<string>>();

/** The image's root filesystem directory (built on first use). Treat it as read-only. */
export function realRootfs(name: RealImageName): Promise<string> {
  return once(`rootfs:${name}`, () => ensure(name, 'rootfs', (target) => buildRootfs(REAL_IMAGES[name], target)));
}

/** The image as an OCI image layout: `dir`, and `ref` = `oci-layout:DIR:latest` as ship's `from` takes it. */
export async function realImageLayout(name: RealImageName): Promise<{ dir: string; ref: string }> {
  const dir = await once(`layout:${name}`, async () => {
    const rootfs = await realRootfs(name);
    return ensure(name, 'layout', async (target) => {
      await writeRootfsLayout(rootfs, target, { annotations: imageAnnotations(name) });
    });
  });
  return { dir, ref: `oci-layout:${dir}:latest` };
}

/** Package names in the rootfs's dpkg status database that are installed. */
export async function installedPackages(rootfs: string): Promise<string[]> {
  const status = await readFile(path.join(rootfs, 'var', 'lib', 'dpkg', 'status'), 'utf8');
  const names: string[] = [];
  for (const stanza of status.split(/\n\n+/)) {
    const pkg = /^Package: (.+)$/m.exec(stanza)?.[1];
    const state = /^Status: (.+)$/m.exec(stanza)?.[1];
    if (pkg && state?.endsWith(' installed')) names.push(pkg.trim());
  }
  return names.sort();
}

function imageAnnotations(name: RealImageName): Record<string, string> {
  const spec = REAL_IMAGES[name];
  return {
    'org.opencontainers.image.title': `ship-image real image ${name}`,
    'org.opencontainers.image.description': `Debian ${spec.suite} ${spec.variant}${spec.include.length ? ' + ' + spec.include.join(', ') : ''} (mmdebstrap)`,
    'org.opencontainers.image.base.name': `debian:${spec.suite}`,
    'org.opencontainers.image.version': realImageKey(spec),
  };
}

function once(key: string, make: () => Promise<string>): Promise<string> {
  let p = building.get(key);
  if (!p) {
    p = make();
    building.set(key, p);
    p.catch(() => building.delete(key));
  }
  return p;
}

/** `<image dir>/<part>`, built by `build(tmpTarget)` once across processes unless already there. */
function ensure(name: RealImageName, part: 'rootfs' | 'layout', build: (target: string) => Promise<void>): Promise<string> {
  const imageDir = realImageDir(name);
  return buildOnce(path.join(imageDir, part), path.join(imageDir, `.${part}.lock`), build, LOCK_WAIT_MS);
}

async function buildRootfs(spec: RealImageSpec, target: string): Promise<void> {
  const mode = process.env.SHIP_IMAGE_MMDEBSTRAP_MODE || (process.getuid?.() === 0 ? 'root' : 'unshare');
  const args = [`--mode=${mode}`, `--variant=${spec.variant}`, '--format=directory'];
  if (spec.include.length) args.push(`--include=${[...spec.include].sort().join(',')}`);
  args.push(spec.suite, target, ...aptSources());
  const logFile = `${target}.log`;
  const fd = openSync(logFile, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      // stdin is /dev/null: mmdebstrap reads sources from a non-tty stdin when given none
      const child = spawn('mmdebstrap', args, { stdio: ['ignore', fd, fd], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    if (code !== 0) {
      const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
      throw new Error(`mmdebstrap ${args.join(' ')} exited with ${code}:\n${tail}`);
    }
  } finally {
    closeSync(fd);
  }
}

/** The machine's configured apt sources files ($SHIP_IMAGE_APT_SOURCES: a `:`-separated list to use instead). */
export function aptSources(): string[] {
  if (process.env.SHIP_IMAGE_APT_SOURCES) return process.env.SHIP_IMAGE_APT_SOURCES.split(':').filter(Boolean);
  const files: string[] = [];
  const list = '/etc/apt/sources.list';
  if (existsSync(list) && /^\s*deb\s/m.test(readFileSync(list, 'utf8'))) files.push(list);
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (!/\.(list|sources)$/.test(f)) continue;
      const text = readFileSync(path.join(dir, f), 'utf8');
      // only Debian's own archive: third-party repositories (nodesource, cloud SDKs) change what "nodejs" means
      if (/deb\.debian\.org|snapshot\.debian\.org|security\.debian\.org/.test(text) || /\/debian(-security)?\b/.test(text)) files.push(path.join(dir, f));
    }
  }
  // none configured: Debian's own mirror (given explicitly, else mmdebstrap would read stdin)
  return files.length ? files : ['http://deb.debian.org/debian'];
}

function pathHas(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, bin)));
}

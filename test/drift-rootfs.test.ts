import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { driftBetween } from '../src/drift/drift';
import { scanRootfs } from '../src/drift/observe';
import { sbomPackages } from '../src/drift/sbom-packages';
import { runMain } from './support/run-main';
import { canBuildRealImages, DRIFT_EXTRA_PACKAGE, installedPackages, realRootfs } from './support/real-images';
import { trivyBinary } from './support/trivy';

// Real Debian trees (mmdebstrap: minutes on a first run, cached afterwards), SBOMed by the real trivy
// (rootfs scan, offline: an SBOM needs no vulnerability DB), and a real process chrooted into the
// drifted tree, scanned through /proc/PID/root.
const describeReal = canBuildRealImages() ? describe : describe.skip;
jest.setTimeout(40 * 60_000);

describeReal('drift on real Debian trees', () => {
  let work: string;
  const trees: Record<string, string> = {};
  const sbom: Record<string, string> = {};
  let sleeper: ChildProcess | undefined;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'drift-rootfs-'));
    for (const name of ['minbase', 'runtime', 'runtime-drift'] as const) trees[name] = await realRootfs(name);
    const trivy = trivyBinary();
    const cacheDir = path.join(work, 'trivy-cache');
    for (const [name, format] of [['minbase', 'cyclonedx'], ['runtime', 'cyclonedx'], ['runtime', 'spdx'], ['runtime-drift', 'cyclonedx'], ['runtime-drift', 'spdx']] as const) {
      const file = path.join(work, `${name}.${format === 'spdx' ? 'spdx' : 'cdx'}.json`);
      await writeFile(file, JSON.stringify(await scanRootfs(trees[name]!, { trivy, cacheDir, format })));
      sbom[`${name}.${format}`] = file;
    }
  });

  afterAll(async () => {
    if (sleeper?.pid) process.kill(sleeper.pid, 'SIGKILL');
    if (work) await rm(work, { recursive: true, force: true });
  });

  test.each([
    ['cyclonedx', 'cyclonedx'],
    ['cyclonedx', 'spdx'],
    ['spdx', 'cyclonedx'],
    ['spdx', 'spdx'],
  ])('runtime (%s) against runtime-drift (%s): the extra package is the only difference', async (a, b) => {
    const r = await runMain(['drift', '--attested', sbom[`runtime.${a}`]!, '--observed', sbom[`runtime-drift.${b}`]!, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const drift = JSON.parse(r.stdout) as { added: string[]; removed: string[]; changed: unknown[] };
    expect(drift.removed).toEqual([]);
    expect(drift.changed).toEqual([]);
    expect(drift.added).toHaveLength(1);
    expect(drift.added[0]).toMatch(new RegExp(`^pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@[0-9]`));
  });

  test('the same tree in CycloneDX and in SPDX is no drift (exit 0)', async () => {
    const r = await runMain(['drift', '--attested', sbom['runtime.cyclonedx']!, '--observed', sbom['runtime.spdx']!]);
    expect(r).toEqual({ code: 0, stdout: `drift between ${sbom['runtime.cyclonedx']} (attested) and ${sbom['runtime.spdx']} (observed): none\n`, stderr: '' });
  });

  test('minbase against runtime: every Debian package runtime adds is added, nothing removed or changed', async () => {
    const drift = driftBetween(JSON.parse(await readJson(sbom['minbase.cyclonedx']!)), JSON.parse(await readJson(sbom['runtime.cyclonedx']!)));
    const extra = await installedPackages(trees.runtime!);
    const minbase = new Set(await installedPackages(trees.minbase!));
    const addedDebs = drift.added.filter((p) => p.startsWith('pkg:deb/')).map((p) => /^pkg:deb\/debian\/([^@]+)@/.exec(p)![1]);
    expect(addedDebs.sort()).toEqual(extra.filter((p) => !minbase.has(p)).sort());
    expect(drift.removed).toEqual([]);
    expect(drift.changed).toEqual([]);
    // Python and npm modules installed by dpkg are the dpkg packages' files: trivy lists them once, as debs.
    expect(drift.added.filter((p) => !p.startsWith('pkg:deb/'))).toEqual([]);
  });

  test('--rootfs DIR: the drifted tree against the attested SBOM, as text', async () => {
    const r = await runMain(['drift', '--attested', sbom['runtime.spdx']!, '--rootfs', trees['runtime-drift']!, '--trivy', trivyBinary()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`drift between ${sbom['runtime.spdx']} (attested) and ${trees['runtime-drift']} (observed): 1 added, 0 removed, 0 changed`);
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^\\+ pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@`))]);
  });

  test('--pid PID: a real process chrooted into the drifted tree, scanned through /proc/PID/root', async () => {
    sleeper = spawn('chroot', [trees['runtime-drift']!, 'sleep', '300'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      sleeper!.once('spawn', resolve);
      sleeper!.once('error', reject);
    });
    const pid = await chrootedPid(sleeper.pid!, trees['runtime-drift']!);
    const r = await runMain(['drift', '--attested', sbom['runtime.cyclonedx']!, '--pid', String(pid), '--json', '--trivy', trivyBinary()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const drift = JSON.parse(r.stdout) as { added: string[]; removed: string[]; changed: unknown[] };
    expect(drift.added).toEqual([expect.stringMatching(new RegExp(`^pkg:deb/debian/${DRIFT_EXTRA_PACKAGE}@`))]);
    expect(drift.removed).toEqual([]);
    expect(drift.changed).toEqual([]);
    // And the same process against its own tree's SBOM: no drift.
    const same = await runMain(['drift', '--attested', sbom['runtime-drift.spdx']!, '--pid', String(pid), '--trivy', trivyBinary()]);
    expect(same.code).toBe(0);
  });

  test('bad input is one line and exit 2', async () => {
    const noPid = await runMain(['drift', '--attested', sbom['runtime.spdx']!, '--pid', '999999999', '--trivy', trivyBinary()]);
    expect(noPid.code).toBe(2);
    expect(noPid.stderr).toMatch(/^ship-image drift: \/proc\/999999999\/root cannot be read \(no such directory\)\n$/);
    const notSbom = path.join(work, 'not-sbom.json');
    await writeFile(notSbom, '{"hello":1}');
    const bad = await runMain(['drift', '--attested', notSbom, '--observed', sbom['runtime.spdx']!]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')).toHaveLength(2);
    expect(sbomPackages(JSON.parse(await readJson(sbom['runtime.spdx']!))).format).toBe('spdx');
  });
});

async function readJson(file: string): Promise<string> {
  return (await import('node:fs/promises')).readFile(file, 'utf8');
}

/** `chroot` execs `sleep` in place, so the child's pid is the chrooted process; wait until its root moved. */
async function chrootedPid(pid: number, root: string): Promise<number> {
  const { readlink } = await import('node:fs/promises');
  for (let i = 0; i < 600; i++) {
    if ((await readlink(`/proc/${pid}/root`).catch(() => '')) === root) return pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`process ${pid} never entered ${root}`);
}

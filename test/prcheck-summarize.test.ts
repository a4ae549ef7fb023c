import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { makeSummarizeCommand } from '../src/cli/commands/summarize';
import { buildLayerTar } from '../src/fixture-db/fixture-image';
import { FIXTURE_ROOTFS } from '../src/fixture-db/fixture-rootfs';
import { sha256Digest } from '../src/oci/digest';
import { ANNOTATION, OCI_CONFIG, OCI_LAYER_TAR_GZIP, OCI_MANIFEST, OCI_INDEX } from '../src/oci/media-types';
import { generateSbom, scanSbom } from '../src/tools/trivy';
import { prepareFixtureDb, trivyBinary } from './support/trivy';

// prcheck: `summarize` on the real trivy's reports of two real images (OCI layouts) that differ by
// real packages, scanned offline with the fixture DB (the same snapshot for both, as a fair
// baseline needs), and on the grype report sample.
//
// base: the fixture image with libc6 2.36-9+deb12u1 (CVE-2023-4911 HIGH) and no npm packages.
// head: libc6 upgraded to 2.36-9+deb12u3 (CVE-2023-4911 fixed), lodash 4.17.11 and minimist 1.2.5 added.

const HEAD_ROOTFS: Record<string, string> = {
  ...FIXTURE_ROOTFS,
  'var/lib/dpkg/status': FIXTURE_ROOTFS['var/lib/dpkg/status']!.replace(/(Package: libc6\n(?:[^\n]+\n)*?Version: )2\.36-9\+deb12u1/, '$12.36-9+deb12u3'),
};
const BASE_ROOTFS: Record<string, string> = Object.fromEntries(Object.entries(FIXTURE_ROOTFS).filter(([p]) => !p.startsWith('app/node_modules/')));

async function writeLayout(dir: string, files: Record<string, string>): Promise<void> {
  const tar = await buildLayerTar(files);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } }));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER_TAR_GZIP, digest: sha256Digest(layer), size: layer.length }],
    }),
  );
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [layer, config, manifest]) await writeFile(join(dir, 'blobs', 'sha256', sha256Digest(blob).slice(7)), blob);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: sha256Digest(manifest), size: manifest.length, annotations: { [ANNOTATION.refName]: 'v1' } }] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

describe('ship-image summarize on real scans', () => {
  const binary = trivyBinary();
  let work: string;
  let out = '';
  const cmd = makeSummarizeCommand({ writeStdout: (t) => void (out += t), now: () => new Date('2026-01-03T00:00:00Z') });
  const run = async (...argv: string[]) => {
    out = '';
    const code = await cmd.run(argv);
    return { code, out };
  };

  beforeAll(async () => {
    expect(HEAD_ROOTFS['var/lib/dpkg/status']).toContain('Version: 2.36-9+deb12u3');
    work = await mkdtemp(join(tmpdir(), 'ship-image-prcheck-'));
    const cacheDir = join(work, 'cache');
    await prepareFixtureDb(cacheDir, new Date('2026-01-01T00:00:00Z'));
    for (const [name, files] of [['head', HEAD_ROOTFS], ['base', BASE_ROOTFS]] as const) {
      await writeLayout(join(work, name), files);
      const sbom = await generateSbom({ binary, image: { kind: 'oci-layout', dir: join(work, name), ref: 'v1' }, format: 'cyclonedx', cacheDir: join(work, `sbom-cache-${name}`), offline: true, outputPath: join(work, `${name}.cdx.json`) });
      const scan = await scanSbom({ binary, sbomPath: sbom.path, cacheDir, offline: true, ignoreUnfixed: false });
      await writeFile(join(work, `${name}.trivy.json`), JSON.stringify(scan.report));
    }
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('json: new, fixed and unchanged between the two images, DB version and age', async () => {
    const { code, out } = await run('--scan', join(work, 'head.trivy.json'), '--base', join(work, 'base.trivy.json'), '--format', 'json', '--db-metadata', join(work, 'cache', 'db', 'metadata.json'));
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['counts', 'new', 'fixed', 'unchanged', 'db']);
    const ids = (list: Array<{ id: string; package: string; installed: string }>) => list.map((f) => `${f.id} ${f.package} ${f.installed}`).sort();
    expect(ids(json.new)).toEqual([
      'CVE-2010-4756 libc6 2.36-9+deb12u3', // same CVE, another installed version: new by the matching rule
      'CVE-2019-10744 lodash 4.17.11',
      'CVE-2020-28500 lodash 4.17.11',
      'CVE-2021-44906 minimist 1.2.5',
    ]);
    expect(ids(json.fixed)).toEqual(['CVE-2010-4756 libc6 2.36-9+deb12u1', 'CVE-2023-4911 libc6 2.36-9+deb12u1']);
    expect(json.unchanged).toBe(2); // zlib1g and libssl3
    expect(json.counts).toEqual({ critical: 3, high: 1, medium: 1, low: 1, unknown: 0 });
    expect(json.new.find((f: { id: string }) => f.id === 'CVE-2019-10744')).toEqual({ id: 'CVE-2019-10744', package: 'lodash', installed: '4.17.11', fixed: '4.17.12', severity: 'CRITICAL' });
    expect(json.db).toMatchObject({ version: 'trivy-db v2', builtAt: '2026-01-01T00:00:00.000Z' });
  });

  it('markdown and fail-on-new: exit 1 on a new CRITICAL, exit 0 when only old ones are gated', async () => {
    const head = join(work, 'head.trivy.json');
    const base = join(work, 'base.trivy.json');
    const failed = await run('--scan', head, '--base', base, '--fail-on-new', 'critical', '--image', 'ghcr.io/acme/app');
    expect(failed.code).toBe(1);
    expect(failed.out).toContain('❌ **Gate failed**: 2 new finding(s) at or above critical (fail-on-new)');
    expect(failed.out).toContain('| [CVE-2021-44906](https://nvd.nist.gov/vuln/detail/CVE-2021-44906) | minimist | 1\\.2.5 → 0\\.2.4, 1.2.6 | CRITICAL |');
    expect(failed.out).toMatch(/<details><summary>Fixed by this change \(2\)<\/summary>[^]*CVE-2023-4911/);
    // The base against itself: nothing new, the old CRITICAL (zlib1g, no fix) fails only a totals gate.
    expect((await run('--scan', base, '--base', base, '--fail-on-new', 'critical')).code).toBe(0);
    expect((await run('--scan', base, '--base', base, '--fail-on', 'critical')).code).toBe(1);
    expect((await run('--scan', base, '--base', base, '--fail-on', 'critical', '--fixable-only')).code).toBe(0);
  });

  it('the grype sample against its patched version', async () => {
    const g = (n: string) => join(__dirname, 'fixtures', 'grype', n);
    const { code, out } = await run('--scan', g('patched.json'), '--base', g('vulnerable.json'), '--format', 'json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.fixed.map((f: { id: string }) => f.id).sort()).toEqual(['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853']);
    expect(json.new).toEqual([]);
    expect(json.db).toMatchObject({ scanner: 'grype 0.87.0', builtAt: '2026-03-10T01:23:45Z' });
  });

  it('bad input is a user error', async () => {
    await expect(run('--scan', join(work, 'missing.json'))).rejects.toThrow(/missing\.json/);
    await writeFile(join(work, 'junk.json'), '{"hello":1}');
    await expect(run('--scan', join(work, 'junk.json'))).rejects.toThrow(/neither a trivy nor a grype JSON report/);
    await expect(run('--scan', join(work, 'head.trivy.json'), '--format', 'xml')).rejects.toThrow(/--format 'xml'/);
    await expect(run('--scan', join(work, 'head.trivy.json'), '--fail-on-new', 'severe')).rejects.toThrow(/--fail-on-new 'severe'/);
    expect(JSON.parse(await readFile(join(work, 'base.trivy.json'), 'utf8')).SchemaVersion).toBe(2);
  });
});

import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { ANNOTATION, OCI_LAYER_TAR_GZIP } from '../src/oci/media-types';
import type { ImageIndex, ImageManifest } from '../src/oci/types';
import { canBuildRealImages, DRIFT_EXTRA_PACKAGE, installedPackages, realImageLayout, realRootfs } from './support/real-images';

// Real Debian images built by mmdebstrap (minutes on a first run; cached afterwards).
const describeReal = canBuildRealImages() ? describe : describe.skip;
jest.setTimeout(40 * 60_000);

describeReal('real images (mmdebstrap)', () => {
  test('minbase is a Debian minbase: about 90 packages, dpkg and apt among them', async () => {
    const packages = await installedPackages(await realRootfs('minbase'));
    expect(packages.length).toBeGreaterThanOrEqual(80);
    expect(packages.length).toBeLessThanOrEqual(130);
    expect(packages).toEqual(expect.arrayContaining(['apt', 'base-files', 'dpkg', 'libc6']));
  });

  test('runtime adds a language runtime and its packages: a few hundred', async () => {
    const minbase = await installedPackages(await realRootfs('minbase'));
    const runtime = await installedPackages(await realRootfs('runtime'));
    expect(runtime.length).toBeGreaterThanOrEqual(200);
    expect(runtime).toEqual(expect.arrayContaining(['python3', 'nodejs', 'npm', ...minbase]));
  });

  test('runtime-drift is runtime plus exactly the one extra package', async () => {
    const runtime = await installedPackages(await realRootfs('runtime'));
    const drift = await installedPackages(await realRootfs('runtime-drift'));
    expect(runtime).not.toContain(DRIFT_EXTRA_PACKAGE);
    expect(drift.filter((p) => !runtime.includes(p))).toEqual([DRIFT_EXTRA_PACKAGE]);
    expect(runtime.filter((p) => !drift.includes(p))).toEqual([]);
  });

  test('the OCI layout is one gzip layer with blobs that match their descriptors', async () => {
    const { dir, ref } = await realImageLayout('minbase');
    expect(ref).toBe(`oci-layout:${dir}:latest`);
    const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as ImageIndex;
    const entry = index.manifests.find((d) => d.annotations?.[ANNOTATION.refName] === 'latest')!;
    const blob = (digest: string) => path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
    const manifest = JSON.parse(await readFile(blob(entry.digest), 'utf8')) as ImageManifest;
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0]!.mediaType).toBe(OCI_LAYER_TAR_GZIP);
    expect(manifest.annotations?.[ANNOTATION.created]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await stat(blob(manifest.layers[0]!.digest))).size).toBe(manifest.layers[0]!.size);
    expect((await stat(blob(manifest.config.digest))).size).toBe(manifest.config.size);
    const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8')) as { rootfs: { diff_ids: string[] }; created: string };
    expect(config.rootfs.diff_ids).toHaveLength(1);
    expect(config.created).toBe(manifest.annotations?.[ANNOTATION.created]);
  });
});

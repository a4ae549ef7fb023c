// sbomThenScan: the scan's trivy process starts beside the SBOM pass and waits on the DB lock; the
// result must be exactly what the plain SBOM-then-scan sequence gives, with no fallback taken.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../src/core/log';
import { writeFixtureImageLayout } from '../src/fixture-db/fixture-image';
import { fromTrivyReport } from '../src/scan/trivy-report';
import { generateSbom, sbomThenScan, scanSbom } from '../src/tools/trivy';
import { prepareFixtureDb, trivyBinary } from './support/trivy';

describe('sbomThenScan', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ship-image-overlap-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('finds what the sequential pipeline finds, without falling back', async () => {
    const binary = trivyBinary();
    const cacheDir = join(work, 'cache');
    await prepareFixtureDb(cacheDir);
    const { digest } = await writeFixtureImageLayout(join(work, 'layout'), 'v1');
    const image = { kind: 'oci-layout' as const, dir: join(work, 'layout'), ref: digest };
    const debug: string[] = [];
    const logger: Logger = { info: () => undefined, warn: () => undefined, debug: (m) => debug.push(m) };

    const overlapped = await sbomThenScan(
      { binary, image, format: 'cyclonedx', cacheDir, offline: true, outputPath: join(work, 'a.cdx.json'), logger },
      { cacheDir, offline: true, ignoreUnfixed: false, outputPath: join(work, 'a.trivy.json') },
    );
    expect(debug.filter((m) => m.includes('early scan failed'))).toEqual([]);

    const sbom = await generateSbom({ binary, image, format: 'cyclonedx', cacheDir: join(work, 'cache-seq'), offline: true, outputPath: join(work, 'b.cdx.json') });
    await prepareFixtureDb(join(work, 'cache-seq'));
    const plain = await scanSbom({ binary, sbomPath: sbom.path, cacheDir: join(work, 'cache-seq'), offline: true, ignoreUnfixed: false, outputPath: join(work, 'b.trivy.json') });

    const ids = (r: typeof plain.report) => fromTrivyReport(r).map((v) => `${v.id} ${v.packageName} ${v.installedVersion}`).sort();
    expect(ids(overlapped.scan.report)).toEqual(ids(plain.report));
    expect(ids(overlapped.scan.report)).toContain('CVE-2019-10744 lodash 4.17.11');
    expect((overlapped.sbom.document.components as unknown[]).length).toBe((sbom.document.components as unknown[]).length);
  });
});

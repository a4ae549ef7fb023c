import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFixtureImageLayout } from '../src/fixture-db/fixture-image';
import { countBySeverity, failOnExceeded, fromTrivyReport, type Vulnerability } from '../src/scan/model';
import { generateSbom, scanSbom, trivyVersion, type ScanResult, type SbomResult } from '../src/tools/trivy';
import { prepareFixtureDb, trivyBinary } from './support/trivy';

// The real trivy, offline, on the fixture image (OCI layout, no builder) with the fixture DB.
// Trivy is slow on two cores: four runs in all, shared by the tests below.

const EXPECTED: Array<[id: string, pkg: string, installed: string, severity: string, fixed: string | undefined]> = [
  ['CVE-2010-4756', 'libc6', '2.36-9+deb12u1', 'LOW', undefined],
  ['CVE-2019-10744', 'lodash', '4.17.11', 'CRITICAL', '4.17.12'],
  ['CVE-2020-28500', 'lodash', '4.17.11', 'MEDIUM', '4.17.21'],
  ['CVE-2021-44906', 'minimist', '1.2.5', 'CRITICAL', '0.2.4, 1.2.6'],
  ['CVE-2023-45853', 'zlib1g', '1:1.2.13.dfsg-1', 'CRITICAL', undefined],
  ['CVE-2023-4911', 'libc6', '2.36-9+deb12u1', 'HIGH', '2.36-9+deb12u3'],
  ['CVE-2023-5363', 'libssl3', '3.0.11-1~deb12u1', 'HIGH', '3.0.11-1~deb12u2'],
];

function summary(vulns: Vulnerability[]) {
  return vulns
    .map((v) => [v.id, v.packageName, v.installedVersion, v.severity, v.fixedVersion] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

describe('trivy on the fixture image with the fixture DB', () => {
  const binary = trivyBinary();
  let work: string;
  let cacheDir: string;
  let cdx: SbomResult;
  let spdx: SbomResult;
  let cdxScan: ScanResult;
  let spdxScan: ScanResult;
  const dbTime = new Date('2026-01-02T03:04:05Z');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ship-image-scan-test-'));
    cacheDir = join(work, 'cache');
    await prepareFixtureDb(cacheDir, dbTime);
    const layout = join(work, 'layout');
    const { digest } = await writeFixtureImageLayout(layout, 'v1');
    const image = { kind: 'oci-layout' as const, dir: layout, ref: digest };
    [cdx, spdx] = await Promise.all([
      generateSbom({ binary, image, format: 'cyclonedx', cacheDir, offline: true, outputPath: join(work, 'sbom.cdx.json') }),
      generateSbom({ binary, image: { ...image, ref: 'v1' }, format: 'spdx', cacheDir: join(work, 'cache2'), offline: true, outputPath: join(work, 'sbom.spdx.json') }),
    ]);
    [cdxScan, spdxScan] = await Promise.all([
      scanSbom({ binary, sbomPath: cdx.path, cacheDir, offline: true, ignoreUnfixed: false }),
      scanSbom({ binary, sbomPath: spdx.path, cacheDir, offline: true, ignoreUnfixed: false }),
    ]);
  }, 300_000);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('writes a CycloneDX SBOM listing the Debian and npm packages', async () => {
    expect(cdx.path).toBe(join(work, 'sbom.cdx.json'));
    expect(cdx.document.bomFormat).toBe('CycloneDX');
    expect(JSON.parse(await readFile(cdx.path, 'utf8'))).toEqual(cdx.document);
    const purls = (cdx.document.components as Array<{ purl?: string }>).map((c) => c.purl).filter(Boolean);
    expect(purls).toEqual(expect.arrayContaining([expect.stringMatching(/^pkg:deb\/debian\/libssl3@3\.0\.11-1~deb12u1/), expect.stringMatching(/^pkg:npm\/lodash@4\.17\.11/)]));
    expect(cdx.toolVersion).toBe(await trivyVersion(binary));
  });

  it('writes an SPDX SBOM', () => {
    expect(spdx.document.spdxVersion).toMatch(/^SPDX-2\./);
    expect(JSON.stringify(spdx.document)).toContain('pkg:npm/minimist@1.2.5');
  });

  it('finds exactly the expected CVEs from the CycloneDX SBOM', () => {
    expect(summary(fromTrivyReport(cdxScan.report))).toEqual(EXPECTED);
  });

  it('finds the same CVEs from the SPDX SBOM', () => {
    expect(summary(fromTrivyReport(spdxScan.report))).toEqual(EXPECTED);
  });

  it('normalizes details and reports the DB version and scan times', () => {
    const lodash = fromTrivyReport(cdxScan.report).find((v) => v.id === 'CVE-2019-10744')!;
    expect(lodash).toMatchObject({
      publishedDate: '2019-07-26T00:15:11Z',
      title: expect.stringContaining('prototype pollution'),
      url: expect.stringContaining('cve-2019-10744'),
    });
    expect(lodash.purl).toMatch(/^pkg:npm\/lodash@4\.17\.11/);
    expect(cdxScan.dbVersion.updatedAt).toBe(dbTime.toISOString());
    expect(cdxScan.dbVersion.nextUpdate).toBe('2026-01-03T03:04:05.000Z');
    expect(cdxScan.startedOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(cdxScan.finishedOn)).toBeGreaterThanOrEqual(Date.parse(cdxScan.startedOn));
  });

  it('counts by severity and applies the fail-on gate', () => {
    const vulns = fromTrivyReport(cdxScan.report);
    expect(countBySeverity(vulns)).toEqual({ critical: 3, high: 2, medium: 1, low: 1, unknown: 0 });
    expect(failOnExceeded(vulns, 'critical', false).map((v) => v.id)).toEqual(['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853']);
    expect(failOnExceeded(vulns, 'critical', true).map((v) => v.id)).toEqual(['CVE-2019-10744', 'CVE-2021-44906']);
    expect(failOnExceeded(vulns, 'high', true)).toHaveLength(4);
    expect(failOnExceeded(vulns, 'low', false)).toHaveLength(7);
    expect(failOnExceeded(vulns, 'none', false)).toEqual([]);
  });
});

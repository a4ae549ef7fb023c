import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { countBySeverity, fromGrypeReport, type GrypeReport } from '../scan/model';
import { grypeDbBuilt, grypeScan, grypeScanCommand, parseGrypeVersion } from './grype';

// A trimmed grype 0.87 `-o json` report of the fixture image: one GHSA match (CVE in
// relatedVulnerabilities), the same CVE matched again by CPE (a duplicate), and a Debian match.
const GRYPE_SAMPLE: GrypeReport = {
  matches: [
    {
      vulnerability: {
        id: 'GHSA-jf85-cpcp-j695',
        dataSource: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
        severity: 'Critical',
        urls: ['https://github.com/advisories/GHSA-jf85-cpcp-j695'],
        description: 'Prototype Pollution in lodash',
        fix: { versions: ['4.17.12'], state: 'fixed' },
      },
      relatedVulnerabilities: [
        { id: 'CVE-2019-10744', dataSource: 'https://nvd.nist.gov/vuln/detail/CVE-2019-10744', severity: 'Critical', description: 'Versions of lodash lower than 4.17.12 are vulnerable to Prototype Pollution.' },
      ],
      artifact: { name: 'lodash', version: '4.17.11', type: 'npm', purl: 'pkg:npm/lodash@4.17.11' },
    },
    {
      vulnerability: {
        id: 'CVE-2019-10744',
        dataSource: 'https://nvd.nist.gov/vuln/detail/CVE-2019-10744',
        severity: 'Critical',
        fix: { versions: [], state: 'unknown' },
      },
      artifact: { name: 'lodash', version: '4.17.11', type: 'npm', purl: 'pkg:npm/lodash@4.17.11' },
    },
    {
      vulnerability: {
        id: 'CVE-2023-45853',
        dataSource: 'https://security-tracker.debian.org/tracker/CVE-2023-45853',
        severity: 'Negligible',
        fix: { versions: [], state: 'wont-fix' },
      },
      relatedVulnerabilities: [{ id: 'CVE-2023-45853', severity: 'Critical', description: 'MiniZip in zlib through 1.3 has an integer overflow.' }],
      artifact: { name: 'zlib1g', version: '1:1.2.13.dfsg-1', type: 'deb', purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib' },
    },
  ],
  descriptor: { name: 'grype', version: '0.87.0', db: { built: '2026-03-10T01:23:45Z', schemaVersion: 5 } },
};

describe('grype', () => {
  it('normalizes a report: CVE ids over GHSA ids, fixes, severities, duplicates removed', () => {
    const vulns = fromGrypeReport(GRYPE_SAMPLE);
    expect(vulns).toEqual([
      {
        id: 'CVE-2019-10744',
        packageName: 'lodash',
        purl: 'pkg:npm/lodash@4.17.11',
        installedVersion: '4.17.11',
        fixedVersion: '4.17.12',
        severity: 'CRITICAL',
        title: 'Prototype Pollution in lodash',
        url: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
        packageType: 'npm',
      },
      {
        id: 'CVE-2023-45853',
        packageName: 'zlib1g',
        purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib',
        installedVersion: '1:1.2.13.dfsg-1',
        severity: 'LOW',
        url: 'https://security-tracker.debian.org/tracker/CVE-2023-45853',
        packageType: 'deb',
      },
    ]);
    expect(countBySeverity(vulns)).toEqual({ critical: 1, high: 0, medium: 0, low: 1, unknown: 0 });
    expect(grypeDbBuilt(GRYPE_SAMPLE)).toBe('2026-03-10T01:23:45Z');
    expect(grypeDbBuilt({ descriptor: { db: { status: { built: '2026-01-01T00:00:00Z' } } } })).toBe('2026-01-01T00:00:00Z');
  });

  it('builds an offline SBOM scan command', () => {
    expect(grypeScanCommand({ sbomPath: '/s.json', outputPath: '/r.json', dbCacheDir: '/db', offline: true, ignoreUnfixed: true, maxDbAge: '5d' })).toEqual({
      args: ['sbom:/s.json', '--output', 'json', '--file', '/r.json', '--quiet', '--only-fixed'],
      env: { GRYPE_CHECK_FOR_APP_UPDATE: 'false', GRYPE_DB_CACHE_DIR: '/db', GRYPE_DB_AUTO_UPDATE: 'false', GRYPE_DB_MAX_ALLOWED_BUILT_AGE: '120h' },
    });
  });

  it('builds image scan commands with credentials in the environment', () => {
    const cmd = grypeScanCommand({ image: { kind: 'registry', ref: 'localhost:5000/a/b:v1', insecure: true, username: 'u', password: 'p4ssw0rd!' }, outputPath: '/r', offline: false, ignoreUnfixed: false, platform: 'linux/amd64' });
    expect(cmd.args).toEqual(['registry:localhost:5000/a/b:v1', '--output', 'json', '--file', '/r', '--quiet', '--platform', 'linux/amd64']);
    expect(cmd.args.join(' ')).not.toContain('p4ssw0rd!');
    expect(cmd.env).toMatchObject({
      GRYPE_REGISTRY_AUTH_AUTHORITY: 'localhost:5000',
      GRYPE_REGISTRY_AUTH_USERNAME: 'u',
      GRYPE_REGISTRY_AUTH_PASSWORD: 'p4ssw0rd!',
      GRYPE_REGISTRY_INSECURE_USE_HTTP: 'true',
    });
    expect(grypeScanCommand({ image: { kind: 'oci-layout', dir: '/l' }, outputPath: '/r', offline: false, ignoreUnfixed: false }).args[0]).toBe('oci-dir:/l');
    expect(() => grypeScanCommand({ outputPath: '/r', offline: false, ignoreUnfixed: false })).toThrow(UserError);
  });

  it('runs through an injected runner and reads the report file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-image-grype-'));
    try {
      const outputPath = join(dir, 'r.json');
      const calls: string[][] = [];
      const result = await grypeScan({
        sbomPath: '/s.json',
        outputPath,
        offline: true,
        ignoreUnfixed: false,
        run: async (_bin, args) => {
          calls.push(args);
          await writeFile(outputPath, JSON.stringify(GRYPE_SAMPLE));
          return '';
        },
      });
      expect(calls).toHaveLength(1);
      expect(result.toolVersion).toBe('0.87.0');
      expect(result.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2019-10744', 'CVE-2023-45853']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('parses the version output', () => {
    expect(parseGrypeVersion('{"application":"grype","version":"0.87.0","buildDate":"2025-01-01"}')).toBe('0.87.0');
  });
});

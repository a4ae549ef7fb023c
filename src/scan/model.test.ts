import { countBySeverity, dedupe, failOnExceeded, fromTrivyReport, isFailOn, normalizeSeverity, type Vulnerability } from './model';

const v = (id: string, severity: Vulnerability['severity'], fixedVersion?: string, packageName = 'pkg', installedVersion = '1.0'): Vulnerability => ({
  id,
  packageName,
  installedVersion,
  severity,
  ...(fixedVersion ? { fixedVersion } : {}),
});

describe('vulnerability model', () => {
  const vulns = [
    v('CVE-1', 'CRITICAL', '2.0'),
    v('CVE-2', 'CRITICAL'),
    v('CVE-3', 'HIGH', '1.1'),
    v('CVE-4', 'MEDIUM'),
    v('CVE-5', 'LOW', '1.2'),
    v('CVE-6', 'UNKNOWN'),
    v('CVE-1', 'CRITICAL', '2.0'), // duplicate
    v('CVE-1', 'CRITICAL', '2.0', 'other-pkg'), // same CVE, other package: counted
  ];

  it('deduplicates by (id, package, version)', () => {
    expect(dedupe(vulns)).toHaveLength(7);
    expect(dedupe([v('CVE-1', 'LOW', undefined, 'p', '1'), v('CVE-1', 'LOW', undefined, 'p', '2')])).toHaveLength(2);
  });

  it('counts by severity', () => {
    expect(countBySeverity(vulns)).toEqual({ critical: 3, high: 1, medium: 1, low: 1, unknown: 1 });
    expect(countBySeverity([])).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 });
  });

  it.each([
    ['critical', false, ['CVE-1/other-pkg', 'CVE-1/pkg', 'CVE-2/pkg']],
    ['critical', true, ['CVE-1/other-pkg', 'CVE-1/pkg']],
    ['high', false, ['CVE-1/other-pkg', 'CVE-1/pkg', 'CVE-2/pkg', 'CVE-3/pkg']],
    ['medium', true, ['CVE-1/other-pkg', 'CVE-1/pkg', 'CVE-3/pkg']],
    ['low', false, ['CVE-1/other-pkg', 'CVE-1/pkg', 'CVE-2/pkg', 'CVE-3/pkg', 'CVE-4/pkg', 'CVE-5/pkg']],
    ['none', false, []],
  ] as const)('fail-on %s (ignore unfixed: %s) lists the offenders, most severe first', (failOn, ignoreUnfixed, expected) => {
    expect(failOnExceeded(vulns, failOn, ignoreUnfixed).map((x) => `${x.id}/${x.packageName}`)).toEqual(expected);
  });

  it('normalizes severities and validates fail-on values', () => {
    expect(normalizeSeverity('high')).toBe('HIGH');
    expect(normalizeSeverity('Negligible')).toBe('LOW');
    expect(normalizeSeverity('whatever')).toBe('UNKNOWN');
    expect(normalizeSeverity(undefined)).toBe('UNKNOWN');
    expect(isFailOn('high')).toBe(true);
    expect(isFailOn('HIGH')).toBe(false);
  });

  it('reads a trivy report, old (PkgRef) and new (PkgIdentifier) shapes, without undefined fields', () => {
    const vulns = fromTrivyReport({
      SchemaVersion: 2,
      Results: [
        { Target: 'debian', Vulnerabilities: [{ VulnerabilityID: 'CVE-2023-45853', PkgName: 'zlib1g', InstalledVersion: '1:1.2.13.dfsg-1', Severity: 'CRITICAL', PkgIdentifier: { PURL: 'pkg:deb/debian/zlib1g@1.2.13' } }] },
        { Target: 'Node.js', Vulnerabilities: [{ VulnerabilityID: 'CVE-2019-10744', PkgName: 'lodash', InstalledVersion: '4.17.11', FixedVersion: '4.17.12', Severity: 'CRITICAL', PkgRef: 'pkg:npm/lodash@4.17.11', Title: 't', PublishedDate: '2019-07-26T00:15:11Z', PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2019-10744' }] },
        { Target: 'empty', Vulnerabilities: null },
      ],
    });
    expect(vulns).toEqual([
      { id: 'CVE-2023-45853', packageName: 'zlib1g', purl: 'pkg:deb/debian/zlib1g@1.2.13', installedVersion: '1:1.2.13.dfsg-1', severity: 'CRITICAL' },
      { id: 'CVE-2019-10744', packageName: 'lodash', purl: 'pkg:npm/lodash@4.17.11', installedVersion: '4.17.11', fixedVersion: '4.17.12', severity: 'CRITICAL', title: 't', publishedDate: '2019-07-26T00:15:11Z', url: 'https://avd.aquasec.com/nvd/cve-2019-10744' },
    ]);
    expect(fromTrivyReport({})).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fromGrypeReport, fromTrivyReport, mergeResultsShapes, readResultsShape, toResultsShape, type GrypeReport } from './model';

const grypeReport = JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/grype/vulnerable.json'), 'utf8')) as GrypeReport;
const withoutType = <T extends { packageType?: string }>(vulns: T[]) => vulns.map(({ packageType: _t, ...rest }) => rest);

describe('the vuln predicate result shape', () => {
  test('grype findings are written with trivy field names, grouped by package type', () => {
    const shape = toResultsShape(fromGrypeReport(grypeReport), 'reg/acme/app@sha256:abc');
    expect(shape.Results.map((r) => [r.Target, r.Class, r.Type, r.Vulnerabilities?.length])).toEqual([
      ['reg/acme/app@sha256:abc', 'lang-pkgs', 'npm', 2],
      ['reg/acme/app@sha256:abc', 'os-pkgs', 'deb', 1],
    ]);
    expect(shape.Results[0]!.Vulnerabilities![0]).toEqual({
      VulnerabilityID: 'CVE-2019-10744',
      PkgName: 'lodash',
      PkgIdentifier: { PURL: 'pkg:npm/lodash@4.17.11' },
      InstalledVersion: '4.17.11',
      FixedVersion: '4.17.12',
      Severity: 'CRITICAL',
      Title: 'Prototype Pollution in lodash',
      PrimaryURL: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
    });
    expect(toResultsShape([], 'x')).toEqual({ Results: [] });
  });

  test('the one reader gives back the normalized model, for grype and for trivy reports alike', () => {
    const vulns = fromGrypeReport(grypeReport);
    const read = readResultsShape(toResultsShape(vulns, 't'));
    expect(read).toEqual({ ok: true, vulnerabilities: vulns });
    const trivy = { SchemaVersion: 2, Results: [{ Target: 'Node.js', Type: 'node-pkg', Vulnerabilities: [{ VulnerabilityID: 'CVE-1', PkgName: 'p', InstalledVersion: '1', Severity: 'CRITICAL', PublishedDate: '2020-01-01T00:00:00Z' }] }] };
    const fromReader = readResultsShape(trivy);
    expect(fromReader.ok && withoutType(fromReader.vulnerabilities)).toEqual(fromTrivyReport(trivy));
  });

  test('the reader is as strict as the engines: Results a list, Vulnerabilities lists, severities as spelled', () => {
    expect(readResultsShape({})).toEqual({ ok: false, error: 'has no scanner.result.Results list' });
    expect(readResultsShape(undefined).ok).toBe(false);
    expect(readResultsShape({ Results: [{ Target: 't', Vulnerabilities: 'x' }] })).toEqual({ ok: false, error: 'has a Vulnerabilities entry that is not a list' });
    const read = readResultsShape({ Results: [{ Target: 't', Vulnerabilities: null }, { Target: 'u', Vulnerabilities: [{ VulnerabilityID: 'CVE-2', PkgName: 'q', InstalledVersion: '1', Severity: 'critical' }, null] }] });
    expect(read).toEqual({ ok: true, vulnerabilities: [{ id: 'CVE-2', packageName: 'q', installedVersion: '1', severity: 'UNKNOWN' }] });
  });

  test('a multi-platform result holds every platform, each Target labelled with its platform', () => {
    const merged = mergeResultsShapes([
      { platform: 'linux/amd64', result: { Results: [{ Target: 'debian 12', Vulnerabilities: [] }] } },
      { platform: 'linux/arm64', result: { Results: [{ Target: 'Node.js' }, { Target: 'debian 12' }] } },
    ]);
    expect(merged.Results.map((r) => r.Target)).toEqual(['linux/amd64: debian 12', 'linux/arm64: Node.js', 'linux/arm64: debian 12']);
  });
});

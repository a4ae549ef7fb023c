// Vulnerability predicates (cosign vuln/v1 wrapping the Results shape: trivy's native JSON report,
// or grype's findings written into it; multi-platform combined) for one fixed clock. Shared by the
// rule-engine tests and the Kyverno agreement test.
import { fromGrypeReport, mergeResultsShapes, toResultsShape, type GrypeReport } from '../../scan/model';

export const FIXTURE_NOW = new Date('2025-06-01T12:00:00Z');
const HOUR = 3600_000;

export function ago(hours: number): string {
  return new Date(FIXTURE_NOW.getTime() - hours * HOUR).toISOString().replace('.000Z', 'Z');
}

interface Vuln {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Severity: string;
  Title?: string;
  PublishedDate?: string;
  LastModifiedDate?: string;
}

function vuln(id: string, severity: string, publishedDate: string | undefined, pkg = 'openssl'): Vuln {
  const v: Vuln = { VulnerabilityID: id, PkgName: pkg, InstalledVersion: '3.0.11-1~deb12u2', FixedVersion: '3.0.13-1~deb12u1', Severity: severity, Title: `${pkg}: ${id}` };
  if (publishedDate !== undefined) {
    v.PublishedDate = publishedDate;
    v.LastModifiedDate = publishedDate;
  }
  return v;
}

export function vulnPredicate(scanFinishedOn: string | undefined, vulnerabilities: Vuln[], extraResults: unknown[] = []): Record<string, unknown> {
  const metadata: Record<string, string> = { scanStartedOn: ago(200) };
  if (scanFinishedOn !== undefined) metadata.scanFinishedOn = scanFinishedOn;
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: 'pkg:github/aquasecurity/trivy@0.58.1',
      version: '0.58.1',
      db: { uri: '', version: '' },
      result: {
        SchemaVersion: 2,
        CreatedAt: scanFinishedOn,
        ArtifactName: 'ghcr.io/acme/api@sha256:' + 'a'.repeat(64),
        ArtifactType: 'container_image',
        Metadata: { OS: { Family: 'debian', Name: '12.5' } },
        Results: [
          { Target: 'ghcr.io/acme/api (debian 12.5)', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: vulnerabilities },
          { Target: 'Node.js', Class: 'lang-pkgs', Type: 'node-pkg' },
          ...extraResults,
        ],
      },
    },
    metadata,
  };
}

/** A vuln predicate as ship writes it for grype: its findings in the Results shape, grype's own uri. */
function grypePredicate(scanFinishedOn: string, report: GrypeReport): Record<string, unknown> {
  const base = vulnPredicate(scanFinishedOn, []);
  return { ...base, scanner: { uri: 'pkg:github/anchore/grype@0.87.0', version: '0.87.0', db: { uri: '', version: '' }, result: toResultsShape(fromGrypeReport(report), 'ghcr.io/acme/api@sha256:' + 'a'.repeat(64)) } };
}

const grypeMatch = (id: string, severity: string, name = 'lodash'): GrypeReport['matches'] => [
  { vulnerability: { id, severity, fix: { versions: ['9.9.9'], state: 'fixed' } }, artifact: { name, version: '1.0.0', type: 'npm', purl: `pkg:npm/${name}@1.0.0` } },
];

/** A multi-platform index's one scan: every platform's Results (as planAttestations merges them). */
function combinedPredicate(scanFinishedOn: string, perPlatform: Record<string, Vuln[]>): Record<string, unknown> {
  const base = vulnPredicate(scanFinishedOn, []);
  const parts = Object.entries(perPlatform).map(([platform, vulns]) => ({ platform, result: (vulnPredicate(scanFinishedOn, vulns) as { scanner: { result: { Results: unknown[] } } }).scanner.result }));
  return { ...base, scanner: { ...(base.scanner as object), result: mergeResultsShapes(parts) } };
}

export interface VulnCase {
  name: string;
  predicate: Record<string, unknown>;
  allowed: boolean;
}

/** The agreement matrix: for each case `evaluate()` and the rendered Kyverno conditions must give `allowed`. */
export const VULN_CASES: VulnCase[] = [
  {
    name: 'fresh scan, no CRITICAL',
    predicate: vulnPredicate(ago(1), [vuln('CVE-2024-0001', 'HIGH', ago(24 * 400)), vuln('CVE-2024-0002', 'MEDIUM', ago(2))]),
    allowed: true,
  },
  { name: 'stale scan', predicate: vulnPredicate(ago(169), []), allowed: false },
  { name: 'CRITICAL published 1h inside the grace', predicate: vulnPredicate(ago(1), [vuln('CVE-2025-1000', 'CRITICAL', ago(167))]), allowed: true },
  { name: 'CRITICAL published 1h outside the grace', predicate: vulnPredicate(ago(1), [vuln('CVE-2025-1001', 'CRITICAL', ago(169))]), allowed: false },
  { name: 'HIGH published long ago', predicate: vulnPredicate(ago(1), [vuln('CVE-2019-2000', 'HIGH', ago(24 * 2000))]), allowed: true },
  { name: 'CRITICAL without PublishedDate', predicate: vulnPredicate(ago(1), [vuln('CVE-2025-1002', 'CRITICAL', undefined)]), allowed: false },
  { name: 'CRITICAL with an unparseable PublishedDate', predicate: vulnPredicate(ago(1), [vuln('CVE-2025-1003', 'CRITICAL', '2025-05-01')]), allowed: false },
  { name: 'HIGH without PublishedDate', predicate: vulnPredicate(ago(1), [vuln('CVE-2025-1004', 'HIGH', undefined)]), allowed: true },
  { name: 'scan without scanFinishedOn', predicate: vulnPredicate(undefined, []), allowed: false },
  { name: 'scan with an unparseable scanFinishedOn', predicate: vulnPredicate('yesterday', []), allowed: false },
  {
    name: 'report without Results',
    predicate: { ...vulnPredicate(ago(1), []), scanner: { uri: 'pkg:github/aquasecurity/trivy@0.58.1', result: { SchemaVersion: 2 } } },
    allowed: false,
  },
  {
    name: 'old CRITICAL in a second target',
    predicate: vulnPredicate(ago(2), [], [{ Target: 'usr/local/bin/app', Class: 'lang-pkgs', Type: 'gobinary', Vulnerabilities: [vuln('CVE-2024-3000', 'CRITICAL', ago(24 * 30), 'stdlib')] }]),
    allowed: false,
  },
  { name: 'grype: no finding', predicate: grypePredicate(ago(1), { matches: [] }), allowed: true },
  { name: 'grype: a HIGH', predicate: grypePredicate(ago(1), { matches: grypeMatch('GHSA-aaaa-bbbb-cccc', 'High') }), allowed: true },
  { name: 'grype: a CRITICAL (grype gives no publication date, so no grace)', predicate: grypePredicate(ago(1), { matches: grypeMatch('CVE-2025-1005', 'Critical') }), allowed: false },
  { name: 'grype: a stale scan', predicate: grypePredicate(ago(169), { matches: [] }), allowed: false },
  { name: "severity spelled 'critical' (engines compare 'CRITICAL' exactly)", predicate: vulnPredicate(ago(1), [vuln('CVE-2025-1006', 'critical', ago(24 * 30))]), allowed: true },
  {
    name: 'two platforms, an old CRITICAL on one only',
    predicate: combinedPredicate(ago(1), { 'linux/amd64': [vuln('CVE-2024-3001', 'CRITICAL', ago(24 * 30))], 'linux/arm64': [] }),
    allowed: false,
  },
  {
    name: 'two platforms, CRITICAL inside the grace on one',
    predicate: combinedPredicate(ago(1), { 'linux/amd64': [], 'linux/arm64': [vuln('CVE-2025-1007', 'CRITICAL', ago(2))] }),
    allowed: true,
  },
];

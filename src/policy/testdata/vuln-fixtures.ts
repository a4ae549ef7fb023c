// Vulnerability predicates (cosign vuln/v1 wrapping trivy's native JSON report, field names as trivy
// writes them) for one fixed clock. Shared by the rule-engine tests and the Kyverno agreement test.

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
];

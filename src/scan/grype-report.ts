import { dedupe, normalizeSeverity, withoutUndefined, type Vulnerability } from './vulnerability';

/** The parts of grype's JSON report (`-o json`) that we read. */
export interface GrypeReport {
  matches?: GrypeMatch[];
  descriptor?: { name?: string; version?: string; db?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface GrypeMatch {
  vulnerability: {
    id: string;
    dataSource?: string;
    severity?: string;
    description?: string;
    urls?: string[];
    fix?: { versions?: string[]; state?: string };
  };
  relatedVulnerabilities?: Array<{ id: string; dataSource?: string; severity?: string; description?: string }>;
  artifact: { name: string; version: string; type?: string; purl?: string };
}

/**
 * Grype reports the advisory it matched (often a GHSA id); when that advisory names a CVE in
 * `relatedVulnerabilities`, the CVE id is used so trivy and grype findings line up.
 */
export function fromGrypeReport(report: GrypeReport): Vulnerability[] {
  const out: Vulnerability[] = [];
  for (const match of report.matches ?? []) {
    const vuln = match.vulnerability;
    const cve = vuln.id.startsWith('CVE-') ? undefined : match.relatedVulnerabilities?.find((r) => r.id.startsWith('CVE-'));
    const fixes = vuln.fix?.state === 'fixed' ? (vuln.fix.versions ?? []) : [];
    out.push(
      withoutUndefined({
        id: cve?.id ?? vuln.id,
        packageName: match.artifact.name,
        purl: match.artifact.purl || undefined,
        installedVersion: match.artifact.version,
        fixedVersion: fixes.length > 0 ? fixes.join(', ') : undefined,
        severity: normalizeSeverity(vuln.severity),
        title: firstLine(vuln.description ?? cve?.description),
        url: vuln.dataSource || vuln.urls?.[0] || undefined,
        packageType: match.artifact.type || undefined,
      }),
    );
  }
  return dedupe(out);
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n')[0].trim();
  return line ? line : undefined;
}

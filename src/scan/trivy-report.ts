import { dedupe, normalizeSeverity, withoutUndefined, type Vulnerability } from './vulnerability';

/** The parts of trivy's native JSON report (`--format json`, SchemaVersion 2) that we read. */
export interface TrivyReport {
  SchemaVersion?: number;
  ArtifactName?: string;
  ArtifactType?: string;
  Results?: TrivyResult[];
  [key: string]: unknown;
}

export interface TrivyResult {
  Target: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: TrivyVulnerability[] | null;
}

export interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Severity?: string;
  Title?: string;
  PublishedDate?: string;
  PrimaryURL?: string;
  /** trivy >= 0.49. */
  PkgIdentifier?: { PURL?: string };
  /** trivy < 0.49, SBOM scans. */
  PkgRef?: string;
}

export function fromTrivyReport(report: TrivyReport): Vulnerability[] {
  const out: Vulnerability[] = [];
  for (const result of report.Results ?? []) {
    for (const v of result.Vulnerabilities ?? []) {
      const purl = v.PkgIdentifier?.PURL ?? (v.PkgRef?.startsWith('pkg:') ? v.PkgRef : undefined);
      out.push(
        withoutUndefined({
          id: v.VulnerabilityID,
          packageName: v.PkgName,
          purl,
          installedVersion: v.InstalledVersion,
          fixedVersion: v.FixedVersion || undefined,
          severity: normalizeSeverity(v.Severity),
          publishedDate: v.PublishedDate || undefined,
          title: v.Title || undefined,
          url: v.PrimaryURL || undefined,
        }),
      );
    }
  }
  return dedupe(out);
}

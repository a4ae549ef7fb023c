import { dedupe, SEVERITY_ORDER, withoutUndefined, type Severity, type Vulnerability } from './vulnerability';

/**
 * The vuln predicate's `scanner.result`: findings in the normalized model written with trivy's field
 * names (`Results[].Vulnerabilities[]`), what every admission engine reads, for every scanner. A
 * trivy report already is this shape; other scanners' findings are written into it by toResultsShape().
 */
export interface ResultsShape {
  Results: ResultEntry[];
  [key: string]: unknown;
}

export interface ResultEntry {
  Target: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: ResultVulnerability[] | null;
  [key: string]: unknown;
}

export interface ResultVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  PkgIdentifier?: { PURL?: string };
  InstalledVersion: string;
  FixedVersion?: string;
  Severity: string;
  PublishedDate?: string;
  Title?: string;
  PrimaryURL?: string;
  [key: string]: unknown;
}

const OS_PACKAGE_TYPES = new Set(['deb', 'rpm', 'apk', 'alpm', 'portage']);

/** Findings grouped by package type, one Result each, under `target` (the image scanned). */
export function toResultsShape(vulns: readonly Vulnerability[], target: string): ResultsShape {
  const groups = new Map<string, Vulnerability[]>();
  for (const v of vulns) {
    const type = v.packageType ?? '';
    groups.set(type, [...(groups.get(type) ?? []), v]);
  }
  const Results: ResultEntry[] = [...groups].map(([type, group]) =>
    withoutUndefined({
      Target: target,
      Class: type ? (OS_PACKAGE_TYPES.has(type) ? 'os-pkgs' : 'lang-pkgs') : undefined,
      Type: type || undefined,
      Vulnerabilities: group.map((v) =>
        withoutUndefined({
          VulnerabilityID: v.id,
          PkgName: v.packageName,
          PkgIdentifier: v.purl ? { PURL: v.purl } : undefined,
          InstalledVersion: v.installedVersion,
          FixedVersion: v.fixedVersion,
          Severity: v.severity,
          PublishedDate: v.publishedDate,
          Title: v.title,
          PrimaryURL: v.url,
        }),
      ),
    }),
  );
  return { Results };
}

/**
 * One platform's scan result inside a multi-platform image's combined result: every Target is
 * prefixed with its platform, so a finding names where it was found.
 */
export function mergeResultsShapes(parts: ReadonlyArray<{ platform: string; result: { Results?: unknown } }>): ResultsShape {
  const Results: ResultEntry[] = [];
  for (const { platform, result } of parts) {
    for (const entry of Array.isArray(result.Results) ? (result.Results as ResultEntry[]) : []) {
      Results.push({ ...entry, Target: `${platform}: ${entry.Target ?? ''}` });
    }
  }
  return { Results };
}

export type ReadResults = { ok: true; vulnerabilities: Vulnerability[] } | { ok: false; error: string };

/**
 * The one reader of a vuln predicate's `scanner.result`, whichever scanner wrote it, into the
 * normalized model. Strict where an admission engine is: `Results` must be a list and each
 * `Vulnerabilities` a list (or absent/null); a severity counts only when spelled as the engines
 * compare it (`CRITICAL`, not `critical`), so `verify` and the rendered policies see the same findings.
 */
export function readResultsShape(result: unknown): ReadResults {
  const results = (result as { Results?: unknown } | null | undefined)?.Results;
  if (!Array.isArray(results)) return { ok: false, error: 'has no scanner.result.Results list' };
  const out: Vulnerability[] = [];
  for (const entry of results) {
    const vulns = (entry as { Vulnerabilities?: unknown } | null)?.Vulnerabilities;
    if (vulns === undefined || vulns === null) continue;
    if (!Array.isArray(vulns)) return { ok: false, error: 'has a Vulnerabilities entry that is not a list' };
    const type = (entry as { Type?: unknown }).Type;
    for (const v of vulns as Array<Record<string, unknown> | null>) {
      if (!v || typeof v !== 'object') continue;
      const purl = (v.PkgIdentifier as { PURL?: unknown } | undefined)?.PURL;
      out.push(
        withoutUndefined({
          id: text(v.VulnerabilityID) ?? '(no id)',
          packageName: text(v.PkgName) ?? '',
          purl: text(purl),
          installedVersion: text(v.InstalledVersion) ?? '',
          fixedVersion: text(v.FixedVersion) || undefined,
          severity: exactSeverity(v.Severity),
          publishedDate: text(v.PublishedDate),
          title: text(v.Title),
          url: text(v.PrimaryURL),
          packageType: text(type),
        }),
      );
    }
  }
  return { ok: true, vulnerabilities: dedupe(out) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function exactSeverity(value: unknown): Severity {
  return (SEVERITY_ORDER as readonly unknown[]).includes(value) ? (value as Severity) : 'UNKNOWN';
}

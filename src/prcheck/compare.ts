import { countBySeverity, dedupe, sortVulnerabilities, type SeverityCounts, type Vulnerability } from '../scan/model';

/** Head against base: what the change adds, removes and keeps. */
export interface Comparison {
  counts: SeverityCounts;
  /** Undefined when there was no base to compare with. */
  baseCounts?: SeverityCounts;
  /** In head, not in base (everything, when there is no base: compared with nothing). */
  new: Vulnerability[];
  /** In base, not in head. */
  fixed: Vulnerability[];
  unchanged: number;
}

/** The identity of a finding across two scans: vulnerability id, package and installed version. */
export function findingKey(v: Pick<Vulnerability, 'id' | 'packageName' | 'installedVersion'>): string {
  return JSON.stringify([v.id, v.packageName, v.installedVersion]);
}

export function compareScans(head: readonly Vulnerability[], base?: readonly Vulnerability[]): Comparison {
  const h = dedupe(head);
  const b = dedupe(base ?? []);
  const baseKeys = new Set(b.map(findingKey));
  const headKeys = new Set(h.map(findingKey));
  const added = h.filter((v) => !baseKeys.has(findingKey(v)));
  return {
    counts: countBySeverity(h),
    baseCounts: base ? countBySeverity(b) : undefined,
    new: sortVulnerabilities(added),
    fixed: sortVulnerabilities(b.filter((v) => !headKeys.has(findingKey(v)))),
    unchanged: h.length - added.length,
  };
}

import { parse } from 'yaml';
import { UserError } from '../core/errors';

/** The five severities trivy uses, in increasing order. */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type SeverityName = (typeof SEVERITIES)[number];

export interface DebianAffected {
  ecosystem: 'debian 12';
  /** Source package name (e.g. `openssl`, not `libssl3`). */
  package: string;
  /** Absent when Debian has no fix. */
  fixed?: string;
  /** Debian's own rating, when it differs from the advisory's. */
  severity?: SeverityName;
}

export interface NpmAffected {
  ecosystem: 'npm';
  package: string;
  vulnerable: string[];
  patched: string[];
  severity?: SeverityName;
}

export type Affected = DebianAffected | NpmAffected;

export interface Advisory {
  id: string;
  title: string;
  description: string;
  severity: SeverityName;
  cvss?: Record<string, { vector: string; score: number; version?: 2 | 3 }>;
  published: string;
  lastModified: string;
  references: string[];
  affected: Affected[];
}

/** Parses and checks the advisories YAML (see test/fixtures/advisories.yaml); `source` names it in errors. */
export function parseAdvisories(yamlText: string, source: string): Advisory[] {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (err) {
    throw new UserError(`${source} is not valid YAML (${(err as Error).message.split('\n')[0]}); fix the file`);
  }
  const list = (doc as { advisories?: unknown })?.advisories;
  if (!Array.isArray(list)) throw new UserError(`${source} has no 'advisories' list; see test/fixtures/advisories.yaml for the format`);
  return list.map((entry, i) => checkAdvisory(entry, `${source}: advisories[${i}]`));
}

function checkAdvisory(raw: unknown, where: string): Advisory {
  const a = raw as Partial<Advisory> & Record<string, unknown>;
  for (const field of ['id', 'title', 'severity', 'published', 'lastModified'] as const) {
    if (typeof a?.[field] !== 'string' || !a[field]) throw new UserError(`${where} needs a string '${field}'; add it`);
  }
  const id = a.id as string;
  checkSeverity(a.severity, `${where} (${id}) severity`);
  for (const field of ['published', 'lastModified'] as const) {
    if (Number.isNaN(Date.parse(a[field] as string))) throw new UserError(`${where} (${id}) ${field} is not an RFC 3339 time; quote a value like '2023-10-03T18:15:10Z'`);
  }
  if (!Array.isArray(a.affected) || a.affected.length === 0) throw new UserError(`${where} (${id}) needs a non-empty 'affected' list`);
  const affected = a.affected.map((entry, j) => checkAffected(entry, `${where} (${id}) affected[${j}]`));
  return {
    id,
    title: a.title as string,
    description: typeof a.description === 'string' ? a.description.trim() : '',
    severity: a.severity as SeverityName,
    cvss: a.cvss,
    published: a.published as string,
    lastModified: a.lastModified as string,
    references: Array.isArray(a.references) ? a.references.map(String) : [],
    affected,
  };
}

function checkAffected(raw: unknown, where: string): Affected {
  const e = raw as Record<string, unknown>;
  if (typeof e?.package !== 'string' || !e.package) throw new UserError(`${where} needs a 'package'`);
  if (e.severity !== undefined) checkSeverity(e.severity, `${where} severity`);
  if (e.ecosystem === 'debian 12') {
    if (e.fixed !== undefined && typeof e.fixed !== 'string') throw new UserError(`${where} 'fixed' must be a version string (quote it)`);
    return { ecosystem: 'debian 12', package: e.package, fixed: e.fixed as string | undefined, severity: e.severity as SeverityName | undefined };
  }
  if (e.ecosystem === 'npm') {
    const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!strings(e.vulnerable) || (e.vulnerable as string[]).length === 0) throw new UserError(`${where} needs 'vulnerable' ranges, e.g. ['< 4.17.12']`);
    if (e.patched !== undefined && !strings(e.patched)) throw new UserError(`${where} 'patched' must be a list of versions`);
    return {
      ecosystem: 'npm',
      package: e.package,
      vulnerable: e.vulnerable as string[],
      patched: (e.patched as string[] | undefined) ?? [],
      severity: e.severity as SeverityName | undefined,
    };
  }
  throw new UserError(`${where} has ecosystem '${String(e.ecosystem)}'; use 'debian 12' or 'npm'`);
}

function checkSeverity(value: unknown, where: string): void {
  if (!SEVERITIES.includes(value as SeverityName)) throw new UserError(`${where} is '${String(value)}'; use one of ${SEVERITIES.join(', ')}`);
}

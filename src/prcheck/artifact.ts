import { UserError } from '../core/errors';
import { normalizeSeverity, type SeverityCounts, type Vulnerability } from '../scan/model';
import type { FindingJson, Summary, SummaryJson } from './render';

/**
 * The result a pr-check job uploads and the pr-comment job reads. The comment job runs with
 * `pull-requests: write` on an artifact a fork's code may have written, so everything in it is
 * untrusted (a fork can change the calling workflow and upload anything under this name): checked
 * here against this schema and size-capped, then rendered again by our own renderer. No markdown
 * from the artifact is ever posted.
 */
export const ARTIFACT_SCHEMA = 'https://ship-image.dev/pr-check-result/v1';
export const ARTIFACT_FILE = 'pr-check-result.json';
/** Largest result file accepted. */
export const ARTIFACT_MAX_BYTES = 2 * 1024 * 1024;
/** Most results (images) one run may post. */
export const ARTIFACT_MAX_RESULTS = 20;

export interface PrCheckResult {
  schema: typeof ARTIFACT_SCHEMA;
  /** The PR number the check ran for (a claim: the comment job checks it against the head SHA); null in a merge queue. */
  pullRequest: number | null;
  headSha: string;
  image: string;
  platforms: string[];
  hasBase: boolean;
  /** The check job's gate, when one was set (the required check itself is that job's status). */
  gate: { passed: boolean; reason: string } | null;
  summary: SummaryJson;
}

const SHA_RE = /^[0-9a-f]{40}$/;
const IMAGE_RE = /^[a-z0-9][a-z0-9._\-/:@]{0,254}$/i;
const PLATFORM_RE = /^[a-z0-9_]+\/[a-z0-9_]+(\/[a-z0-9_.]+)?$/;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'];

/** Parses and checks one result file's text; a clear UserError says what is wrong. */
export function parsePrCheckArtifact(text: string | Buffer, source: string): PrCheckResult {
  const fail = (what: string): never => {
    throw new UserError(`${source}: ${what}; the artifact is not a ship-image pr-check result, refusing to post it`);
  };
  const size = Buffer.byteLength(text);
  if (size > ARTIFACT_MAX_BYTES) fail(`${size} bytes, more than the ${ARTIFACT_MAX_BYTES} allowed`);
  let doc: unknown;
  try {
    doc = JSON.parse(text.toString());
  } catch {
    fail('not JSON');
  }
  const d = doc as Record<string, unknown>;
  if (!d || typeof d !== 'object' || Array.isArray(d)) fail('not a JSON object');
  const allowed = new Set(['schema', 'pullRequest', 'headSha', 'image', 'platforms', 'hasBase', 'gate', 'summary']);
  const extra = Object.keys(d).find((k) => !allowed.has(k));
  if (extra !== undefined) fail(`unknown field ${JSON.stringify(extra.slice(0, 50))}`);
  if (d.schema !== ARTIFACT_SCHEMA) fail(`schema is not ${ARTIFACT_SCHEMA}`);
  if (d.pullRequest !== null && !(Number.isSafeInteger(d.pullRequest) && (d.pullRequest as number) > 0)) fail('pullRequest is not a positive integer or null');
  if (typeof d.headSha !== 'string' || !SHA_RE.test(d.headSha)) fail('headSha is not a 40-hex commit SHA');
  if (typeof d.image !== 'string' || !IMAGE_RE.test(d.image)) fail('image is not an image reference');
  if (!Array.isArray(d.platforms) || d.platforms.length > 64 || !d.platforms.every((p) => typeof p === 'string' && PLATFORM_RE.test(p))) fail('platforms is not a list of os/arch platforms');
  if (typeof d.hasBase !== 'boolean') fail('hasBase is not a boolean');
  const g = d.gate as Record<string, unknown> | null;
  if (g !== null && !(g && typeof g === 'object' && typeof g.passed === 'boolean' && typeof g.reason === 'string')) fail('gate is not {passed, reason} or null');
  checkSummary(d.summary, fail);
  return d as unknown as PrCheckResult;
}

function checkSummary(s: unknown, fail: (what: string) => never): void {
  const o = s as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o)) fail('summary is not an object');
  const counts = o.counts as Record<string, unknown>;
  if (!counts || typeof counts !== 'object' || !SEVERITIES.every((k) => Number.isSafeInteger(counts[k]) && (counts[k] as number) >= 0)) fail('summary.counts is not five counts');
  for (const list of ['new', 'fixed'] as const) {
    const l = o[list];
    if (!Array.isArray(l)) fail(`summary.${list} is not a list`);
    for (const f of l as unknown[]) {
      const x = f as Record<string, unknown>;
      const ok = x && typeof x === 'object' && ['id', 'package', 'installed', 'severity'].every((k) => typeof x[k] === 'string') && (x.fixed === null || typeof x.fixed === 'string');
      if (!ok) fail(`summary.${list} has an entry that is not a finding`);
    }
  }
  if (!Number.isSafeInteger(o.unchanged) || (o.unchanged as number) < 0) fail('summary.unchanged is not a count');
  if (!o.db || typeof o.db !== 'object') fail('summary.db is not an object');
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function vulnOf(f: FindingJson): Vulnerability {
  return { id: f.id, packageName: f.package, installedVersion: f.installed, severity: normalizeSeverity(f.severity), ...(f.fixed ? { fixedVersion: f.fixed } : {}) };
}

/** A checked result as the renderer's input: the base counts are the head's minus new plus fixed. */
export function summaryFromArtifact(r: PrCheckResult): Summary {
  const s = r.summary;
  const news = s.new.map(vulnOf);
  const fixed = s.fixed.map(vulnOf);
  const baseCounts = { ...s.counts };
  for (const v of news) baseCounts[v.severity.toLowerCase() as keyof SeverityCounts]--;
  for (const v of fixed) baseCounts[v.severity.toLowerCase() as keyof SeverityCounts]++;
  const db = s.db as unknown as Record<string, unknown>;
  return {
    image: r.platforms.length > 0 ? `${r.image} (${r.platforms.join(', ')})` : r.image,
    comparison: { counts: s.counts, baseCounts: r.hasBase ? baseCounts : undefined, new: news, fixed, unchanged: s.unchanged },
    hasBase: r.hasBase,
    db: { scanner: str(db.scanner) ?? 'unknown scanner', version: str(db.version), builtAt: str(db.builtAt), scannedAt: str(db.scannedAt) },
    gate: r.gate ? { passed: r.gate.passed, reason: r.gate.reason, offenders: [] } : undefined,
  };
}

/** What the check job uploads, from the summary it rendered. */
export function toArtifact(s: Summary, json: SummaryJson, meta: { pullRequest: number | null; headSha: string; image: string; platforms: string[] }): PrCheckResult {
  return {
    schema: ARTIFACT_SCHEMA,
    pullRequest: meta.pullRequest,
    headSha: meta.headSha,
    image: meta.image,
    platforms: meta.platforms,
    hasBase: s.hasBase,
    gate: s.gate ? { passed: s.gate.passed, reason: s.gate.reason } : null,
    summary: json,
  };
}

import { mdCode, mdLink, mdText } from '../core/markdown';
import { inertDeep } from '../core/untrusted-text';
import { formatMillis } from '../policy/duration';
import type { SeverityCounts, Vulnerability } from '../scan/model';
import type { Comparison } from './compare';
import type { GateResult } from './gate';
import type { PolicyVerdict } from './policy-verdict';
import type { ScanDb } from './read-scan';

/** GitHub refuses an issue comment body longer than this many characters. */
export const GITHUB_COMMENT_MAX = 65_536;
/** What a summary may use of it: the sticky comment's marker and a margin come on top. */
export const SUMMARY_MAX = GITHUB_COMMENT_MAX - 1_536;

export interface Summary {
  /** The image (name, or name and platforms) the summary is about. */
  image?: string;
  comparison: Comparison;
  /** Whether a base scan was given (else every finding is new: compared with nothing). */
  hasBase: boolean;
  /** Where the base came from (the attested SBOM of a digest), or why there is none. */
  baseNote?: string;
  db: ScanDb;
  gate?: GateResult;
  policy?: PolicyVerdict;
}

export interface RenderOptions {
  /** Where the full report is, said on the cut line: the run's artifact name. */
  fullReport?: string;
  /** An https link to the run holding that artifact. */
  fullReportUrl?: string;
  maxChars?: number;
}

export interface FindingJson {
  id: string;
  package: string;
  installed: string;
  fixed: string | null;
  severity: string;
}

export interface SummaryJson {
  counts: SeverityCounts;
  new: FindingJson[];
  fixed: FindingJson[];
  unchanged: number;
  db: ScanDb & { age?: string };
}

const finding = (v: Vulnerability): FindingJson => ({ id: v.id, package: v.packageName, installed: v.installedVersion, fixed: v.fixedVersion ?? null, severity: v.severity });

/** `--format json`: strings made inert (no controls, bidi, secrets; capped), nothing else changed. */
export function summaryJson(s: Summary): SummaryJson {
  const age = dbAge(s.db);
  return inertDeep(
    {
      counts: s.comparison.counts,
      new: s.comparison.new.map(finding),
      fixed: s.comparison.fixed.map(finding),
      unchanged: s.comparison.unchanged,
      db: age ? { ...s.db, age } : s.db,
    },
    { max: 1000 },
  );
}

function dbAge(db: ScanDb): string | undefined {
  if (!db.builtAt || !db.scannedAt) return undefined;
  const ms = Date.parse(db.scannedAt) - Date.parse(db.builtAt);
  return Number.isFinite(ms) && ms >= 0 ? formatMillis(ms) : undefined;
}

/** An advisory page for ids whose shape we know; the report's own URL is untrusted and not used. */
export function advisoryUrl(id: string): string | undefined {
  if (/^CVE-\d{4}-\d{4,}$/.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) return `https://github.com/advisories/${id}`;
  return undefined;
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

function delta(n: number, base: number | undefined): string {
  if (base === undefined || n === base) return String(n);
  return `${n} (${n > base ? '+' : '−'}${Math.abs(n - base)})`;
}

function fixCell(v: Vulnerability): string {
  return `${mdText(v.installedVersion, 120)} → ${v.fixedVersion ? mdText(v.fixedVersion, 120) : 'no fix yet'}`;
}

function row(v: Vulnerability): string {
  return `| ${mdLink(v.id, advisoryUrl(v.id))} | ${mdText(v.packageName, 120)} | ${fixCell(v)} | ${mdText(v.severity, 10)} |`;
}

const TABLE_HEAD = ['| id | package | installed → fixed | severity |', '|---|---|---|---|'];

/**
 * The PR comment / job summary: counts with deltas, the new CRITICAL/HIGH findings, the fixed ones
 * collapsed, the DB the scan used, gate and policy verdicts. Every untrusted string goes through
 * src/core/markdown. Longer than `maxChars`, the fixed list and then the new list are cut, with a
 * line saying what was cut and where the full report is.
 */
export function summaryMarkdown(s: Summary, o: RenderOptions = {}): string {
  const max = o.maxChars ?? SUMMARY_MAX;
  const severe = s.comparison.new.filter((v) => v.severity === 'CRITICAL' || v.severity === 'HIGH');
  let shownNew = severe.length;
  let shownFixed = s.comparison.fixed.length;
  for (;;) {
    const text = render(s, o, shownNew, shownFixed);
    if (text.length <= max || (shownNew === 0 && shownFixed === 0)) return text.length <= max ? text : text.slice(0, max);
    if (shownFixed > 0) shownFixed = Math.floor(shownFixed / 2);
    else shownNew = Math.floor(shownNew / 2);
  }
}

function render(s: Summary, o: RenderOptions, shownNew: number, shownFixed: number): string {
  const c = s.comparison;
  const title = `### ship-image PR check${s.image ? `: ${mdCode(s.image, 200)}` : ''}`;
  const total = SEVERITIES.reduce((n, k) => n + c.counts[k], 0);
  const out: string[] = [title, ''];
  if (s.gate) out.push(`${s.gate.passed ? '✅ **Gate passed**' : '❌ **Gate failed**'}: ${mdText(s.gate.reason, 500)}`, '');
  if (s.baseNote) out.push(`Base: ${mdText(s.baseNote, 600)}`, '');
  if (total === 0 && c.fixed.length === 0) {
    out.push(s.hasBase ? 'No vulnerabilities found, and none added or fixed by this change.' : 'No vulnerabilities found (no base image to compare with).');
  } else {
    out.push(`| | ${SEVERITIES.join(' | ')} |`, `|---|${SEVERITIES.map(() => '---').join('|')}|`);
    out.push(`| this change | ${SEVERITIES.map((k) => delta(c.counts[k], c.baseCounts?.[k])).join(' | ')} |`);
    if (c.baseCounts) out.push(`| base | ${SEVERITIES.map((k) => String(c.baseCounts![k])).join(' | ')} |`);
    out.push('');
    out.push(s.hasBase ? `${c.new.length} new, ${c.fixed.length} fixed, ${c.unchanged} unchanged.` : 'No base image to compare with: every finding counts as new.', '');
    const severe = c.new.filter((v) => v.severity === 'CRITICAL' || v.severity === 'HIGH');
    if (severe.length > 0) {
      out.push(`**New CRITICAL and HIGH** (${severe.length})`, '', ...TABLE_HEAD, ...severe.slice(0, shownNew).map(row), '');
    }
    if (c.fixed.length > 0) {
      out.push(`<details><summary>Fixed by this change (${c.fixed.length})</summary>`, '', ...TABLE_HEAD, ...c.fixed.slice(0, shownFixed).map(row), '', '</details>', '');
    }
    const cutNew = severe.length - shownNew;
    const cutFixed = c.fixed.length - shownFixed;
    if (cutNew > 0 || cutFixed > 0) {
      const where = o.fullReport ? `the run's artifact ${mdCode(o.fullReport, 200)}` : "the run's artifact";
      const link = o.fullReportUrl ? ` (${mdLink('run', o.fullReportUrl)})` : '';
      out.push(`_Cut to stay under GitHub's ${GITHUB_COMMENT_MAX.toLocaleString('en-US')}-character limit: ${cutNew} new CRITICAL/HIGH and ${cutFixed} fixed findings not shown here. The full report is in ${where}${link}._`, '');
    }
  }
  out.push('', dbLine(s.db));
  if (s.policy) out.push('', ...policyLines(s.policy));
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function dbLine(db: ScanDb): string {
  const parts = [`Scanned with ${mdText(db.scanner, 200)}`];
  if (db.version && db.version !== db.builtAt) parts.push(`DB ${mdText(db.version, 100)}`);
  if (db.builtAt) parts.push(`DB built ${mdText(db.builtAt, 40)}`);
  const age = dbAge(db);
  if (age) parts.push(`${mdText(age, 40)} old at scan time`);
  if (db.scannedAt) parts.push(`scanned ${mdText(db.scannedAt, 40)}`);
  return `<sub>${parts.join(', ')}.</sub>`;
}

function policyLines(p: PolicyVerdict): string[] {
  const lines: string[] = [];
  const name = mdCode(p.policy, 100);
  if (p.vulnerabilities) {
    const verdict = p.vulnerabilities.passed ? 'passes' : p.mode === 'audit' ? 'fails (audit mode: reported, not denied)' : 'fails';
    lines.push(`**Policy ${name}**: the vulnerability rule ${verdict} on this scan: ${mdText(p.vulnerabilities.reason, 600)}. This is what \`verify\` would say about the image once shipped with this scan.`);
  } else {
    lines.push(`**Policy ${name}**: no vulnerability rule.`);
  }
  if (p.notJudged.length > 0) lines.push('', `Not judged before ship: ${p.notJudged.join(' and ')} (they depend on what ship signs and attaches; \`verify\` checks them on the shipped image).`);
  return lines;
}

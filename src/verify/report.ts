import { inertDeep, inertText } from '../core/untrusted-text';
import { describeSigner } from '../policy/signer';
import type { RuleResult } from '../policy/types';
import { UNTIMESTAMPED } from './collect';
import type { VerifyReport } from './verify-image';

/** The `--json` document and the action's `report` output: exactly these keys. */
export interface VerifyJson {
  image: string;
  digest: string;
  allowed: boolean;
  rules: Array<Pick<RuleResult, 'rule' | 'passed' | 'reason' | 'evidence'>>;
}

// Reasons and evidence quote registries, bundles and certificates: untrusted text, made inert here
// for --json, the action's `report` output and the text verdict alike.
const REASON_MAX = 2000;
const LINE_MAX = 1000;

export function reportJson(report: VerifyReport): VerifyJson {
  return inertDeep<VerifyJson>({
    image: report.image,
    digest: report.digest,
    allowed: report.allowed,
    rules: report.rules.map((r) => ({ rule: r.rule, passed: r.passed, reason: r.reason, evidence: r.evidence })),
  }, { max: REASON_MAX });
}

function signedAtText(iso: string): string {
  return iso === UNTIMESTAMPED.toISOString() ? 'no verified time' : iso;
}

/** Evidence lines under a rule, indented. */
function evidenceLines(rule: RuleResult): string[] {
  const e = rule.evidence;
  const lines: string[] = [];
  for (const a of e.attestations ?? []) {
    lines.push(`attestation ${a.referrerDigest} ${a.predicateType} by ${describeSigner(a.signer)}, signed ${signedAtText(a.signedAt)}`);
  }
  if (e.scan) {
    lines.push(`scan ${e.scan.referrerDigest} finished ${e.scan.scanFinishedOn} (${e.scan.age} ago) by ${describeSigner(e.scan.signer)}`);
  }
  for (const c of e.offending ?? []) {
    lines.push(`offending ${c.id}${c.package ? ` in ${c.package}` : ''}: CRITICAL, published ${c.publishedDate ?? 'unknown'}${c.age ? ` (${c.age} ago)` : ''}`);
  }
  for (const c of e.withinGrace ?? []) {
    lines.push(`within grace ${c.id}${c.package ? ` in ${c.package}` : ''}: CRITICAL, published ${c.publishedDate ?? 'unknown'}${c.age ? ` (${c.age} ago)` : ''}`);
  }
  return lines.map((l) => `      ${inertText(l, { max: LINE_MAX })}`);
}

/** The human-readable verdict: one line per rule with its evidence, then what was set aside. */
export function reportText(report: VerifyReport): string {
  const verdict = report.allowed ? (report.rules.every((r) => r.passed) ? 'ALLOWED' : 'ALLOWED (audit mode: failures reported, not enforced)') : 'DENIED';
  const out: string[] = [inertText(report.image, { max: LINE_MAX }), `  digest: ${inertText(report.digest)}`, `  verdict: ${verdict}`, '  rules:'];
  for (const rule of report.rules) {
    out.push(`    ${rule.passed ? 'pass' : 'FAIL'} ${rule.rule}: ${inertText(rule.reason, { max: REASON_MAX })}`);
    out.push(...evidenceLines(rule));
  }
  if (report.rejected.length > 0) {
    out.push(`  set aside (${report.rejected.length}):`);
    for (const r of report.rejected) out.push(`    ${inertText(`${r.referrerDigest}${r.predicateType ? ` ${r.predicateType}` : ''}: ${r.reason}`, { max: REASON_MAX })}`);
  }
  return out.join('\n') + '\n';
}

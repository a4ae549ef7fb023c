// One image's verdict as serve reports it, and the sentence each integration shows. Pure.
import { inertText } from '../core/untrusted-text';
import type { RuleName } from '../policy/types';
import type { VerifyReport } from '../verify/verify-image';

export interface RuleOutcome {
  rule: RuleName;
  passed: boolean;
  reason: string;
}

export type ImageVerdict =
  /** Outside the policy's spec.images: not this policy's to judge (as the rendered engines do). */
  | { kind: 'uncovered'; image: string }
  | { kind: 'verified'; image: string; digest: string; resolvedFromTag?: string; passed: boolean; rules: RuleOutcome[] }
  /** No verdict could be reached (registry or trust root unreachable, image unknown): fail closed. */
  | { kind: 'error'; image: string; reason: string };

/** The verdict of a verify report, keyed by the reference as the request named it. */
export function verdictOfReport(image: string, report: Pick<VerifyReport, 'digest' | 'rules'>, resolvedFromTag?: string): ImageVerdict {
  const rules = report.rules.map((r) => ({ rule: r.rule, passed: r.passed, reason: r.reason }));
  return { kind: 'verified', image, digest: report.digest, resolvedFromTag, passed: rules.every((r) => r.passed), rules };
}

export function failures(verdict: ImageVerdict): RuleOutcome[] {
  return verdict.kind === 'verified' ? verdict.rules.filter((r) => !r.passed) : [];
}

/** Whether admission lets the image in: a failure or an error denies unless in audit mode. */
export function admits(verdict: ImageVerdict, audit: boolean): boolean {
  if (verdict.kind === 'uncovered') return true;
  if (verdict.kind === 'error') return audit;
  return verdict.passed || audit;
}

/** Whether the verdict is worth a warning or violation (anything but a clean pass). */
export function objectionable(verdict: ImageVerdict): boolean {
  return verdict.kind === 'error' || (verdict.kind === 'verified' && !verdict.passed);
}

const MAX_MESSAGE = 2000;

function subject(v: Extract<ImageVerdict, { kind: 'verified' }>): string {
  const image = inertText(v.image, { max: 300 });
  return v.resolvedFromTag
    ? `${image} (tag '${inertText(v.resolvedFromTag, { max: 130 })}' resolved to ${v.digest} at admission; the verdict is for that digest)`
    : `${image} (${v.digest})`;
}

/** One line naming the image and, for a denial, each failed rule with its reason. */
export function verdictMessage(verdict: ImageVerdict, audit: boolean): string {
  switch (verdict.kind) {
    case 'uncovered':
      return `${inertText(verdict.image, { max: 300 })} is not covered by the policy's spec.images; not checked`;
    case 'error':
      return inertText(`${verdict.image}: cannot be verified, ${audit ? 'audit mode lets it in' : 'denied (fail closed)'}: ${verdict.reason}`, { max: MAX_MESSAGE });
    case 'verified': {
      if (verdict.passed) return `${subject(verdict)}: allowed, every rule passed`;
      const rules = failures(verdict).map((f) => `${f.rule}: ${f.reason}`).join('; ');
      return inertText(`${subject(verdict)}: ${audit ? 'would be denied (audit mode)' : 'denied'} by ${rules}`, { max: MAX_MESSAGE });
    }
  }
}

import { UserError } from '../core/errors';
import { failOnExceeded, isFailOn, type FailOn, type Vulnerability } from '../scan/model';
import type { Comparison } from './compare';

/** When a PR check fails: on new findings, on all findings, or both; optionally only fixable ones. */
export interface GateSpec {
  /** Threshold over the findings the change adds. */
  failOnNew: FailOn;
  /** Threshold over every finding of the head image (ship's fail-on). */
  failOn: FailOn;
  /** Findings without a fixed version never fail the gate. */
  fixableOnly: boolean;
}

export interface GateResult {
  passed: boolean;
  /** The findings that failed it, new ones first; empty when it passed. */
  offenders: Vulnerability[];
  /** One line for logs and the summary. */
  reason: string;
}

export function parseFailOn(value: string | undefined, flag: string): FailOn {
  if (value === undefined || value === '') return 'none';
  const v = value.toLowerCase();
  if (!isFailOn(v)) throw new UserError(`${flag} '${value}' is not one of critical, high, medium, low, none`);
  return v;
}

export function gate(cmp: Comparison, head: readonly Vulnerability[], spec: GateSpec): GateResult {
  const onNew = failOnExceeded(cmp.new, spec.failOnNew, spec.fixableOnly);
  const onAll = failOnExceeded(head, spec.failOn, spec.fixableOnly);
  const fixable = spec.fixableOnly ? ' fixable' : '';
  if (onNew.length > 0) {
    return { passed: false, offenders: onNew, reason: `${onNew.length} new${fixable} finding(s) at or above ${spec.failOnNew} (fail-on-new)` };
  }
  if (onAll.length > 0) {
    return { passed: false, offenders: onAll, reason: `${onAll.length}${fixable} finding(s) at or above ${spec.failOn} (fail-on)` };
  }
  const checks = [spec.failOnNew !== 'none' ? `no new${fixable} finding at or above ${spec.failOnNew}` : '', spec.failOn !== 'none' ? `no${fixable} finding at or above ${spec.failOn}` : ''].filter(Boolean);
  return { passed: true, offenders: [], reason: checks.length > 0 ? checks.join(', ') : 'no gate set' };
}

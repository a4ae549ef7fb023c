// Go time.Duration syntax: the engines we render for (Kyverno, CEL, Rego) parse durations the Go way,
// so the policy file does too, and ages are printed the way Go prints them.
import type { Duration } from './types';

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_NANOS = (1n << 63n) - 1n;

/** Parses like Go's time.ParseDuration; returns undefined where Go returns an error. */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
    const whole = m?.[1] ?? '';
    const frac = m?.[2] ?? '';
    if (whole === '' && frac === '') return undefined;
    s = s.slice(m![0].length);
    const unitMatch = /^[^0-9.]+/.exec(s);
    if (!unitMatch) return undefined; // missing unit
    const unit = UNIT_NANOS[unitMatch[0]];
    if (unit === undefined) return undefined;
    s = s.slice(unitMatch[0].length);
    let v = BigInt(whole === '' ? '0' : whole) * unit;
    if (frac !== '') v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += v;
    if (total > MAX_NANOS) return undefined;
  }
  return negative ? -total : total;
}

/** A positive duration from the policy file, or undefined when the text is not one. */
export function positiveDuration(text: string): Duration | undefined {
  const ns = parseGoDuration(text);
  if (ns === undefined || ns <= 0n) return undefined;
  return { text, nanoseconds: ns, milliseconds: Number(ns / 1_000_000n) };
}

function trimFraction(digits: string): string {
  const t = digits.replace(/0+$/, '');
  return t === '' ? '' : '.' + t;
}

/** Formats nanoseconds exactly as Go's Duration.String() does (`168h0m0s`, `1.5s`, `-2m3s`, `0s`). */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const sign = nanoseconds < 0n ? '-' : '';
  const u = nanoseconds < 0n ? -nanoseconds : nanoseconds;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) return `${sign}${u}ns`;
    const [scale, unit, width] = u < 1_000_000n ? [1_000n, 'µs', 3] : [1_000_000n, 'ms', 6];
    return `${sign}${u / scale}${trimFraction((u % scale).toString().padStart(width, '0'))}${unit}`;
  }
  const seconds = u / 1_000_000_000n;
  let out = `${seconds % 60n}${trimFraction((u % 1_000_000_000n).toString().padStart(9, '0'))}s`;
  const minutes = seconds / 60n;
  if (minutes > 0n) {
    out = `${minutes % 60n}m${out}`;
    const hours = minutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

/** Milliseconds (a difference of two Dates) as a Go duration string. */
export function formatMillis(ms: number): string {
  return formatGoDuration(BigInt(Math.trunc(ms)) * 1_000_000n);
}

import { redact } from './log';

// Text a registry, a service or a user sent us is printed into terminals, CI logs, job summaries
// and --json. Before it goes anywhere it is made inert here (the plain-text half; markdown escaping
// lives with the summary renderer): registered secrets masked, control characters and bidi
// overrides taken out (an ESC or U+202E from a lying registry would rewrite what a CI log shows),
// and the length capped.

export const DEFAULT_MAX_CHARS = 300;

export interface InertTextOptions {
  /** Most characters kept (the cut marker comes on top); default 300. */
  max?: number;
  /** Keep line breaks (one `\n` per break) instead of folding everything onto one line. */
  multiline?: boolean;
}

// C0 controls but TAB/LF/CR (handled as whitespace below), DEL, C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Bidi embeddings/overrides/isolates and marks, zero-width characters, BOM, interlinear annotations.
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/**
 * The text, safe to print: secrets registered with addSecret() masked, controls and bidi
 * characters removed, whitespace folded (onto one line unless `multiline`), at most `max`
 * characters followed by `… (N characters cut)`.
 */
export function inertText(text: unknown, opts: InertTextOptions = {}): string {
  const max = opts.max ?? DEFAULT_MAX_CHARS;
  let s = typeof text === 'string' ? text : String(text);
  // Bound the work before the regexps run, leaving room so a secret cut by the cap is still whole
  // when redact() looks for it (the kept part is much shorter than this window).
  const window = max * 4 + 4096;
  const overLong = s.length > window ? s.length : 0;
  if (overLong) s = s.slice(0, window);
  // Masked before and after the strip: a secret may hold line breaks (a PEM), or be split by an
  // inserted control character.
  s = redact(toWellFormed(s));
  s = redact(s.replace(LINE_BREAKS, '\n').replace(CONTROLS, '').replace(INVISIBLE, ''));
  s = opts.multiline
    ? s
        .split('\n')
        .map((line) => line.replace(/\s+/g, ' ').trimEnd())
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim()
    : s.replace(/\s+/g, ' ').trim();
  const total = overLong || s.length;
  if (s.length <= max && !overLong) return s;
  let cut = Math.max(0, max);
  // Never split a surrogate pair.
  if (cut > 0 && cut < s.length && isHighSurrogate(s.charCodeAt(cut - 1))) cut--;
  const kept = s.slice(0, cut);
  return `${kept}… (${total - kept.length} characters cut)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Lone surrogates become U+FFFD (String.prototype.toWellFormed is Node 20+ only as of 20.0). */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Every string in a JSON-able value made inert (for --json outputs that carry registry or user
 * text). Keys are kept; numbers, booleans and null pass through.
 */
export function inertDeep<T>(value: T, opts: InertTextOptions = {}): T {
  if (typeof value === 'string') return inertText(value, opts) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => inertDeep(v, opts)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = inertDeep(v, opts);
    return out as T;
  }
  return value;
}

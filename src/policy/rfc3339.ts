// RFC 3339 timestamps parsed the way Go's time.Parse(time.RFC3339, s) does, because that is what
// Kyverno's time functions, CEL's timestamp() and Rego's time.parse_rfc3339_ns use. A date that
// those engines reject must be rejected here too, so `verify` and admission agree.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Milliseconds since the epoch, or undefined when Go would refuse the text. */
export function parseRfc3339(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fractionMs = m[7] ? Math.trunc(Number('0.' + m[7]) * 1000) : 0;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0-99 to 1900-1999; RFC 3339 years are literal.
  const fixed = year < 100 ? new Date(utc).setUTCFullYear(year) : utc;
  return fixed + fractionMs - offsetMinutes * 60_000;
}

/** Go's Time.Format(time.RFC3339) for a UTC instant: whole seconds, `Z`. */
export function formatRfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

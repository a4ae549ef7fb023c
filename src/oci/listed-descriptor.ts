import { isDigest } from './digest';
import type { Descriptor } from './types';

/**
 * Descriptors a registry lists (referrers API answers, fallback indexes) are the registry's data,
 * not the user's: one that is malformed is set aside with a note, so it cannot block every verdict
 * or send a digest with path characters into a URL.
 */
export interface CheckedDescriptors {
  descriptors: Descriptor[];
  /** One line per descriptor set aside: what was wrong. */
  skipped: string[];
}

const MEDIA_TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const MAX_SHOWN_CHARS = 80;

export function checkListedDescriptors(listed: readonly unknown[], where: string): CheckedDescriptors {
  const descriptors: Descriptor[] = [];
  const skipped: string[] = [];
  for (const entry of listed) {
    const problem = descriptorProblem(entry);
    if (problem === undefined) descriptors.push(entry as Descriptor);
    else skipped.push(`${where} lists a malformed descriptor (${problem}); skipped it`);
  }
  return { descriptors, skipped };
}

function descriptorProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'not an object';
  const d = entry as Record<string, unknown>;
  if (typeof d.digest !== 'string' || !isDigest(d.digest)) return `digest ${shown(d.digest)} is not sha256:<64 hex> or sha512:<128 hex>`;
  if (typeof d.mediaType !== 'string' || !MEDIA_TYPE_RE.test(d.mediaType)) return `${d.digest}: mediaType ${shown(d.mediaType)} is not a media type`;
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) return `${d.digest}: size ${shown(d.size)} is not a byte count`;
  if (d.artifactType !== undefined && (typeof d.artifactType !== 'string' || !MEDIA_TYPE_RE.test(d.artifactType))) {
    return `${d.digest}: artifactType ${shown(d.artifactType)} is not a media type`;
  }
  if (d.annotations !== undefined) {
    const a = d.annotations;
    if (typeof a !== 'object' || a === null || Array.isArray(a) || Object.values(a).some((v) => typeof v !== 'string')) {
      return `${d.digest}: annotations are not a map of strings`;
    }
  }
  return undefined;
}

/** A clipped, printable rendering of an untrusted value for the note. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  // eslint-disable-next-line no-control-regex
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
  return `'${printable.length > MAX_SHOWN_CHARS ? printable.slice(0, MAX_SHOWN_CHARS) + '…' : printable}'`;
}

import { createHash } from 'node:crypto';
import { inertText } from './untrusted-text';

// HTML for the static reports: the one place that escapes text for it. Every value is first made
// inert (inertText: controls and bidi overrides out, secrets masked, length capped), then the five
// characters that mean something to an HTML parser are replaced by entities. The result is safe as
// element text and inside a double- or single-quoted attribute value; nothing else (never an
// unquoted attribute, a tag name, a URL scheme, CSS or script).

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Untrusted text as HTML text or a quoted attribute value. */
export function html(text: unknown, max = 300): string {
  return inertText(text, { max }).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

/**
 * An id or class name derived from untrusted text: a letter prefix and a hash, so it is a valid
 * CSS identifier and a fragment, whatever the text was; equal texts give equal ids.
 */
export function htmlId(prefix: string, key: string, hexChars = 10): string {
  if (!/^[a-z][a-z0-9-]*$/i.test(prefix)) throw new Error(`htmlId: bad prefix ${prefix}`);
  return prefix + createHash('sha256').update(key).digest('hex').slice(0, hexChars);
}

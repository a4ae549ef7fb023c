// Image globs in `spec.images`. One meaning for every engine: `*` matches any run of characters,
// including `/` and `:` (Kyverno's wildcard and ImageValidatingPolicy's glob do this; the
// policy-controller renderer writes `**` for it). Only the characters policy-controller accepts
// (schema/policy.schema.json holds the pattern).

// Matched without a regexp: `^a.*b.*c$` from a glob of many stars backtracks polynomially. The
// literal parts between stars are found left to right, each at its first place after the previous
// one (the first is a prefix, the last a suffix): leftmost is always a right choice for `*`, so
// nothing is ever retried and the text is scanned once.
export function globMatches(glob: string, text: string): boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return glob === text;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i];
    if (part === '') continue;
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** True when the image reference (as written, e.g. `ghcr.io/acme/api:1.2` or `...@sha256:...`) falls under a glob. */
export function imageMatchesGlobs(imageRef: string, globs: readonly string[]): boolean {
  return globs.some((g) => globMatches(g, imageRef));
}

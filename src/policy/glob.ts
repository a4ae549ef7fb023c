// Image globs in `spec.images`. One meaning for every engine: `*` matches any run of characters,
// including `/` and `:` (Kyverno's wildcard and ImageValidatingPolicy's glob do this; the
// policy-controller renderer writes `**` for it). Only the characters policy-controller accepts
// (schema/policy.schema.json holds the pattern).

function imageGlobToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** True when the image reference (as written, e.g. `ghcr.io/acme/api:1.2` or `...@sha256:...`) falls under a glob. */
export function imageMatchesGlobs(imageRef: string, globs: readonly string[]): boolean {
  return globs.some((g) => imageGlobToRegExp(g).test(imageRef));
}

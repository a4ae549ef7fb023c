// Subject regexps are evaluated by Go's RE2 in Kyverno and policy-controller and by JavaScript in
// `verify`: only the common subset is accepted, and only whole-string (anchored) patterns, because
// an unanchored pattern lets `https://github.com/evil/x?https://github.com/acme/...` through.

const RE2_UNSUPPORTED: Array<[RegExp, string]> = [
  [/\(\?<?[=!]/, 'lookaround assertions'],
  [/\\[1-9]|\\k</, 'backreferences'],
];

/** Index of each `|` outside groups and character classes. */
function topLevelAlternations(re: string): number[] {
  const found: number[] = [];
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) found.push(i);
  }
  return found;
}

function endsWithUnescapedDollar(re: string): boolean {
  if (!re.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = re.length - 2; i >= 0 && re[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** A problem with the regexp (one phrase with a hint), or undefined when it is acceptable. */
export function subjectRegExpProblem(re: string): string | undefined {
  try {
    new RegExp(re);
  } catch (err) {
    return `does not compile (${(err as Error).message}); fix the regular expression`;
  }
  for (const [pattern, what] of RE2_UNSUPPORTED) {
    if (pattern.test(re)) return `uses ${what}, which Go's RE2 (used by Kyverno and policy-controller) does not support; rewrite without them`;
  }
  if (!re.startsWith('^') || !endsWithUnescapedDollar(re)) {
    return `is not anchored; write it as '^...$' so it must match the whole certificate subject (e.g. '^https://github\\.com/acme/app/\\.github/workflows/ship\\.yml@refs/tags/v.*$')`;
  }
  if (topLevelAlternations(re).length > 0) {
    return `has a top-level '|', so only one side is anchored; wrap the alternatives: '^(?:a|b)$'`;
  }
  return undefined;
}

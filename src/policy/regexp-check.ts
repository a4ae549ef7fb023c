import { RE2JS } from 're2js';

// Subject regexps are evaluated by Go's RE2 in Kyverno and policy-controller, and by re2js (a port
// of RE2: the same syntax, linear-time matching, so no pattern can backtrack catastrophically) in
// `verify`. Only whole-string (anchored) patterns are accepted, because an unanchored pattern lets
// `https://github.com/evil/x?https://github.com/acme/...` through.

const MAX_PATTERN_CHARS = 1024;

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
  if (re.length > MAX_PATTERN_CHARS) return `is ${re.length} characters long, more than the ${MAX_PATTERN_CHARS} allowed; shorten it`;
  for (const [pattern, what] of RE2_UNSUPPORTED) {
    if (pattern.test(re)) return `uses ${what}, which Go's RE2 (used by Kyverno and policy-controller) does not support; rewrite without them`;
  }
  try {
    compileSubjectRegExp(re);
  } catch (err) {
    return `does not compile as an RE2 regular expression (${(err as Error).message.replace(/^error parsing regexp: /, '')}); fix the regular expression`;
  }
  if (!re.startsWith('^') || !endsWithUnescapedDollar(re)) {
    return `is not anchored; write it as '^...$' so it must match the whole certificate subject (e.g. '^https://github\\.com/acme/app/\\.github/workflows/ship\\.yml@refs/tags/v.*$')`;
  }
  if (topLevelAlternations(re).length > 0) {
    return `has a top-level '|', so only one side is anchored; wrap the alternatives: '^(?:a|b)$'`;
  }
  return undefined;
}

const compiled = new Map<string, RE2JS>();

/** The pattern on the RE2 engine (cached: the same few patterns are matched against every signer). */
export function compileSubjectRegExp(re: string): RE2JS {
  let p = compiled.get(re);
  if (!p) {
    p = RE2JS.compile(re);
    if (compiled.size > 256) compiled.clear();
    compiled.set(re, p);
  }
  return p;
}

/** Go's `regexp.MatchString`: true when the pattern matches somewhere in `text` (our patterns are anchored). */
export function subjectRegExpMatches(re: string, text: string): boolean {
  return compileSubjectRegExp(re).matcher(text).find();
}

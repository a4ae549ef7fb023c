/** One challenge of a `WWW-Authenticate` header: `Bearer realm="..",service="..",scope=".."`. */
export interface AuthChallenge {
  /** Lower-cased: `basic`, `bearer`. */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

/**
 * Parse a `WWW-Authenticate` value (RFC 9110 §11.6.1): one or more challenges separated by commas,
 * each a scheme followed by `name=value` pairs where values may be quoted strings holding commas
 * and backslash escapes.
 */
export function parseWwwAuthenticate(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skip = (chars: string) => {
    while (i < n && chars.includes(header[i]!)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && !' \t,="'.includes(header[i]!)) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    i++; // opening quote
    let out = '';
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      out += header[i];
      i++;
    }
    i++; // closing quote
    return out;
  };

  let current: AuthChallenge | undefined;
  while (i < n) {
    skip(' \t,');
    if (i >= n) break;
    const token = readToken();
    if (token === '') {
      i++; // stray character: skip it
      continue;
    }
    const afterToken = i;
    skip(' \t');
    if (header[i] === '=' && current) {
      i++;
      skip(' \t');
      const value = header[i] === '"' ? readQuoted() : readToken();
      current.params[token.toLowerCase()] = value;
      continue;
    }
    i = afterToken;
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
    // A token68 (e.g. `Negotiate abc==`) after the scheme carries no parameters we use: skip it.
    skip(' \t');
    const mark = i;
    const next = readToken();
    skip(' \t');
    const isParam = header[i] === '=' && header[i + 1] !== '=';
    if (next && !isParam) skip('=');
    else i = mark;
  }
  return challenges;
}

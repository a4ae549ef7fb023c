// Package URLs as two SBOM tools write them for the same package differ in ways that are not drift:
// percent-encoding (`+` vs `%2B`), where the Debian/RPM epoch lives (trivy: an `epoch=` qualifier;
// syft: inside the version), and qualifiers one tool adds and another leaves out (`arch`, `distro`,
// `upstream`, `repository_url`). We compare by type/namespace/name and the full version only.

/** A package identity and version, normalized across tools. */
export interface PackageId {
  /** `type/namespace/name`, lowercased where the purl spec says the type is case-insensitive. */
  key: string;
  version: string;
  /** The canonical purl: `pkg:` key `@` version, no qualifiers or subpath. */
  purl: string;
  /** The canonical purl without its version: what `changed[].name` reports. */
  name: string;
}

// Types whose namespace and name the purl spec (or the package manager) treats case-insensitively.
const CASE_INSENSITIVE = new Set(['deb', 'apk', 'alpm', 'bitbucket', 'github', 'pypi', 'npm', 'composer', 'hex', 'golang']);

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

// The canonical form keeps the characters package versions are made of readable.
function encode(part: string): string {
  return encodeURIComponent(part).replace(/%3A/gi, ':').replace(/%2B/gi, '+').replace(/%7E/gi, '~');
}

/** The purl normalized, or undefined when `text` is not a purl with a name. */
export function normalizePurl(text: string): PackageId | undefined {
  if (typeof text !== 'string' || !/^pkg:/i.test(text)) return undefined;
  let rest = text.slice(4).replace(/^\/+/, '');
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const query = rest.indexOf('?');
  const qualifiers = new Map<string, string>();
  if (query >= 0) {
    for (const pair of rest.slice(query + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0) qualifiers.set(pair.slice(0, eq).toLowerCase(), decode(pair.slice(eq + 1)));
    }
    rest = rest.slice(0, query);
  }
  // The version follows the last `@` of the last path segment (npm scopes put an `@` in the namespace, encoded or not).
  const slash = rest.lastIndexOf('/');
  const at = rest.indexOf('@', slash + 1);
  let version = at >= 0 ? decode(rest.slice(at + 1)) : '';
  if (at >= 0) rest = rest.slice(0, at);
  const segments = rest.split('/').filter(Boolean).map(decode);
  if (segments.length < 2) return undefined;
  const type = segments[0]!.toLowerCase();
  let path = segments.slice(1);
  if (CASE_INSENSITIVE.has(type)) path = path.map((s) => s.toLowerCase());
  if (type === 'pypi') path = path.map((s) => s.replace(/[-_.]+/g, '-'));
  const epoch = qualifiers.get('epoch');
  if (epoch && epoch !== '0' && !/^\d+:/.test(version)) version = `${epoch}:${version}`;
  // An explicit zero epoch is the same version as none.
  version = version.replace(/^0:/, '');
  const key = [type, ...path].join('/');
  const encodedKey = [type, ...path.map(encode)].join('/');
  return { key, version, name: `pkg:${encodedKey}`, purl: `pkg:${encodedKey}${version ? `@${encode(version)}` : ''}` };
}

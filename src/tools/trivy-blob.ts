// What trivy's own client sends its server for `trivy sbom --server`: the SBOM decoded into one
// "blob" (OS, OS packages, applications), in the JSON form of trivy's Twirp messages
// (rpc/cache/service.proto BlobInfo), and the server's Scan reply read back as trivy's native JSON
// report. Only CycloneDX is decoded here (trivy's own SBOMs are CycloneDX); other formats are
// scanned by a trivy process instead (see monitor/rescan.ts).
import type { TrivyReport, TrivyResult, TrivyVulnerability } from '../scan/trivy-report';

/** A package as trivy's rpc/common Package message (proto field names). */
export interface BlobPackage {
  id?: string;
  name: string;
  version: string;
  release?: string;
  epoch?: number;
  arch?: string;
  src_name?: string;
  src_version?: string;
  src_release?: string;
  src_epoch?: number;
  file_path?: string;
  layer?: { digest?: string; diff_id?: string };
  identifier?: { purl: string; bom_ref?: string };
}

export interface BlobApplication {
  type: string;
  file_path: string;
  /** trivy >= 0.50 names the field `packages`; older servers `libraries`: both are sent, each ignores the other. */
  packages: BlobPackage[];
  libraries: BlobPackage[];
}

export interface BlobInfo {
  schema_version: number;
  os?: { family: string; name: string };
  package_infos: Array<{ file_path: string; packages: BlobPackage[] }>;
  applications: BlobApplication[];
}

interface CdxProperty {
  name?: string;
  value?: string;
}
interface CdxComponent {
  'bom-ref'?: string;
  type?: string;
  name?: string;
  group?: string;
  version?: string;
  purl?: string;
  properties?: CdxProperty[];
  components?: CdxComponent[];
}
interface CdxDocument {
  bomFormat?: string;
  components?: CdxComponent[];
  dependencies?: Array<{ ref?: string; dependsOn?: string[] }>;
}

/** Whether trivy's CycloneDX decoding here applies (else scan the SBOM with a trivy process). */
export function isCycloneDx(document: unknown): boolean {
  return typeof document === 'object' && document !== null && (document as CdxDocument).bomFormat === 'CycloneDX';
}

const OS_PURL_TYPES = new Set(['deb', 'rpm', 'apk']);
const LANG_TYPES: Record<string, string> = {
  composer: 'composer',
  maven: 'jar',
  gem: 'gemspec',
  conda: 'conda-pkg',
  pypi: 'python-pkg',
  golang: 'gobinary',
  npm: 'node-pkg',
  cargo: 'cargo',
  nuget: 'nuget',
  swift: 'swift',
  cocoapods: 'cocoapods',
  hex: 'hex',
  conan: 'conan',
  pub: 'pub',
  bitnami: 'bitnami',
};
/** Types trivy aggregates into one application per type (no file path). */
const AGGREGATING = new Set(['python-pkg', 'conda-pkg', 'gemspec', 'node-pkg', 'jar']);
const PROP = 'aquasecurity:trivy:';

interface Purl {
  type: string;
  namespace: string;
  name: string;
  version: string;
  qualifiers: Record<string, string>;
}

export function parsePurl(text: string): Purl | undefined {
  const m = /^pkg:([^/]+)\/([^@?#]+)(?:@([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/.exec(text);
  if (!m) return undefined;
  const segments = m[2]!.split('/').map((s) => decodeURIComponent(s));
  const qualifiers: Record<string, string> = {};
  for (const pair of (m[4] ?? '').split('&').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq > 0) qualifiers[pair.slice(0, eq).toLowerCase()] = decodeURIComponent(pair.slice(eq + 1));
  }
  return {
    type: m[1]!.toLowerCase(),
    name: segments[segments.length - 1]!,
    namespace: segments.slice(0, -1).join('/'),
    version: decodeURIComponent(m[3] ?? ''),
    qualifiers,
  };
}

/** `epoch:upstream-revision` of a Debian version (or rpm's `epoch:version-release`). */
function splitVersion(text: string): { epoch: number; version: string; release: string } {
  let rest = text;
  let epoch = 0;
  const colon = rest.indexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(0, colon))) {
    epoch = Number(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  return dash > 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: '' };
}

function flatten(components: readonly CdxComponent[] | undefined, out: CdxComponent[] = []): CdxComponent[] {
  for (const c of components ?? []) {
    out.push(c);
    flatten(c.components, out);
  }
  return out;
}

function decodePackage(c: CdxComponent, purl: Purl): BlobPackage {
  const osPkg = OS_PURL_TYPES.has(purl.type);
  let name = purl.name;
  if (purl.namespace && !osPkg) name = purl.type === 'maven' ? `${purl.namespace}:${purl.name}` : `${purl.namespace}/${purl.name}`;
  if (purl.type !== 'maven' && purl.type !== 'cocoapods' && purl.type !== 'bitnami') name = c.group ? `${c.group}/${c.name ?? purl.name}` : (c.name ?? name);
  const pkg: BlobPackage = { name, version: purl.version, identifier: { purl: c.purl!, ...(c['bom-ref'] ? { bom_ref: c['bom-ref'] } : {}) } };
  if (purl.qualifiers.arch) pkg.arch = purl.qualifiers.arch;
  if (purl.qualifiers.epoch && /^\d+$/.test(purl.qualifiers.epoch)) pkg.epoch = Number(purl.qualifiers.epoch);
  if (purl.type === 'rpm') {
    const v = splitVersion(purl.version);
    pkg.version = v.version;
    pkg.release = v.release;
  }
  const props = new Map<string, string>();
  for (const p of c.properties ?? []) if (p.name?.startsWith(PROP) && p.value !== undefined) props.set(p.name.slice(PROP.length), p.value);
  if (props.has('PkgID')) pkg.id = props.get('PkgID');
  if (props.has('FilePath')) pkg.file_path = props.get('FilePath');
  if (props.has('LayerDigest') || props.has('LayerDiffID')) pkg.layer = { digest: props.get('LayerDigest') ?? '', diff_id: props.get('LayerDiffID') ?? '' };
  if (osPkg) {
    pkg.src_name = props.get('SrcName') ?? pkg.name;
    pkg.src_version = props.get('SrcVersion') ?? pkg.version;
    pkg.src_release = props.get('SrcRelease') ?? (props.has('SrcVersion') ? '' : (pkg.release ?? ''));
    const srcEpoch = props.get('SrcEpoch');
    pkg.src_epoch = srcEpoch !== undefined && /^\d+$/.test(srcEpoch) ? Number(srcEpoch) : props.has('SrcVersion') ? 0 : (pkg.epoch ?? 0);
  }
  return pkg;
}

/**
 * The blob trivy's SBOM artifact puts in the cache for this CycloneDX document (cf. trivy
 * pkg/sbom/io/decode.go): the first OS component, its packages by the dependency graph, every
 * application component with its packages, and the packages no component claims grouped by type.
 */
export function cycloneDxBlob(document: unknown): BlobInfo {
  const doc = document as CdxDocument;
  const all = flatten(doc.components);
  const byRef = new Map<string, CdxComponent>();
  for (const c of all) if (c['bom-ref']) byRef.set(c['bom-ref'], c);
  const edges = new Map<string, string[]>();
  for (const d of doc.dependencies ?? []) if (d.ref) edges.set(d.ref, [...(edges.get(d.ref) ?? []), ...(d.dependsOn ?? [])]);

  let osRef: string | undefined;
  let os: BlobInfo['os'];
  const apps = new Map<string, BlobApplication>();
  const pkgs = new Map<string, { pkg: BlobPackage; purl: Purl }>();
  let anonymous = 0;
  for (const c of all) {
    const ref = c['bom-ref'] ?? `#${anonymous++}`;
    if (c.type === 'operating-system') {
      if (os) continue;
      osRef = ref;
      os = { family: c.name ?? '', name: c.version ?? '' };
      continue;
    }
    if (c.type === 'application') {
      const type = c.properties?.find((p) => p.name === `${PROP}Type`)?.value;
      if (type) {
        apps.set(ref, { type, file_path: AGGREGATING.has(type) ? '' : (c.name ?? ''), packages: [], libraries: [] });
        continue;
      }
    }
    if (!c.purl) continue;
    const purl = parsePurl(c.purl);
    if (!purl || (!OS_PURL_TYPES.has(purl.type) && !LANG_TYPES[purl.type])) continue;
    pkgs.set(ref, { pkg: decodePackage(c, purl), purl });
  }

  const take = (ref: string, seen = new Set<string>()): BlobPackage[] => {
    const out: BlobPackage[] = [];
    for (const dep of edges.get(ref) ?? []) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      const found = pkgs.get(dep);
      if (!found) continue;
      pkgs.delete(dep);
      out.push(found.pkg, ...take(dep, seen));
    }
    return out;
  };

  const osPackages = osRef ? take(osRef) : [];
  const applications: BlobApplication[] = [];
  for (const [ref, app] of apps) {
    const packages = take(ref);
    applications.push({ ...app, packages, libraries: packages });
  }
  const orphanLang = new Map<string, BlobPackage[]>();
  for (const { pkg, purl } of pkgs.values()) {
    if (OS_PURL_TYPES.has(purl.type)) osPackages.push(pkg);
    else {
      const type = LANG_TYPES[purl.type]!;
      orphanLang.set(type, [...(orphanLang.get(type) ?? []), pkg]);
    }
  }
  for (const [type, packages] of orphanLang) applications.push({ type, file_path: '', packages, libraries: packages });
  applications.sort((a, b) => (a.type === b.type ? a.file_path.localeCompare(b.file_path) : a.type.localeCompare(b.type)));
  return {
    schema_version: 2,
    ...(os ? { os } : {}),
    package_infos: osPackages.length > 0 ? [{ file_path: '', packages: osPackages }] : [],
    applications,
  };
}

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** A field by its proto name or its JSON (lowerCamel) name: servers may use either. */
function field(o: Json, snake: string): unknown {
  if (snake in o) return o[snake];
  return o[snake.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())];
}

/** The Scan reply (rpc/scanner ScanResponse as JSON) in the shape of trivy's `--format json` report. */
export function scanReplyToReport(reply: unknown, artifactName: string): TrivyReport {
  const results: TrivyResult[] = [];
  for (const r of (field(reply as Json, 'results') as Json[] | undefined) ?? []) {
    const vulns: TrivyVulnerability[] = [];
    for (const v of (field(r, 'vulnerabilities') as Json[] | undefined) ?? []) {
      const identifier = field(v, 'pkg_identifier') as Json | null | undefined;
      const purl = identifier ? str(field(identifier, 'purl')) : undefined;
      const vuln: TrivyVulnerability = {
        VulnerabilityID: String(field(v, 'vulnerability_id') ?? ''),
        PkgName: String(field(v, 'pkg_name') ?? ''),
        InstalledVersion: String(field(v, 'installed_version') ?? ''),
      };
      const fixed = str(field(v, 'fixed_version'));
      if (fixed) vuln.FixedVersion = fixed;
      const severity = str(field(v, 'severity'));
      if (severity) vuln.Severity = severity;
      const title = str(field(v, 'title'));
      if (title) vuln.Title = title;
      const published = str(field(v, 'published_date'));
      if (published) vuln.PublishedDate = published;
      const url = str(field(v, 'primary_url'));
      if (url) vuln.PrimaryURL = url;
      if (purl) vuln.PkgIdentifier = { PURL: purl };
      vulns.push(vuln);
    }
    results.push({ Target: String(field(r, 'target') ?? ''), Class: str(field(r, 'class')), Type: str(field(r, 'type')), Vulnerabilities: vulns });
  }
  return { SchemaVersion: 2, ArtifactName: artifactName, ArtifactType: 'cyclonedx', Results: results };
}

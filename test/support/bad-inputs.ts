/**
 * The bad-input corpus: every case is one real CLI command line (run in-process through
 * src/cli/main.ts) that must end in exit 2 with one line on stderr.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BEHAVIOURS } from './bad-input-registry';

export type Category = 'reference' | 'policy' | 'key' | 'file' | 'registry';

export interface CorpusContext {
  dir: string;
  /** The real registry's host (open, plain HTTP). Nothing may ever be pushed there. */
  registry: string;
  /** The misbehaving double's host. */
  double: string;
  goodPolicy: string;
  goodLayout: string;
  goodBundle: string;
  goodPublicKey: string;
  artifact: string;
  trivyCache: string;
  layouts: Record<string, string>;
  archives: Record<string, string>;
  keys: Record<string, string>;
  policies: Record<string, string>;
  files: Record<string, string>;
}

export interface BadInputCase {
  category: Category;
  name: string;
  argv(ctx: CorpusContext): string[];
  /** What `--password-stdin` reads. */
  stdin?: string;
  env?: (ctx: CorpusContext) => Record<string, string>;
  /** Waits on helper 'inputs' (sanitizing, caps, private-key refusal, regex caps) or 'net' (deadlines, credential scoping). */
}

/** A ship of the good fixture layout to the real registry that `extra` (later flags win) breaks. */
export function shipArgs(ctx: CorpusContext, extra: string[]): string[] {
  return [
    'ship', '--image', `${ctx.registry}/corpus/ship`, '--from', ctx.goodLayout, '--tag', 'v1', '--offline',
    '--trivy-cache', ctx.trivyCache, '--sign', 'none', '--output-dir', path.join(ctx.dir, 'out'), ...extra,
  ];
}

const HEX = 'a'.repeat(64);

/** Malformed references: text → why it is bad (for the name). */
export const BAD_REFERENCES: Record<string, string> = {
  '': 'empty',
  'acme/app name': 'whitespace',
  'Acme/App': 'uppercase',
  'acme/app:': 'empty tag',
  'acme/app@': 'empty digest',
  'acme/app@sha256:abc': 'short digest',
  [`acme/app@sha256:${'G'.repeat(64)}`]: 'non-hex digest',
  [`acme/app@md5:${HEX.slice(0, 32)}`]: 'unsupported algorithm',
  [`acme/app@${HEX}`]: 'digest without algorithm',
  'reg.example.com:0/acme/app': 'port 0',
  '127.0.0.1:0/acme/app': 'loopback port 0',
  '[::1]:0/acme/app': 'IPv6 port 0',
  'reg.example.com:65536/acme/app': 'port 65536',
  'reg.example.com:99999999999999999999/acme/app': 'port overflow',
  'reg.example.com:-1/acme/app': 'negative port',
  'reg.example.com:port/acme/app': 'port not a number',
  '[::1/acme/app': 'unclosed IPv6',
  'reg..example.com/acme/app': 'empty host label',
  '-reg.example.com/acme/app': 'host label starting with -',
  'acme//app': 'empty path component',
  'acme/app/': 'trailing slash',
  [`acme/app:${'t'.repeat(129)}`]: 'tag of 129 characters',
  'acme/app:.hidden': 'tag starting with .',
  [`reg.example.com/${'a'.repeat(260)}`]: 'name over 255 characters',
  'acme/app\u0000x': 'NUL byte',
  'acme/app\u001b[31m': 'escape sequence',
  'acme/ap\u202ep': 'bidi override',
  'acme/../etc/passwd': 'dot-dot path',
};

/** References whose rejection echoes control characters back: helper 'inputs' sanitizes echoed user text. */

const REFERENCE_CASES: BadInputCase[] = Object.entries(BAD_REFERENCES).flatMap(([ref, why]): BadInputCase[] =>
  [
    { category: 'reference' as const, name: `verify IMAGE: ${why}`, argv: (c: CorpusContext) => ['verify', ref, '--policy', c.goodPolicy] },
    { category: 'reference' as const, name: `discover IMAGE: ${why}`, argv: () => ['discover', ref] },
    { category: 'reference' as const, name: `ship --from: ${why}`, argv: (c: CorpusContext) => shipArgs(c, ['--from', ref]) },
    { category: 'reference' as const, name: `ship --image: ${why}`, argv: (c: CorpusContext) => shipArgs(c, ['--image', ref]) },
  ],
);
REFERENCE_CASES.push(
  { category: 'reference', name: 'ship --image with a tag', argv: (c) => shipArgs(c, ['--image', `${c.registry}/corpus/ship:v2`]) },
  { category: 'reference', name: 'ship --image with a digest', argv: (c) => shipArgs(c, ['--image', `${c.registry}/corpus/ship@sha256:${HEX}`]) },
  { category: 'reference', name: 'ship --image oci-layout: without a dir', argv: (c) => shipArgs(c, ['--image', 'oci-layout:']) },
  { category: 'reference', name: 'ship --tag latest (mutable)', argv: (c) => shipArgs(c, ['--tag', 'latest']) },
  { category: 'reference', name: 'ship --tag with a slash', argv: (c) => shipArgs(c, ['--tag', 'a/b']) },
  { category: 'reference', name: 'ship --extra-tag of another commit SHA', argv: (c) => shipArgs(c, ['--extra-tag', 'f'.repeat(40)]) },
  { category: 'reference', name: 'verify oci-layout: bad digest suffix', argv: (c) => ['verify', `oci-layout:${c.dir}@sha256:xyz`, '--policy', c.goodPolicy] },
  { category: 'reference', name: 'discover --depth 0', argv: (c) => ['discover', `${c.registry}/seed/app:v1`, '--depth', '0'] },
  { category: 'reference', name: 'discover two images', argv: () => ['discover', 'a/b', 'c/d'] },
  { category: 'reference', name: 'verify no image', argv: (c) => ['verify', '--policy', c.goodPolicy] },
  { category: 'reference', name: 'ship --fail-on severe', argv: (c) => shipArgs(c, ['--fail-on', 'severe']) },
  { category: 'reference', name: 'ship --sign maybe', argv: (c) => shipArgs(c, ['--sign', 'maybe']) },
  { category: 'reference', name: 'ship --platforms with --from', argv: (c) => shipArgs(c, ['--platforms', 'linux/amd64']) },
  { category: 'reference', name: 'ship --insecure-registry flag without value', argv: (c) => shipArgs(c, ['--insecure-registry']) },
);

/** Policy texts that must be refused: name → YAML (written by the test as files). */
export const BAD_POLICY_TEXTS: Record<string, string> = {
  'empty file': '',
  'YAML syntax error': 'apiVersion: ship-image/v1\nkind: [Policy\n',
  'a YAML list': '- a\n- b\n',
  'a scalar': 'just text\n',
  'binary junk': '\u0000\u0001\u0002\u00ff',
  'wrong apiVersion': 'apiVersion: ship-image/v9\nkind: Policy\nmetadata: {name: x}\nspec: {images: ["*"]}\n',
  'wrong kind': 'apiVersion: ship-image/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec: {images: ["*"]}\n',
  'no metadata.name': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {}\nspec: {images: ["*"]}\n',
  'no images': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec: {images: []}\n',
  'mode block': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec: {images: ["*"], mode: block}\n',
  'unknown field': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec: {images: ["*"], allowEverything: true}\n',
  'duplicate keys': 'apiVersion: ship-image/v1\napiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec: {images: ["*"]}\n',
  'maxScanAge not a duration': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  require: {vulnerabilities: {maxScanAge: soon}}\n',
  'criticalGrace negative': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  require: {vulnerabilities: {criticalGrace: -1h}}\n',
  'sigstore unknown instance': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec: {images: ["*"], sigstore: private-good}\n',
  'identity without subject': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  identities: [{issuer: "https://token.actions.githubusercontent.com"}]\n',
  'subjectRegExp invalid': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  identities: [{issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^(($"}]\n',
  'subjectRegExp unanchored': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  identities: [{issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "github.com/acme"}]\n',
  'subjectRegExp lookahead': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  identities: [{issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^(?=a)a$"}]\n',
  'trusted root missing': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  sigstore: {trustedRoot: ./no-such-root.json}\n',
  'key file missing': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  keys: [./no-such.pub]\n',
  'tab indentation': 'apiVersion: ship-image/v1\nkind: Policy\nmetadata:\n\tname: x\n',
};

/** Policies that would exhaust a naive reader: name → YAML. */
const EXHAUSTING_POLICY_TEXTS: Record<string, string> = {
  // Nested quantifiers are safe on the linear-time engine; a repeat count over its cap is refused.
  'subjectRegExp repeat count over 1000':
    'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: x}\nspec:\n  images: ["*"]\n  identities: [{issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^a{1001}$"}]\n',
  'YAML alias bomb':
    `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`,
  'YAML nested 100000 deep':'['.repeat(100_000) + ']'.repeat(100_000) + '\n',
  'policy of 64 MiB':'#'.repeat(64 << 20) + '\n',
};

const POLICY_COMMANDS: Array<[string, (file: string, c: CorpusContext) => string[]]> = [
  ['policy check', (f) => ['policy', 'check', '--policy', f]],
  ['policy render', (f) => ['policy', 'render', '--policy', f, '--engine', 'kyverno-ivp']],
  ['verify --policy', (f, c) => ['verify', `${c.registry}/seed/app:v1`, '--policy', f]],
];

const POLICY_CASES: BadInputCase[] = [
  ...Object.keys(BAD_POLICY_TEXTS),
  ...Object.keys(EXHAUSTING_POLICY_TEXTS),
  'missing file',
  'a directory',
  'private key in keys',
  'garbage key in keys',
  'trusted root garbage',
  'a FIFO',
  '/dev/zero',
].flatMap((name) => POLICY_COMMANDS.map(([cmd, argv]): BadInputCase => ({ category: 'policy', name: `${cmd}: ${name}`, argv: (c) => argv(c.policies[name]!, c) })));
POLICY_CASES.push(
  { category: 'policy', name: 'policy render: unknown engine', argv: (c) => ['policy', 'render', '--policy', c.goodPolicy, '--engine', 'opa'] },
  { category: 'policy', name: 'policy: no subcommand', argv: (c) => ['policy', '--policy', c.goodPolicy] },
  { category: 'policy', name: 'policy check: no --policy', argv: () => ['policy', 'check'] },
  { category: 'policy', name: 'verify: --trusted-root garbage', argv: (c) => ['verify', `${c.registry}/seed/app:v1`, '--policy', c.goodPolicy, '--trusted-root', c.files['garbage']!] },
  { category: 'policy', name: 'verify: --trusted-root a directory', argv: (c) => ['verify', `${c.registry}/seed/app:v1`, '--policy', c.goodPolicy, '--trusted-root', c.dir] },
  { category: 'policy', name: 'verify: image outside spec.images', argv: (c) => ['verify', `${c.registry}/seed/app:v1`, '--policy', c.policies['narrow images']!] },
  { category: 'policy', name: 'policy render gatekeeper: --ca-bundle garbage', argv: (c) => ['policy', 'render', '--policy', c.goodPolicy, '--engine', 'gatekeeper', '--ca-bundle', c.files['garbage']!] },
  { category: 'policy', name: 'policy render webhook: --ca-bundle a directory', argv: (c) => ['policy', 'render', '--policy', c.goodPolicy, '--engine', 'webhook', '--ca-bundle', c.dir] },
  { category: 'policy', name: 'policy render webhook: --ca-bundle /dev/zero', argv: (c) => ['policy', 'render', '--policy', c.goodPolicy, '--engine', 'webhook', '--ca-bundle', '/dev/zero'] },
);

/** --key files for ship (private key expected) and verify-bundle (public key expected). */
const KEY_CASES = (keyNames: string[]): BadInputCase[] => [
  ...keyNames.map((name): BadInputCase => ({ category: 'key', name: `ship --key: ${name}`, argv: (c) => shipArgs(c, ['--sign', 'key', '--key', c.keys[name]!]) })),
  { category: 'key', name: 'ship --key: a directory', argv: (c) => shipArgs(c, ['--sign', 'key', '--key', c.dir]) },
  { category: 'key', name: 'ship --key: a FIFO', argv: (c) => shipArgs(c, ['--sign', 'key', '--key', c.files['fifo']!]) },
  { category: 'key', name: 'ship --key: /dev/zero', argv: (c) => shipArgs(c, ['--sign', 'key', '--key', '/dev/zero']) },
  { category: 'key', name: 'ship --key: missing', argv: (c) => shipArgs(c, ['--sign', 'key', '--key', path.join(c.dir, 'none.key')]) },
  { category: 'key', name: 'ship --key with --sign none', argv: (c) => shipArgs(c, ['--key', c.keys['garbage text']!]) },
  { category: 'key', name: 'ship --key: Rekor URL file:', argv: (c) => shipArgs(c, ['--sign', 'key', '--key', c.files['good key']!, '--rekor-url', 'file:///etc/passwd']) },
  { category: 'key', name: 'ship --key: TSA URL javascript:', argv: (c) => shipArgs(c, ['--sign', 'key', '--key', c.files['good key']!, '--tsa-url', 'javascript:alert(1)']) },
  { category: 'key', name: 'ship keyless: Fulcio URL gopher:', argv: (c) => shipArgs(c, ['--sign', 'keyless', '--fulcio-url', 'gopher://x']) },
  { category: 'key', name: 'ship keyless: no token', argv: (c) => shipArgs(c, ['--sign', 'keyless']) },
  { category: 'key', name: 'ship --visibility secret', argv: (c) => shipArgs(c, ['--visibility', 'secret']) },
  ...['garbage text', 'binary junk', 'PEM of a certificate', 'empty file'].map((name): BadInputCase => ({
    category: 'key',
    name: `verify-bundle --key: ${name}`,
    argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.keys[name]!, c.artifact],
  })),
  { category: 'key', name: 'verify-bundle --key: a private key', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.files['good key']!, c.artifact] },
  { category: 'key', name: 'verify-bundle --key: a directory', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.dir, c.artifact] },
  { category: 'key', name: 'verify-bundle --key: missing', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', path.join(c.dir, 'none.pub'), c.artifact] },
  { category: 'key', name: 'verify-bundle --key: a FIFO', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.files['fifo']!, c.artifact] },
  { category: 'key', name: 'verify-bundle: --key and --certificate-identity', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.goodPublicKey, '--certificate-identity', 'x', c.artifact] },
];

/**
 * Damage to layers and config only: verify and discover judge the manifest and its referrers and
 * never read those blobs (a registry may lack them too), so only a copy (ship --from) must refuse.
 */
const COPY_ONLY_DAMAGE = new Set(['layer blob missing', 'config blob missing', 'layer blob truncated', 'layer blob is a dir']);

const LAYOUT_COMMANDS: Array<[string, (input: string, c: CorpusContext) => string[]]> = [
  ['verify', (i, c) => ['verify', i, '--policy', c.goodPolicy]],
  ['discover', (i) => ['discover', i]],
  ['ship --from', (i, c) => shipArgs(c, ['--from', i])],
];

const FILE_CASES = (layoutNames: string[], archiveNames: string[]): BadInputCase[] => [
  ...layoutNames.flatMap((name) =>
    LAYOUT_COMMANDS.filter(([cmd]) => cmd === 'ship --from' || !COPY_ONLY_DAMAGE.has(name)).map(
      ([cmd, argv]): BadInputCase => ({ category: 'file', name: `${cmd} oci-layout: ${name}`, argv: (c) => argv(c.layouts[name]!, c) }),
    ),
  ),
  ...archiveNames.map((name): BadInputCase => ({ category: 'file', name: `ship --from docker-archive: ${name}`, argv: (c) => shipArgs(c, ['--from', c.archives[name]!]) })),
  { category: 'file', name: 'ship --output-dir is a file', argv: (c) => shipArgs(c, ['--output-dir', c.files['garbage']!]) },
  { category: 'file', name: 'ship --output-dir under a file', argv: (c) => shipArgs(c, ['--output-dir', path.join(c.files['garbage']!, 'x')]) },
  { category: 'file', name: 'ship --trivy-cache is a file', argv: (c) => shipArgs(c, ['--trivy-cache', c.files['garbage']!]) },
  { category: 'file', name: 'ship --trivy-cache empty (offline)', argv: (c) => shipArgs(c, ['--trivy-cache', path.join(c.dir, 'empty-cache')]) },
  { category: 'file', name: 'ship --trivy-cache DB too old', argv: (c) => shipArgs(c, ['--trivy-cache', c.files['old db']!, '--max-db-age', '1h']) },
  { category: 'file', name: 'ship --trivy-cache DB metadata garbage', argv: (c) => shipArgs(c, ['--trivy-cache', c.files['garbage db']!]) },
  { category: 'file', name: 'ship --max-db-age forever', argv: (c) => shipArgs(c, ['--max-db-age', 'forever']) },
  { category: 'file', name: 'ship --image oci-layout: a file', argv: (c) => shipArgs(c, ['--image', `oci-layout:${c.files['garbage']!}`]) },
  { category: 'file', name: 'ship --image oci-layout: broken index', argv: (c) => shipArgs(c, ['--image', c.layouts['index not json']!.replace(/:latest$/, '')]) },
  { category: 'file', name: 'SHIP_IMAGE_CA_FILE missing (verify)', argv: (c) => ['verify', `${c.registry}/seed/app:v1`, '--policy', c.goodPolicy], env: (c) => ({ SHIP_IMAGE_CA_FILE: path.join(c.dir, 'no-ca.pem') }) },
  { category: 'file', name: 'SHIP_IMAGE_CA_FILE a directory (discover)', argv: (c) => ['discover', `${c.registry}/seed/app:v1`], env: (c) => ({ SHIP_IMAGE_CA_FILE: c.dir }) },
  { category: 'file', name: 'verify-bundle --bundle missing', argv: (c) => ['verify-bundle', '--bundle', path.join(c.dir, 'none.json'), '--key', c.goodPublicKey, c.artifact] },
  { category: 'file', name: 'verify-bundle --bundle a directory', argv: (c) => ['verify-bundle', '--bundle', c.dir, '--key', c.goodPublicKey, c.artifact] },
  { category: 'file', name: 'verify-bundle --bundle a FIFO', argv: (c) => ['verify-bundle', '--bundle', c.files['fifo']!, '--key', c.goodPublicKey, c.artifact] },
  { category: 'file', name: 'verify-bundle --bundle /dev/zero', argv: (c) => ['verify-bundle', '--bundle', '/dev/zero', '--key', c.goodPublicKey, c.artifact] },
  { category: 'file', name: 'verify-bundle artifact a directory', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.goodPublicKey, c.dir] },
  { category: 'file', name: 'verify-bundle artifact missing', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.goodPublicKey, path.join(c.dir, 'no-artifact')] },
  { category: 'file', name: 'verify-bundle --trusted-root garbage', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.goodPublicKey, '--trusted-root', c.files['garbage']!, c.artifact] },
  { category: 'file', name: 'verify-bundle --trusted-root /dev/zero', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.goodPublicKey, '--trusted-root', '/dev/zero', c.artifact] },
  { category: 'file', name: 'verify-bundle --staging', argv: (c) => ['verify-bundle', '--bundle', c.goodBundle, '--key', c.goodPublicKey, '--staging', c.artifact] },
];

const REGISTRY_CASES: BadInputCase[] = Object.keys(BEHAVIOURS).map(
  (behaviour): BadInputCase => ({
    category: 'registry',
    name: `verify against a registry that answers ${behaviour}`,
    // A registry that hangs or drips ends at the --timeout deadline, well inside the case's own limit.
    argv: (c) => ['verify', `${c.double}/${behaviour}:v1`, '--policy', c.goodPolicy, '--username', 'corpus', '--password-stdin', '--timeout', '5s'],
    stdin: 'REGISTRY_CANARY',
  }),
);
REGISTRY_CASES.push(
  { category: 'registry', name: 'verify: --username without --password-stdin', argv: (c) => ['verify', `${c.double}/status-500:v1`, '--policy', c.goodPolicy, '--username', 'corpus'] },
  { category: 'registry', name: 'verify: empty password on stdin', argv: (c) => ['verify', `${c.double}/status-500:v1`, '--policy', c.goodPolicy, '--username', 'corpus', '--password-stdin'], stdin: '\n' },
  { category: 'registry', name: 'verify: --password-stdin without --username', argv: (c) => ['verify', `${c.double}/status-500:v1`, '--policy', c.goodPolicy, '--password-stdin'], stdin: 'REGISTRY_CANARY' },
  { category: 'registry', name: 'verify: --timeout that is no duration', argv: (c) => ['verify', `${c.registry}/seed/app:v1`, '--policy', c.goodPolicy, '--timeout', 'soon'] },
  { category: 'registry', name: 'discover: --timeout of zero', argv: (c) => ['discover', `${c.registry}/seed/app:v1`, '--timeout', '0s'] },
  { category: 'registry', name: 'verify: nothing listens on the port', argv: (c) => ['verify', '127.0.0.1:9/acme/app:v1', '--policy', c.goodPolicy] },
  { category: 'registry', name: 'verify: tag the registry does not have', argv: (c) => ['verify', `${c.registry}/seed/app:no-such-tag`, '--policy', c.goodPolicy] },
  { category: 'registry', name: 'discover: repository the registry does not have', argv: (c) => ['discover', `${c.registry}/no/such:v1`] },
  { category: 'registry', name: 'discover: credentials from DOCKER_CONFIG rejected', argv: (c) => ['discover', `${c.double}/status-401-basic:v1`] },
);

/** The whole table; layout/archive/key names come from the support makers (bad-files.ts). */
export function badInputCases(names: { layouts: string[]; archives: string[]; keys: string[] }): BadInputCase[] {
  return [...REFERENCE_CASES, ...POLICY_CASES, ...KEY_CASES(names.keys), ...FILE_CASES(names.layouts, names.archives), ...REGISTRY_CASES];
}

/** Writes the policy files the policy cases name; returns name → path. */
export function writePolicies(dir: string, privateKeyFile: string, goodPolicyText: string): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (name: string, text: string) => {
    const file = path.join(dir, 'policies', `${name.replace(/\W+/g, '-')}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    out[name] = file;
  };
  for (const [name, text] of Object.entries(BAD_POLICY_TEXTS)) put(name, text);
  for (const [name, text] of Object.entries(EXHAUSTING_POLICY_TEXTS)) put(name, text);
  out['missing file'] = path.join(dir, 'policies', 'no-such.yaml');
  out['a directory'] = path.join(dir, 'policies');
  out['a FIFO'] = path.join(dir, 'policy.fifo');
  out['/dev/zero'] = '/dev/zero';
  fs.writeFileSync(path.join(dir, 'policies', 'garbage.pub'), 'not a key\n');
  fs.writeFileSync(path.join(dir, 'policies', 'garbage-root.json'), '{"mediaType": 7}');
  fs.copyFileSync(privateKeyFile, path.join(dir, 'policies', 'private.pem'));
  put('private key in keys', `${goodPolicyText}  keys: [./private.pem]\n`);
  put('garbage key in keys', `${goodPolicyText}  keys: [./garbage.pub]\n`);
  put('trusted root garbage', goodPolicyText.replace('sigstore: public-good', 'sigstore: {trustedRoot: ./garbage-root.json}'));
  put('narrow images', goodPolicyText.replace('images: ["*"]', 'images: ["ghcr.io/elsewhere/*"]'));
  return out;
}

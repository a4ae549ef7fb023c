/**
 * The bad-input corpus (test/support/bad-inputs.ts): hundreds of hostile or broken inputs, each
 * run as the real CLI command in-process. Every case must exit 2 with exactly one line on stderr,
 * no stack trace and no control sequence, return at all (a per-case timeout), push nothing to the
 * real registry, and never show a canary secret (key password, registry passwords from stdin and
 * DOCKER_CONFIG, an OIDC token) in its output, in a file it wrote, or in a request to another host.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeStatement } from '../src/attest/statement';
import { main } from '../src/cli/main';
import { copyImage } from '../src/oci/copy';
import { OciLayoutStore } from '../src/oci/layout';
import { RegistryClient } from '../src/oci/registry';
import { keySigner } from '../src/sign';
import { startBadInputRegistry, type BadInputRegistry } from './support/bad-input-registry';
import { badKeys, brokenArchives, brokenLayouts, fifo, write } from './support/bad-files';
import { badInputCases, writePolicies, type BadInputCase, type Category, type CorpusContext } from './support/bad-inputs';
import { startRegistry, type TestRegistry } from './support/registry';
import { makeShipFixture, type ShipFixture } from './support/ship-env';
import { prepareFixtureDb } from './support/trivy';

// What `--password-stdin` reads: the commands read fd 0 (readStdinCapped), which a test cannot
// feed, and which in a jest worker is a pipe that never ends.
const mockStdin = { text: '' };
jest.mock('../src/core/read-capped', () => ({
  ...jest.requireActual<typeof import('../src/core/read-capped')>('../src/core/read-capped'),
  readStdinCapped: () => mockStdin.text,
}));

const CANARY = {
  cosignPassword: 'canary-cosign-7Qm2xV9p',
  stdinPassword: 'canary-stdin-K3w8Zr1t',
  dockerConfigPassword: 'canary-dockercfg-P5n4Yb6s',
  oidcToken: 'canary-oidc-H2j7Lc0d',
};
const CANARY_FORMS = Object.values(CANARY).flatMap((c) => [c, Buffer.from(c).toString('base64'), Buffer.from(`corpus:${c}`).toString('base64')]);
const STDIN_PLACEHOLDER = 'REGISTRY_CANARY';
const CASE_TIMEOUT_MS = 30_000;
const MAX_PROGRESS_LINES = 3;
// ESC and C1 controls, bidi overrides and isolates: a registry must not write these into CI logs.
// eslint-disable-next-line no-control-regex -- the point is to find them
const CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const GOOD_POLICY = [
  'apiVersion: ship-image/v1',
  'kind: Policy',
  'metadata: {name: corpus}',
  'spec:',
  '  images: ["*"]',
  '  sigstore: public-good',
  '  identities:',
  '    - {issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main"}',
  '',
].join('\n');

let fx: ShipFixture;
let registry: TestRegistry;
let double: BadInputRegistry;
let ctx: CorpusContext;
let client: RegistryClient;
let seedDigest: string;
const savedEnv: Record<string, string | undefined> = {};
const totals = new Map<Category, { cases: number; passed: number }>();

const dir = fs.mkdtempSync(path.join(tmpdir(), 'bad-input-corpus-'));
const layoutNames = ['missing dir', 'file instead of dir', 'path too long', 'dir under a file', 'no oci-layout file', 'oci-layout is a dir', 'oci-layout version 2',
  'oci-layout not json', 'index not json', 'index empty file', 'index is null', 'index manifests not a list', 'index is a dir', 'index entry null', 'digest with ../',
  'digest with slash', 'digest md5', 'digest a number', 'tag names missing manifest blob', 'manifest blob deleted', 'manifest blob is a dir', 'manifest blob corrupt',
  'layer blob missing', 'config blob missing', 'layer blob truncated', 'layer blob is a dir', 'blobs is a file', 'tag absent', 'digest absent'];
const archiveNames = ['missing', 'directory', 'fifo', '/dev/zero', 'empty file', 'not a tar', 'no manifest.json', 'manifest.json not json', 'manifest.json an object',
  'manifest.json empty list', 'layers not strings', 'repotags a string', 'config missing', 'config not json', 'layer count mismatch', 'layer missing', 'layer diff_id wrong',
  'second layer damaged', 'symlink escaping', 'image not in archive', 'two images, none picked'];
const keyNames = ['empty file', 'garbage text', 'binary junk', 'PEM with bad base64', 'PEM of a certificate', 'public key where private expected', 'RSA key', 'P-384 key', 'ed25519 key',
  'cosign key, wrong password', 'PKCS#8 encrypted, wrong password', 'scrypt N = 2^40', 'scrypt r = 10^6', 'scrypt p = 10^6', 'scrypt N not a power of 2', 'scrypt N a string',
  'kdf pbkdf2', 'cipher aes', 'nonce too short', 'envelope not json'];
const CASES = badInputCases({ layouts: layoutNames, archives: archiveNames, keys: keyNames });

function setEnv(name: string, value: string | undefined): void {
  if (!(name in savedEnv)) savedEnv[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function catalog(): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/_catalog`);
  return ((await res.json()) as { repositories: string[] }).repositories;
}

/** Every file under `root` (not following links), FIFOs and devices left out. */
function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCli(argv: string[], stdin: string | undefined): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c) => ((stderr += String(c)), true));
  mockStdin.text = stdin ?? '';
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    mockStdin.text = '';
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  fx = await makeShipFixture();
  [registry, double] = await Promise.all([startRegistry('open'), startBadInputRegistry()]);
  client = new RegistryClient();
  seedDigest = (await copyImage(new OciLayoutStore(fx.sourceLayout), 'latest', client.repository(registry.host, 'seed/app'), 'v1')).digest;

  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const artifact = write(dir, 'artifact.txt', 'an artifact\n');
  const statement = makeStatement({ name: 'artifact.txt', digest: 'sha256:' + createHash('sha256').update('an artifact\n').digest('hex') }, 'https://slsa.dev/provenance/v1', {});
  const goodBundle = write(dir, 'good.sigstore.json', JSON.stringify(await keySigner({ keyPem: privatePem }).signStatement(statement)));
  const oldDb = path.join(dir, 'old-db');
  await prepareFixtureDb(oldDb, new Date('2020-01-01T00:00:00Z'));
  const garbageDb = path.join(dir, 'garbage-db');
  write(garbageDb, 'db/trivy.db', 'x');
  write(garbageDb, 'db/metadata.json', '{{{');
  const goodPolicy = write(dir, 'good-policy.yaml', GOOD_POLICY);
  const archivesDir = path.join(dir, 'archives');
  fs.mkdirSync(archivesDir);
  fs.mkdirSync(path.join(dir, 'layouts'));
  const policies = writePolicies(dir, write(dir, 'private.pem', privatePem), GOOD_POLICY);
  fifo(dir, 'policy.fifo');
  ctx = {
    dir,
    registry: registry.host,
    double: double.host,
    goodPolicy,
    goodLayout: `oci-layout:${fx.sourceLayout}:latest`,
    goodBundle,
    goodPublicKey: write(dir, 'good.pub', publicPem),
    artifact,
    trivyCache: fx.trivyCache,
    layouts: brokenLayouts(fx.sourceLayout, path.join(dir, 'layouts')),
    archives: await brokenArchives(archivesDir),
    keys: badKeys(dir),
    policies,
    files: { garbage: write(dir, 'garbage.bin', 'garbage\n'), fifo: fifo(dir, 'any.fifo'), 'good key': write(dir, 'good.key', privatePem), 'old db': oldDb, 'garbage db': garbageDb },
  };

  // Canary secrets in every place the commands read secrets from.
  const dockerConfig = path.join(dir, 'docker-config');
  fs.mkdirSync(dockerConfig);
  const auth = Buffer.from(`corpus:${CANARY.dockerConfigPassword}`).toString('base64');
  fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [double.host]: { auth } } }));
  setEnv('DOCKER_CONFIG', dockerConfig);
  setEnv('REGISTRY_AUTH_FILE', undefined);
  setEnv('COSIGN_PASSWORD', CANARY.cosignPassword);
  setEnv('SIGSTORE_ID_TOKEN', undefined);
  setEnv('ACTIONS_ID_TOKEN_REQUEST_URL', undefined);
  setEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', CANARY.oidcToken);
  setEnv('GITHUB_TOKEN', CANARY.oidcToken);
  setEnv('GITHUB_SHA', undefined);
  setEnv('GITHUB_ACTIONS', undefined);
  setEnv('SHIP_IMAGE_CA_FILE', undefined);
  setEnv('SHIP_IMAGE_DEBUG', undefined);
}, 120_000);

afterAll(async () => {
  const rows = [...totals.entries()].map(([category, t]) => `  ${category.padEnd(10)} ${String(t.cases).padStart(4)} cases, ${String(t.passed).padStart(4)} passed`);
  const sum = [...totals.values()].reduce((a, t) => ({ cases: a.cases + t.cases, passed: a.passed + t.passed }), { cases: 0, passed: 0 });
  console.log(`bad-input corpus: ${sum.cases} cases, ${sum.passed} passed\n${rows.join('\n')}`);
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  client?.close();
  await Promise.all([registry?.stop(), double?.stop()]);
  fx?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

function tally(c: BadInputCase, what: 'passed' | 'case'): void {
  const t = totals.get(c.category) ?? { cases: 0, passed: 0 };
  if (what === 'case') t.cases++;
  else t[what]++;
  totals.set(c.category, t);
}

test('the corpus holds at least 150 cases, every name unique', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(150);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

describe.each(['reference', 'policy', 'key', 'file', 'registry'] as Category[])('%s', (category) => {
  const cases = CASES.filter((c) => c.category === category);
  for (const c of cases) {
    tally(c, 'case');
    test(
      c.name,
      async () => {
        const outDir = path.join(dir, 'out');
        fs.rmSync(outDir, { recursive: true, force: true });
        const before = double.otherRequests.length;
        const beforeRequests = double.requests.length;
        const extraEnv = c.env?.(ctx) ?? {};
        for (const [k, v] of Object.entries(extraEnv)) setEnv(k, v);
        let run: Run;
        try {
          run = await runCli(c.argv(ctx), c.stdin === STDIN_PLACEHOLDER ? CANARY.stdinPassword : c.stdin);
        } finally {
          for (const k of Object.keys(extraEnv)) setEnv(k, undefined);
        }
        // One error line, last; before it at most the few progress lines a run prints as it goes
        // (`build: taking ...`, `verify: X is sha256:... now`), never a second error or a dump.
        const lines = run.stderr.replace(/\n$/, '').split('\n');
        const errorLines = lines.filter((l) => /^ship-image \S+: \S/.test(l));
        expect({ code: run.code, errorLines: errorLines.length, last: lines[lines.length - 1], progress: lines.length <= MAX_PROGRESS_LINES + 1 }).toEqual({
          code: 2,
          errorLines: 1,
          last: errorLines[0],
          progress: true,
        });
        expect(run.stderr + run.stdout).not.toMatch(/^\s+at /m);
        expect(run.stderr.replace(/\n$/, '')).not.toMatch(CONTROL_RE);
        expect(run.stderr).not.toMatch(/\bE(NOTDIR|ISDIR|NAMETOOLONG|EXIST|NOENT)\b/);
        const written = filesUnder(outDir).map((f) => fs.readFileSync(f, 'latin1')).join('\n');
        const otherHost = JSON.stringify(double.otherRequests.slice(before));
        for (const secret of CANARY_FORMS) {
          expect(run.stdout + run.stderr).not.toContain(secret);
          expect(written).not.toContain(secret);
          expect(otherHost).not.toContain(secret);
        }
        // Nothing pushed: the real registry holds the seed image and nothing else; the double got no writes.
        expect(await catalog()).toEqual(['seed/app']);
        expect(await client.repository(registry.host, 'seed/app').listTags()).toEqual(['v1']);
        expect((await client.repository(registry.host, 'seed/app').resolve('v1')).digest).toBe(seedDigest);
        expect(double.requests.slice(beforeRequests).filter((r) => !['GET', 'HEAD'].includes(r.method))).toEqual([]);
        tally(c, 'passed');
      },
      CASE_TIMEOUT_MS,
    );
  }
});

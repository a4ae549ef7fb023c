/**
 * Hostile inputs through the CLI, in-process: `/dev/zero` and sparse files where files belong, a
 * private key in a policy, billion-laughs and deep YAML, and a lying registry on loopback (a double:
 * real registries do not misbehave on purpose) whose error bodies and descriptors carry ANSI escapes,
 * bidi overrides, 1 MB of text and the credentials it was sent. Each must end in one line (exit 2
 * for bad input), with no escape sequence and no canary secret in any output.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain as run } from './support/run-main';

const CANARY_USER = 'canary-user';
const CANARY_PASSWORD = 'canary-pass-7f3e9b21d4';
const HOSTILE = '\u001b[2J\u001b[1;31mPWNED\u001b[0m \u001b]0;title\u0007 \u009b31m \u202Eexe.txt\u202C \u2066iso\u2069';
// Anything that would move the cursor, retitle the terminal or flip text direction.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/; // eslint-disable-line no-control-regex

/** One line on stderr, no stack, no control characters, no canary. */
function expectOneCleanLine(r: { stdout: string; stderr: string }, pattern?: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  expect(lines).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (pattern) expect(lines[0]).toMatch(pattern);
  for (const text of [r.stdout, r.stderr]) {
    expect(text).not.toMatch(CONTROL);
    expect(text).not.toContain(CANARY_PASSWORD);
    expect(text).not.toContain(Buffer.from(`${CANARY_USER}:${CANARY_PASSWORD}`).toString('base64'));
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hostile-inputs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = `apiVersion: ship-image/v1
kind: Policy
metadata: {name: p}
spec:
  images: ["*"]
  keys: [KEY]
`;

describe('hostile files', () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  test('policy check /dev/zero: exit 2, one line naming the file and the cap', async () => {
    const r = await run(['policy', 'check', '--policy', '/dev/zero']);
    expect(r.code).toBe(2);
    expectOneCleanLine(r, /^ship-image policy: \/dev\/zero: the policy file is too large \(more than 1 MiB ship-image reads for it\); check --policy$/);
  });

  test('a 1 GB sparse policy file is refused by its size', async () => {
    const file = join(dir, 'sparse.yaml');
    writeFileSync(file, '');
    truncateSync(file, 1024 ** 3);
    const r = await run(['policy', 'check', '--policy', file]);
    expect(r.code).toBe(2);
    expectOneCleanLine(r, /the policy file is too large \(1024 MiB, more than the 1 MiB/);
  });

  test('policy render refuses a PKCS#8 private key and writes no manifest', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    write('private.pem', key);
    const policy = write('private-key-policy.yaml', POLICY.replace('KEY', 'private.pem'));
    for (const argv of [['policy', 'render', '--engine', 'kyverno', '--policy', policy], ['policy', 'check', '--policy', policy]]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expectOneCleanLine(r, /spec\.keys\[0\]: 'private\.pem' holds a private key/);
      expect(r.stderr).not.toContain(key.split('\n')[1]);
    }
  });

  test('/dev/zero as a key, billion laughs and deep nesting: exit 2 each', async () => {
    const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) laughs.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const cases: Array<[string, RegExp]> = [
      [write('zero-key.yaml', POLICY.replace('KEY', '/dev/zero')), /spec\.keys\[0\]: '\/dev\/zero' is too large/],
      [write('laughs.yaml', `${POLICY.replace('KEY', '/dev/null')}${laughs.join('\n')}\n`), /YAML: its aliases expand too far/],
      [write('deep.yaml', `${POLICY}x: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`), /YAML: brackets nest more than 64 levels deep/],
      [write('regexp.yaml', POLICY.replace('keys: [KEY]', () => "identities: [{issuer: https://x, subjectRegExp: '^(a+)+$'}]").replace('images: ["*"]', `images: ["${'*'.repeat(100)}"]`)), /^$/],
    ];
    for (const [file, expected] of cases) {
      const r = await run(['policy', 'check', '--policy', file]);
      if (expected.source === '^$') {
        // A glob of 100 stars and '(a+)+$' are accepted: both are matched in linear time.
        expect([r.code, r.stderr]).toEqual([0, '']);
        continue;
      }
      expect(r.code).toBe(2);
      expectOneCleanLine(r, expected);
    }
  });

  test('verify --trusted-root /dev/zero: exit 2 before any registry is asked', async () => {
    const policy = write('root-policy.yaml', POLICY.replace('keys: [KEY]', () => "identities: [{issuer: https://x, subject: https://y}]"));
    const r = await run(['verify', '127.0.0.1:1/acme/api:latest', '--policy', policy, '--trusted-root', '/dev/zero']);
    expect(r.code).toBe(2);
    expectOneCleanLine(r, /^ship-image verify: \/dev\/zero: the trusted root is too large \(more than 8 MiB ship-image reads for it\); check the path$/);
  });

  test('verify-bundle with /dev/zero as bundle or key', async () => {
    const artifact = write('artifact.txt', 'hello');
    const publicKey = write('bundle-key.pub', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string);
    const bundle = await run(['verify-bundle', artifact, '--bundle', '/dev/zero', '--key', publicKey]);
    expect(bundle.code).toBe(2);
    expectOneCleanLine(bundle, /\/dev\/zero: the bundle is too large \(more than 64 MiB/);
    const key = await run(['verify-bundle', artifact, '--bundle', artifact, '--key', '/dev/zero']);
    expect(key.code).toBe(2);
    expectOneCleanLine(key, /\/dev\/zero: the key is too large \(more than 64 KiB/);
  });
});

describe('a lying registry (loopback double)', () => {
  let server: http.Server;
  let host: string;
  let dockerConfig: string;
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 }, layers: [] }));
  const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const auth = req.headers.authorization;
      if (!auth) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="lying"' });
        res.end();
        return;
      }
      const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
      const url = req.url ?? '';
      if (/^\/v2\/acme\/\w+\/manifests\/sha256-/.test(url)) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
        return;
      }
      if (url === '/v2/' || (/^\/v2\/acme\/\w+\/manifests\//.test(url) && !url.includes('bbbbbbbb'))) {
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': manifestDigest, 'Content-Length': manifest.length });
        res.end(req.method === 'HEAD' || url === '/v2/' ? undefined : manifest);
        return;
      }
      if (/^\/v2\/acme\/(ok|bund)\/referrers\//.test(url)) {
        const body = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: `sha256:${'b'.repeat(64)}`,
              size: 100,
              artifactType: url.startsWith('/v2/acme/bund/') ? 'application/vnd.dev.sigstore.bundle.v0.3+json' : `application/x-evil${HOSTILE}`,
              annotations: { 'dev.sigstore.bundle.predicateType': `https://x/${HOSTILE} ${auth} ${decoded}`, 'org.opencontainers.image.created': 'x'.repeat(100_000) },
            },
          ],
        });
        res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.index.v1+json' });
        res.end(body);
        return;
      }
      // Everything else: an error body that echoes the credentials, with escapes, 1 MB long.
      const message = `denied ${HOSTILE} you sent ${auth} (${decoded}) ${'A'.repeat(1024 * 1024)}`;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: `DENIED${HOSTILE}`, message: message.slice(0, 60_000), detail: { echoed: auth } }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    dockerConfig = mkdtempSync(join(dir, 'docker-'));
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${CANARY_USER}:${CANARY_PASSWORD}`).toString('base64') } } }));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('an error body with escapes, echoed credentials and 1 MB of text comes out as one clean, short line', async () => {
    const r = await run(['discover', `${host}/acme/broken:latest`, '--no-cosign-tags'], { DOCKER_CONFIG: dockerConfig });
    expect(r.code).not.toBe(0);
    expectOneCleanLine(r, /^ship-image discover: registry 127\.0\.0\.1:\d+: .*500 DENIED\[2J\[1;31mPWNED\[0m/);
    expect(r.stderr).toContain('***');
    expect(r.stderr.length).toBeLessThan(4200);
  });

  test('discover text and --json of hostile descriptors: no escapes, no canary, capped', async () => {
    for (const json of [false, true]) {
      const r = await run(['discover', `${host}/acme/ok:latest`, '--no-cosign-tags', ...(json ? ['--json'] : [])], { DOCKER_CONFIG: dockerConfig });
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).not.toMatch(CONTROL);
      expect(r.stdout).not.toMatch(/\\u001b|\\u0007|\\u009b/);
      expect(r.stdout).not.toContain(CANARY_PASSWORD);
      expect(r.stdout).not.toContain(Buffer.from(`${CANARY_USER}:${CANARY_PASSWORD}`).toString('base64'));
      expect(r.stdout).toContain('PWNED');
      expect(r.stdout.length).toBeLessThan(5000);
      // Its artifactType is no media type: the registry listed a malformed descriptor, which is
      // skipped with a note (inert too) rather than shown as a referrer.
      if (json) {
        const tree = JSON.parse(r.stdout) as { referrers: unknown[]; notes: string[] };
        expect(tree.referrers).toEqual([]);
        expect(tree.notes.join('\n')).toContain(`sha256:${'b'.repeat(64)}`);
      }
    }
  });

  test('verify --json and text: reasons quoting the registry come out clean', async () => {
    const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, 'verify.pub'), pub);
    const policy = join(dir, 'verify-policy.yaml');
    writeFileSync(policy, POLICY.replace('KEY', 'verify.pub'));
    for (const json of [true, false]) {
      const r = await run(['verify', `${host}/acme/bund:latest`, '--policy', policy, ...(json ? ['--json'] : [])], { DOCKER_CONFIG: dockerConfig });
      expect(r.code).toBe(1);
      for (const text of [r.stdout, r.stderr]) {
        expect(text).not.toMatch(CONTROL);
        expect(text).not.toMatch(/\\u001b|\\u0007|\\u009b/);
        expect(text).not.toContain(CANARY_PASSWORD);
        expect(text).not.toContain(Buffer.from(`${CANARY_USER}:${CANARY_PASSWORD}`).toString('base64'));
        expect(text.length).toBeLessThan(12_000);
      }
      expect(r.stdout + r.stderr).toContain('PWNED');
      if (json) expect(JSON.parse(r.stdout).allowed).toBe(false);
    }
  });
});

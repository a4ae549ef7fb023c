import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { loadPolicy } from './load';
import { publicKeyId } from './signer';

const GOOD = `apiVersion: ship-image/v1
kind: Policy
metadata: {name: production}
spec:
  images: ["ghcr.io/acme/*"]
  exclude: {namespaces: [kube-system]}
  mode: enforce
  sigstore: public-good
  identities:
    - issuer: https://token.actions.githubusercontent.com
      subjectRegExp: '^https://github\\.com/acme/ship-image/\\.github/workflows/ship\\.yml@refs/tags/v.*$'
  keys: [cosign.pub]
  require:
    signature: true
    sbom: true
    vulnerabilities:
      maxScanAge: 168h
      criticalGrace: 1h30m
`;

describe('loadPolicy', () => {
  let dir: string;
  let pem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ship-image-policy-'));
    pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, 'cosign.pub'), pem);
    writeFileSync(join(dir, 'not-a-key.pub'), 'hello');
    writeFileSync(join(dir, 'root.json'), JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function write(text: string): string {
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, text);
    return file;
  }
  function errorOf(text: string): string {
    const file = write(text);
    try {
      loadPolicy(file);
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      const message = (err as Error).message;
      expect(message).not.toContain('\n');
      expect(message.startsWith(`${file}: `)).toBe(true);
      return message.slice(file.length + 2);
    }
    throw new Error('expected a UserError');
  }

  it('loads the documented example', () => {
    const policy = loadPolicy(write(GOOD));
    expect(policy.name).toBe('production');
    expect(policy.images).toEqual(['ghcr.io/acme/*']);
    expect(policy.excludeNamespaces).toEqual(['kube-system']);
    expect(policy.identities[0].subjectRegExp).toContain('ship\\.yml');
    expect(policy.keys[0].keyId).toBe(publicKeyId(pem));
    expect(policy.require.vulnerabilities?.maxScanAge.nanoseconds).toBe(168n * 3600n * 1_000_000_000n);
    expect(policy.require.vulnerabilities?.criticalGrace.milliseconds).toBe(90 * 60_000);
  });

  it('defaults to enforce, public-good and every rule on with 168h windows', () => {
    const policy = loadPolicy(
      write(`apiVersion: ship-image/v1
kind: Policy
metadata: {name: p}
spec:
  images: ["ghcr.io/acme/*"]
  identities: [{issuer: https://token.actions.githubusercontent.com, subject: https://github.com/acme/app/.github/workflows/ship.yml@refs/heads/main}]
`),
    );
    expect(policy.mode).toBe('enforce');
    expect(policy.sigstore).toEqual({ kind: 'public-good' });
    expect(policy.require.signature && policy.require.sbom).toBe(true);
    expect(policy.require.vulnerabilities?.maxScanAge.text).toBe('168h');
  });

  it('reads identity extension pins and per-key requireTlog (a bare path requires no tlog)', () => {
    const policy = loadPolicy(
      write(
        GOOD.replace('  keys:', '      extensions: {sourceRepositoryURI: https://github.com/acme/api, sourceRepositoryRef: refs/heads/main}\n  keys:').replace('keys: [cosign.pub]', 'keys: [cosign.pub, {path: cosign.pub, requireTlog: true}]'),
      ),
    );
    expect(policy.identities[0].extensions).toEqual({ sourceRepositoryURI: 'https://github.com/acme/api', sourceRepositoryRef: 'refs/heads/main' });
    expect(policy.keys.map((k) => [k.path, k.requireTlog])).toEqual([
      ['cosign.pub', false],
      ['cosign.pub', true],
    ]);
  });

  it('reads a trusted root relative to the policy file', () => {
    const policy = loadPolicy(write(GOOD.replace('sigstore: public-good', 'sigstore: {trustedRoot: root.json}')));
    expect(policy.sigstore.kind).toBe('trustedRoot');
  });

  const cases: Array<[string, string, RegExp]> = [
    ['unknown key', GOOD.replace('mode: enforce', 'mode: enforce\n  modes: x'), /^spec\.modes: unknown key; allowed here: images, exclude/],
    ['unknown nested key', GOOD.replace('maxScanAge: 168h', 'maxScanAge: 168h\n      maxAge: 1h'), /^spec\.require\.vulnerabilities: must be false or/],
    ['bad mode', GOOD.replace('mode: enforce', 'mode: strict'), /^spec\.mode: must be one of "enforce", "audit"/],
    ['wrong apiVersion', GOOD.replace('ship-image/v1', 'ship-image/v2'), /^apiVersion: must be "ship-image\/v1"/],
    ['unanchored regexp', GOOD.replace("'^https", "'https"), /^spec\.identities\[0\]\.subjectRegExp: is not anchored; write it as '\^\.\.\.\$'/],
    ['top-level alternation', GOOD.replace('refs/tags/v.*$', 'refs/tags/v.*|.*$'), /^spec\.identities\[0\]\.subjectRegExp: has a top-level '\|'/],
    ['regexp that does not compile', GOOD.replace('v.*$', 'v(.*$'), /^spec\.identities\[0\]\.subjectRegExp: does not compile/],
    ['lookahead', GOOD.replace('v.*$', 'v(?=1).*$'), /^spec\.identities\[0\]\.subjectRegExp: uses lookaround/],
    ['subject and subjectRegExp', GOOD.replace('      subjectRegExp', '      subject: x\n      subjectRegExp'), /^spec\.identities\[0\]: set exactly one of subject/],
    ['identity without issuer', GOOD.replace('    - issuer: https://token.actions.githubusercontent.com\n      subjectRegExp', '    - subjectRegExp'), /^spec\.identities\[0\]\.issuer: missing/],
    ['unknown extension', GOOD.replace('  keys:', '      extensions: {sourceRepo: x}\n  keys:'), /^spec\.identities\[0\]\.extensions\.sourceRepo: unknown key; allowed here: sourceRepositoryURI/],
    ['empty extensions', GOOD.replace('  keys:', '      extensions: {}\n  keys:'), /^spec\.identities\[0\]\.extensions: must not be empty/],
    ['key entry without path', GOOD.replace('[cosign.pub]', '[{requireTlog: true}]'), /^spec\.keys\[0\]: must be a key file path or \{path: FILE, requireTlog: true\|false\}/],
    ['unreadable key', GOOD.replace('[cosign.pub]', '[cosign.pub, missing.pub]'), /^spec\.keys\[1\]: cannot read 'missing\.pub' \(it does not exist\)/],
    ['not a key', GOOD.replace('[cosign.pub]', '[not-a-key.pub]'), /^spec\.keys\[0\]: 'not-a-key\.pub' is not a PEM public key/],
    ['unreadable trusted root', GOOD.replace('sigstore: public-good', 'sigstore: {trustedRoot: nope.json}'), /^spec\.sigstore\.trustedRoot: cannot read 'nope\.json'/],
    ['trusted root that is not one', GOOD.replace('sigstore: public-good', 'sigstore: {trustedRoot: cosign.pub}'), /^spec\.sigstore\.trustedRoot: 'cosign\.pub' is not JSON/],
    ['bad sigstore', GOOD.replace('sigstore: public-good', 'sigstore: staging'), /^spec\.sigstore: must be 'public-good', 'github' or \{trustedRoot: FILE\}/],
    ['days are not Go', GOOD.replace('maxScanAge: 168h', 'maxScanAge: 7d'), /^spec\.require\.vulnerabilities\.maxScanAge: '7d' is not a positive Go duration/],
    ['negative duration', GOOD.replace('criticalGrace: 1h30m', 'criticalGrace: -1h'), /^spec\.require\.vulnerabilities\.criticalGrace: '-1h' is not a positive/],
    ['missing unit', GOOD.replace('criticalGrace: 1h30m', 'criticalGrace: "1h30"'), /^spec\.require\.vulnerabilities\.criticalGrace: '1h30' is not a positive/],
    ['no signer', GOOD.replace(/ {2}identities:[\s\S]*keys: \[cosign.pub\]\n/, ''), /^spec: no signer is allowed/],
    ['empty images', GOOD.replace('images: ["ghcr.io/acme/*"]', 'images: []'), /^spec\.images: must not be empty/],
    ['image glob with a space', GOOD.replace('ghcr.io/acme/*', 'ghcr.io/acme /*'), /^spec\.images\[0\]: may only hold letters/],
    ['bad namespace', GOOD.replace('[kube-system]', '[Kube_System]'), /^spec\.exclude\.namespaces\[0\]: must be a DNS label/],
    ['missing spec', 'apiVersion: ship-image/v1\nkind: Policy\nmetadata: {name: p}\n', /^spec: missing; add it/],
    ['broken YAML', 'apiVersion: [', /^YAML: /],
    ['duplicate key', GOOD.replace('mode: enforce', 'mode: enforce\n  mode: audit'), /^YAML: /],
  ];
  it.each(cases)('names the path for: %s', (_name, text, expected) => {
    expect(errorOf(text)).toMatch(expected);
  });

  it('says when the policy file cannot be read', () => {
    expect(() => loadPolicy(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot read the policy file \(it does not exist\)/);
  });
});

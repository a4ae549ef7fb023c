import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
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
    ['unreadable key', GOOD.replace('[cosign.pub]', '[cosign.pub, missing.pub]'), /^spec\.keys\[1\]: cannot read 'missing\.pub' \(ENOENT\)/],
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

  describe('hostile inputs', () => {
    let keys: Record<string, string>;
    beforeAll(() => {
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
      keys = {
        'pkcs8.key': ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        'sec1.key': ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
        'rsa.key': rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        'encrypted.key': ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(),
        'cosign.key': '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n',
        'both.pem': pem + ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        'cert.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        'two.pub': pem + pem,
        'rsa-pkcs1.pub': rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
        'broken.pub': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n',
        'garbage.pub': '\u0000\u0001binary\u00ff',
        'commented.pub': `# our release key\n${pem}trailing words\n`,
      };
      for (const [name, text] of Object.entries(keys)) writeFileSync(join(dir, name), text);
    });
    const withKey = (file: string) => GOOD.replace('[cosign.pub]', `[${file}]`);

    it.each(['pkcs8.key', 'sec1.key', 'rsa.key', 'encrypted.key', 'cosign.key', 'both.pem'])('refuses a private key (%s) and never repeats it', (file) => {
      const message = errorOf(withKey(file));
      expect(message).toMatch(new RegExp(`^spec\\.keys\\[0\\]: '${file.replace('.', '\\.')}' holds a private key`));
      expect(message).not.toMatch(/MII|BEGIN/);
    });

    it.each([
      ['cert.pem', /holds a certificate, not a public key/],
      ['two.pub', /holds 2 PEM blocks; give one public key per file/],
      ['rsa-pkcs1.pub', /holds a 'RSA PUBLIC KEY' block, not a 'PUBLIC KEY'/],
      ['broken.pub', /has a PUBLIC KEY block that does not parse/],
      ['garbage.pub', /is not a PEM public key/],
    ])('refuses %s', (file, expected) => expect(errorOf(withKey(file))).toMatch(expected));

    it('keeps only the PEM block of a public key: nothing around it reaches a render', () => {
      const policy = loadPolicy(write(withKey('commented.pub')));
      expect(policy.keys[0].pem).toBe(pem);
    });

    it.each([
      ['a key', withKey('/dev/zero'), /^spec\.keys\[0\]: '\/dev\/zero' is too large \(more than 64 KiB ship-image reads for it\)/],
      ['a trusted root', GOOD.replace('sigstore: public-good', 'sigstore: {trustedRoot: /dev/zero}'), /^spec\.sigstore\.trustedRoot: '\/dev\/zero' is too large \(more than 8 MiB/],
    ])('/dev/zero as %s is refused after the cap', (_what, text, expected) => expect(errorOf(text)).toMatch(expected));

    it('/dev/zero and a 1 GB sparse file as the policy are refused, naming the file and the cap', () => {
      expect(() => loadPolicy('/dev/zero')).toThrow(/^\/dev\/zero: the policy file is too large \(more than 1 MiB ship-image reads for it\); check --policy$/);
      const sparse = join(dir, 'sparse.yaml');
      writeFileSync(sparse, '');
      truncateSync(sparse, 1024 ** 3);
      expect(() => loadPolicy(sparse)).toThrow(/sparse\.yaml: the policy file is too large \(1024 MiB, more than the 1 MiB/);
    });

    it('refuses a billion-laughs document by its alias count', () => {
      const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i < 10; i++) laughs.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
      expect(errorOf(`${GOOD}${laughs.join('\n')}\n`)).toMatch(/^YAML: its aliases expand too far \(more than 100 uses/);
    });

    it.each([
      ['flow brackets', `${GOOD}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /^YAML: brackets nest more than 64 levels deep/],
      ['block indentation', `${GOOD}${Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, /^YAML: a line is indented more than 256 columns/],
      ['block mappings under the indent limit', `${GOOD}${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, /^YAML: nests more than 64 levels deep/],
    ])('refuses deep nesting (%s) before it reaches the parser', (_name, text, expected) => expect(errorOf(text)).toMatch(expected));

    it.each([
      ['nested quantifiers are fine on RE2', '^(a+)+$', undefined],
      ['RE2 flags', '^(?i)https://github\\.com/acme/.*$', undefined],
      ['a repeat count RE2 refuses', '^a{1001}$', /does not compile as an RE2 regular expression \(invalid repeat count/],
      ['a pattern too long', `^${'a'.repeat(2000)}$`, /is 2002 characters long, more than the 1024 allowed/],
    ])('subjectRegExp: %s', (_name, re, expected) => {
      const text = GOOD.replace(/subjectRegExp: '.*'/, () => `subjectRegExp: '${re}'`);
      if (expected) expect(errorOf(text)).toMatch(new RegExp(`^spec\\.identities\\[0\\]\\.subjectRegExp: ${expected.source}`));
      else expect(loadPolicy(write(text)).identities[0].subjectRegExp).toBe(re);
    });
  });

  it('says when the policy file cannot be read', () => {
    expect(() => loadPolicy(join(dir, 'absent.yaml'))).toThrow(/absent\.yaml: cannot read the policy file \(ENOENT\)/);
  });
});

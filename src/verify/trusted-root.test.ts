import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { loadPolicy } from '../policy/load';
import { trustedRootForPolicy } from './policy-root';
import { loadTrustedRoot, publicGoodTrustedRootJSON } from './trusted-root';

describe('trusted roots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trusted-root-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the public-good root ships offline with Fulcio, Rekor, CT logs and a TSA', () => {
    const root = loadTrustedRoot({ kind: 'public-good' });
    expect(root.certificateAuthorities.some((ca) => ca.uri === 'https://fulcio.sigstore.dev')).toBe(true);
    expect(root.tlogs.some((t) => t.baseUrl === 'https://rekor.sigstore.dev')).toBe(true);
    expect(root.ctlogs.length).toBeGreaterThan(0);
    expect(root.certificateAuthorities[0]?.certChain?.certificates[0]?.rawBytes).toBeInstanceOf(Buffer);
  });

  test('a JSON Lines file (gh attestation trusted-root) merges its roots', () => {
    const doc = publicGoodTrustedRootJSON() as { tlogs: unknown[] };
    const path = join(dir, 'roots.jsonl');
    writeFileSync(path, `${JSON.stringify(doc)}\n${JSON.stringify({ ...doc, tlogs: [] })}\n`);
    const merged = loadTrustedRoot({ kind: 'file', path });
    const single = loadTrustedRoot({ kind: 'public-good' });
    expect(merged.certificateAuthorities).toHaveLength(2 * single.certificateAuthorities.length);
    expect(merged.tlogs).toHaveLength(single.tlogs.length);
  });

  test("a policy's spec.sigstore.trustedRoot takes the same JSON Lines (the file its github hint names)", () => {
    const doc = publicGoodTrustedRootJSON() as { tlogs: unknown[] };
    writeFileSync(join(dir, 'github-root.jsonl'), `${JSON.stringify(doc)}\n${JSON.stringify({ ...doc, tlogs: [] })}\n`);
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(
      policyFile,
      [
        'apiVersion: ship-image/v1',
        'kind: Policy',
        'metadata: {name: jsonl}',
        'spec:',
        '  images: ["ghcr.io/acme/*"]',
        '  sigstore: {trustedRoot: github-root.jsonl}',
        '  identities: [{issuer: "https://token.actions.githubusercontent.com", subject: "https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main"}]',
        '',
      ].join('\n'),
    );
    const root = trustedRootForPolicy(loadPolicy(policyFile));
    const single = loadTrustedRoot({ kind: 'public-good' });
    expect(root.certificateAuthorities).toHaveLength(2 * single.certificateAuthorities.length);
  });

  test('missing or foreign files are user errors', () => {
    expect(() => loadTrustedRoot({ kind: 'file', path: join(dir, 'absent.json') })).toThrow(/absent\.json: cannot read the trusted root \(it does not exist\)/);
    const path = join(dir, 'other.json');
    writeFileSync(path, '{"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
    expect(() => loadTrustedRoot({ kind: 'file', path })).toThrow(UserError);
    writeFileSync(path, 'not json at all\n{');
    expect(() => loadTrustedRoot({ kind: 'file', path })).toThrow(/JSON Lines/);
  });
});

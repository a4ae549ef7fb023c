// Evidence is never erased by someone else: signers ship the same image to a real registry, signer
// A with a key, signer B keyless on the loopback Sigstore stack, signer C keyless with B's SAN (the
// same workflow) run for another source ref. Each ship supersedes only its OWN older scans of the
// same subject, so A's scan (and A's verdict) survives B's ship, B's survives C's, and A's next
// ship replaces A's scan while B's stays.
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ANNOTATION, PREDICATE } from '../src/oci/media-types';
import { listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import { parsePolicy } from '../src/policy/load';
import type { Policy } from '../src/policy/types';
import { ship, type ShipResult } from '../src/ship/run';
import { verifyImage } from '../src/verify/verify-image';
import { GITHUB_ISSUER, startOidcServer, type OidcServer } from './support/oidc';
import { startRegistry, type TestRegistry } from './support/registry';
import { fixtureInputs, GITHUB_ENV, makeShipFixture, world, type ShipFixture } from './support/ship-env';
import { oidcToken } from './support/ship-fixture';
import { startSigstoreStack, type SigstoreStack } from './support/sigstore';

const IDENTITY_B = 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main';

describe('ship: superseding scans is per signer', () => {
  let fx: ShipFixture;
  let registry: TestRegistry;
  let oidc: OidcServer;
  let oidcTag: OidcServer;
  let stack: SigstoreStack;
  let client: RegistryClient;
  let keyFile: string;
  let policyA: Policy;
  let policyB: Policy;
  const shipped: ShipResult[] = [];
  const image = () => `${registry.host}/acme/shared`;
  const repo = () => client.repository(registry.host, 'acme/shared');
  const shipA = () => ship(fixtureInputs(fx, { image: image(), sign: 'key', keyFile }), world(GITHUB_ENV));
  const shipKeyless = (from: OidcServer) =>
    ship(
      fixtureInputs(fx, { image: image(), sign: 'keyless', sigstore: { fulcioURL: stack.fulcioURL, rekorURL: stack.rekorURL, tsaURL: stack.tsaURL } }),
      world(GITHUB_ENV, { identityToken: () => oidcToken(from) }),
    );
  const scanReferrers = async (digest: string) =>
    (await listReferrers(repo(), digest)).filter((r) => r.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.vuln).map((r) => r.digest).sort();
  const policy = (name: string, signer: string[]) =>
    parsePolicy(
      [
        'apiVersion: ship-image/v1',
        'kind: Policy',
        `metadata: {name: ${name}}`,
        'spec:',
        `  images: ["${registry.host}/acme/*"]`,
        `  sigstore: {trustedRoot: ${JSON.stringify(stack.trustedRootPath)}}`,
        ...signer,
        '  require:',
        '    signature: true',
        '    vulnerabilities: {maxScanAge: 1h, criticalGrace: 876000h}',
      ].join('\n'),
      `${name}.yaml`,
      fx.dir,
    );
  const verdict = async (p: Policy, digest: string) => {
    const report = await verifyImage(`${image()}@${digest}`, p, { client });
    return { allowed: report.allowed, failing: report.rules.filter((r) => !r.passed).map((r) => `${r.rule}: ${r.reason}`) };
  };

  beforeAll(async () => {
    fx = await makeShipFixture();
    registry = await startRegistry('open');
    oidc = await startOidcServer();
    // The same workflow file (so the same SAN) run for a tag: Fulcio's source-ref extension differs.
    oidcTag = await startOidcServer({ ref: 'refs/tags/v1.0.0', ref_type: 'tag', sub: 'repo:acme/api:ref:refs/tags/v1.0.0' });
    // Two token servers of one issuer: the stack's Fulcio takes the tokens' claims as given.
    stack = await startSigstoreStack();
    client = new RegistryClient();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyFile = path.join(fx.dir, 'a.key');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(fx.dir, 'a.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    policyA = policy('signer-a', ['  keys: [a.pub]']);
    policyB = policy('signer-b', ['  identities:', `    - {issuer: ${JSON.stringify(GITHUB_ISSUER)}, subject: ${JSON.stringify(IDENTITY_B)}}`]);
    shipped.push(await shipA());
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await Promise.all([registry?.stop(), stack?.stop(), oidc?.stop(), oidcTag?.stop()]);
    fx?.cleanup();
  });

  test("signer B's ship keeps signer A's scan, and A's policy still allows", async () => {
    const [a] = shipped;
    expect(await verdict(policyA, a!.outputs.digest)).toEqual({ allowed: true, failing: [] });
    const b = await shipKeyless(oidc);
    shipped.push(b);
    expect(b.outputs.digest).toBe(a!.outputs.digest);
    expect(await scanReferrers(a!.outputs.digest)).toEqual([a!.outputs.referrers.vulnerabilities, b.outputs.referrers.vulnerabilities].sort());
    expect(await verdict(policyA, a!.outputs.digest)).toEqual({ allowed: true, failing: [] });
    expect(await verdict(policyB, a!.outputs.digest)).toEqual({ allowed: true, failing: [] });
  }, 300_000);

  test("signer C (B's workflow, another source ref) keeps B's scan, and attaches its own signature", async () => {
    const [a, b] = shipped;
    const c = await shipKeyless(oidcTag);
    expect(await scanReferrers(a!.outputs.digest)).toEqual([a!.outputs.referrers.vulnerabilities, b!.outputs.referrers.vulnerabilities, c.outputs.referrers.vulnerabilities].sort());
    expect(c.outputs.referrers.signature).not.toBe(b!.outputs.referrers.signature);
    expect(await verdict(policyB, a!.outputs.digest)).toEqual({ allowed: true, failing: [] });
    shipped.push(c);
  }, 300_000);

  test("signer A's next ship replaces A's own scan only; B's and C's stay, both policies allow", async () => {
    const [a, b, c] = shipped;
    const a2 = await shipA();
    expect(await scanReferrers(a!.outputs.digest)).toEqual([a2.outputs.referrers.vulnerabilities, b!.outputs.referrers.vulnerabilities, c!.outputs.referrers.vulnerabilities].sort());
    expect(a2.outputs.referrers.vulnerabilities).not.toBe(a!.outputs.referrers.vulnerabilities);
    // A's signature statement was already attached by A: reused, not attached again.
    expect(a2.outputs.referrers.signature).toBe(a!.outputs.referrers.signature);
    expect(await verdict(policyA, a!.outputs.digest)).toEqual({ allowed: true, failing: [] });
    expect(await verdict(policyB, a!.outputs.digest)).toEqual({ allowed: true, failing: [] });
  }, 300_000);
});

// End-to-end against real registries that cannot run on the development machines: zot (the real
// OCI 1.1 referrers API) and the registry:2 image, as service containers of the GitHub workflow
// (.github/workflows/ci.yml, job e2e), and buildx, which GitHub runners have. Skipped elsewhere.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PREDICATE } from '../../src/oci/media-types';
import { findReferrers } from '../../src/oci/referrers';
import { RegistryClient } from '../../src/oci/registry';
import { ship } from '../../src/ship/run';
import { fixtureInputs, GITHUB_ENV, makeShipFixture, world, type ShipFixture } from '../support/ship-env';

const zot = process.env.SHIP_IMAGE_E2E_ZOT;
const distribution = process.env.SHIP_IMAGE_E2E_DISTRIBUTION;
const describeE2e = zot && distribution ? describe : describe.skip;

describeE2e('e2e: zot (referrers API) and distribution (fallback tag), built with buildx', () => {
  let fx: ShipFixture;
  let keyFile: string;
  let context: string;

  beforeAll(async () => {
    fx = await makeShipFixture();
    keyFile = path.join(fx.dir, 'cosign.key');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    context = mkdtempSync(path.join(tmpdir(), 'ship-image-e2e-'));
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    writeFileSync(path.join(context, 'hello.txt'), 'hello\n');
  });
  afterAll(() => {
    fx?.cleanup();
    if (context) rmSync(context, { recursive: true, force: true });
  });

  test.each([
    ['zot', () => zot as string, 'referrers-api'],
    ['distribution', () => distribution as string, 'fallback-tag'],
  ])('buildx build, ship and attest to %s', async (_name, host, expectedSource) => {
    const inputs = fixtureInputs(fx, {
      image: `${host()}/e2e/app`,
      from: undefined,
      context,
      builder: 'buildx',
      platforms: ['linux/amd64', 'linux/arm64'],
      sign: 'key',
      keyFile,
    });
    const result = await ship(inputs, world({ ...GITHUB_ENV, GITHUB_SHA: process.env.GITHUB_SHA ?? GITHUB_ENV.GITHUB_SHA }));
    expect(Object.keys(result.outputs.platforms).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    const client = new RegistryClient();
    try {
      const repo = client.repository(host(), 'e2e/app');
      const listing = await findReferrers(repo, result.outputs.digest);
      expect(listing.source).toBe(expectedSource);
      const types = listing.referrers.map((r) => r.annotations?.['dev.sigstore.bundle.predicateType']);
      expect(types).toEqual(expect.arrayContaining([PREDICATE.signature, PREDICATE.slsaProvenance]));
      for (const digest of Object.values(result.outputs.platforms)) {
        const perPlatform = await findReferrers(repo, digest);
        expect(perPlatform.referrers.map((r) => r.annotations?.['dev.sigstore.bundle.predicateType'])).toEqual(
          expect.arrayContaining([PREDICATE.cyclonedx, PREDICATE.vuln]),
        );
      }
    } finally {
      client.close();
    }
  });
});

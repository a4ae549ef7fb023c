// A multi-platform image (an index of two platform manifests) shipped to a real registry: each
// platform gets its own SBOM and scan, attached to its manifest and to the index, so `verify` on the
// index digest (what a pod names) finds them. The index is made without a builder; buildx makes real
// ones in the GitHub workflow (test/e2e).
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OCI_CONFIG, OCI_INDEX, PREDICATE } from '../src/oci/media-types';
import { OciLayoutStore } from '../src/oci/layout';
import { listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { ImageIndex, ImageManifest } from '../src/oci/types';
import { parsePolicy } from '../src/policy/load';
import { ship } from '../src/ship/run';
import { verifyImage } from '../src/verify/verify-image';
import { startRegistry, type TestRegistry } from './support/registry';
import { fixtureInputs, GITHUB_ENV, makeShipFixture, world, type ShipFixture } from './support/ship-env';

/** Adds an index `multi` to the fixture layout: the fixture image as linux/amd64 and as linux/arm64. */
async function writeTwoPlatformIndex(layoutDir: string): Promise<void> {
  const store = new OciLayoutStore(layoutDir);
  const amd64 = await store.getManifest('latest');
  const manifest = amd64.manifest as ImageManifest;
  const config = JSON.parse((await store.getBlob(manifest.config)).toString('utf8')) as Record<string, unknown>;
  const armConfig = await store.putBlob(Buffer.from(JSON.stringify({ ...config, architecture: 'arm64', variant: 'v8' })), OCI_CONFIG);
  const armBytes = Buffer.from(JSON.stringify({ ...manifest, config: { mediaType: OCI_CONFIG, digest: armConfig.digest, size: armConfig.size } }));
  const arm = await store.putManifest(armBytes, manifest.mediaType as string);
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { ...amd64.descriptor, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm.descriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  };
  await store.putManifest(Buffer.from(JSON.stringify(index)), OCI_INDEX, 'multi');
}

describe('ship: multi-platform index', () => {
  let fx: ShipFixture;
  let registry: TestRegistry;
  beforeAll(async () => {
    fx = await makeShipFixture();
    await writeTwoPlatformIndex(fx.sourceLayout);
    registry = await startRegistry('open');
  });
  afterAll(async () => {
    await registry?.stop();
    fx?.cleanup();
  });

  test('per-platform SBOM and scan on each manifest and on the index; verify judges the index', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(fx.dir, 'multi.key');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(fx.dir, 'multi.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    const image = `${registry.host}/acme/multi`;
    const result = await ship(fixtureInputs(fx, { image, from: `oci-layout:${fx.sourceLayout}:multi`, sign: 'key', keyFile }), world(GITHUB_ENV));

    expect(Object.keys(result.outputs.platforms).sort()).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(result.outputs.referrers.sbom).toMatch(/^linux\/amd64=sha256:[a-f0-9]{64},linux\/arm64\/v8=sha256:[a-f0-9]{64}$/);

    const client = new RegistryClient();
    try {
      const repo = client.repository(registry.host, 'acme/multi');
      const types = async (digest: string) => (await listReferrers(repo, digest)).map((r) => r.annotations?.['dev.sigstore.bundle.predicateType']).sort();
      for (const digest of Object.values(result.outputs.platforms)) expect(await types(digest)).toEqual([PREDICATE.cyclonedx, PREDICATE.vuln].sort());
      expect(await types(result.outputs.digest)).toEqual(
        [PREDICATE.signature, PREDICATE.slsaProvenance, PREDICATE.cyclonedx, PREDICATE.cyclonedx, PREDICATE.vuln, PREDICATE.vuln].sort(),
      );

      const policy = parsePolicy(
        [
          'apiVersion: ship-image/v1',
          'kind: Policy',
          'metadata: {name: multi}',
          'spec:',
          `  images: ["${registry.host}/acme/*"]`,
          '  keys: [multi.pub]',
          '  require:',
          '    signature: true',
          '    sbom: true',
          '    vulnerabilities: {maxScanAge: 1h, criticalGrace: 876000h}',
        ].join('\n'),
        'multi.yaml',
        fx.dir,
      );
      const report = await verifyImage(`${image}@${result.outputs.digest}`, policy, { client });
      expect(report.rules.map((r) => [r.rule, r.passed])).toEqual([
        ['signature', true],
        ['sbom', true],
        ['vulnerabilities', true],
      ]);
      expect(report.allowed).toBe(true);
    } finally {
      client.close();
    }
  });
});

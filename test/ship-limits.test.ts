// Kyverno ClusterPolicy's limits (a bundle layer over 10,000,000 bytes, or more than 50 referrers,
// fails every rule of the image), against the real registry and the real trivy: a ship whose SBOM
// would make such a bundle stops with one clear UserError before any referrer is attached; a ship
// onto an image already crowded by others' referrers warns.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../src/core/errors';
import { FIXTURE_ROOTFS } from '../src/fixture-db/fixture-rootfs';
import { copyImage } from '../src/oci/copy';
import { OciLayoutStore } from '../src/oci/layout';
import { listReferrers, pushArtifact } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import { ship } from '../src/ship/run';
import { startRegistry, type TestRegistry } from './support/registry';
import { makeFixtureSources, shipInputs, shipWorld, writeImageLayout, type FixtureSources } from './support/ship-fixture';

describe('ship: Kyverno limits (bundle size, referrer count)', () => {
  let dir: string;
  let registry: TestRegistry;
  let sources: FixtureSources;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ship-limits-'));
    [registry, sources] = await Promise.all([startRegistry('open'), makeFixtureSources(path.join(dir, 'sources'))]);
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an SBOM bundle over 10,000,000 bytes: one-line UserError, no referrer attached', async () => {
    // One npm package whose license text is 8 MB: trivy copies it into the CycloneDX component.
    const files = { ...FIXTURE_ROOTFS, 'app/node_modules/huge/package.json': JSON.stringify({ name: 'huge', version: '1.0.0', license: 'L'.repeat(8_000_000) }) };
    const layout = path.join(dir, 'huge');
    await writeImageLayout(layout, files);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(dir, 'cosign.key');
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const inputs = shipInputs(`oci-layout:${layout}:latest`, `${registry.host}/acme/huge`, sources.trivyCache, path.join(dir, 'out'), { sign: 'key', keyFile });
    const error = await ship(inputs, shipWorld(dir)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/^the sbom attestation is a \d+-byte Sigstore bundle, over the 10000000-byte layer limit of Kyverno .*nothing was attached/);

    const client = new RegistryClient();
    try {
      const repo = client.repository(registry.host, 'acme/huge');
      const digest = (await repo.resolve('v1')).digest;
      expect(await listReferrers(repo, digest)).toEqual([]);
    } finally {
      client.close();
    }
  }, 300_000);

  test('more than 50 referrers on the image: the ship warns that Kyverno will refuse it', async () => {
    const layout = path.join(dir, 'crowded');
    await writeImageLayout(layout, FIXTURE_ROOTFS);
    const client = new RegistryClient();
    const warnings: string[] = [];
    try {
      // Someone else's 50 artifacts already on the image (ship never removes another signer's).
      const repo = client.repository(registry.host, 'acme/crowded');
      const image = await copyImage(new OciLayoutStore(layout), 'latest', repo, 'base');
      for (let i = 0; i < 50; i++) {
        await pushArtifact(repo, { subject: image, artifactType: 'application/vnd.example.note', layers: [{ content: Buffer.from(`note ${i}`), mediaType: 'text/plain' }] });
      }
      const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const keyFile = path.join(dir, 'crowded.key');
      writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const logger = { info: () => undefined, debug: () => undefined, warn: (m: string) => warnings.push(m) };
      const result = await ship(shipInputs(`oci-layout:${layout}:latest`, `${registry.host}/acme/crowded`, sources.trivyCache, path.join(dir, 'out-crowded'), { sign: 'key', keyFile }), { ...shipWorld(dir), logger });
      expect(result.outputs.digest).toBe(image.digest);
      expect(await listReferrers(repo, image.digest)).toHaveLength(53); // + signature, SBOM, scan
    } finally {
      client.close();
    }
    expect(warnings.filter((w) => /has 53 referrers, more than the 50 Kyverno ClusterPolicy reads/.test(w))).toHaveLength(1);
  }, 300_000);
});

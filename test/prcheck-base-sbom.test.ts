import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeSummarizeCommand } from '../src/cli/commands/summarize';
import { ship } from '../src/ship/run';
import { makeFixtureSources, shipInputs, shipWorld, type FixtureSources } from './support/ship-fixture';
import { startRegistry, type TestRegistry } from './support/registry';
import { trivyBinary } from './support/trivy';

// prcheck: the fair baseline. The base image is shipped for real (key-signed, SBOM attested) into a
// real registry; `summarize --base-image` verifies its SBOM attestation with verify's code and the
// policy's key, re-scans it with the head's trivy cache (the same DB snapshot), and compares.

describe('summarize --base-image: the attested SBOM of the base as shipped', () => {
  let dir: string;
  let registry: TestRegistry;
  let sources: FixtureSources;
  let policy: string;
  let headReport: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'prcheck-base-sbom-'));
    [registry, sources] = await Promise.all([startRegistry('open'), makeFixtureSources(path.join(dir, 'sources'))]);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(dir, 'cosign.key');
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    policy = path.join(dir, 'policy.yaml');
    writeFileSync(
      policy,
      ['apiVersion: ship-image/v1', 'kind: Policy', 'metadata: {name: base}', 'spec:', `  images: ["${registry.host}/*"]`, '  sigstore: public-good', '  keys: ["cosign.pub"]', '  require:', '    vulnerabilities: false', ''].join('\n'),
    );
    // base: the patched image, shipped and attested; head: the vulnerable one, only scanned (a PR is never shipped).
    await Promise.all([
      ship(shipInputs(sources.patched, `${registry.host}/acme/app`, sources.trivyCache, path.join(dir, 'out-base'), { sign: 'key', keyFile }), shipWorld(dir)),
      ship(shipInputs(sources.vulnerable, `oci-layout:${path.join(dir, 'head-layout')}`, sources.trivyCache, path.join(dir, 'out-head'), { sign: 'none' }), shipWorld(dir)),
    ]);
    headReport = path.join(dir, 'out-head', 'sbom', 'vulnerabilities.trivy.json');
  }, 600_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = async (...argv: string[]) => {
    let out = '';
    const code = await makeSummarizeCommand({ writeStdout: (t) => void (out += t), now: () => new Date() }).run(argv);
    return { code, out };
  };
  const common = () => ['--scan', headReport, '--policy', policy, '--trivy-cache', sources.trivyCache, '--trivy', trivyBinary(), '--insecure-registry', registry.host];

  test('new findings are what the change adds over the shipped base', async () => {
    const json = JSON.parse((await run(...common(), '--base-image', `${registry.host}/acme/app:v1`, '--format', 'json')).out);
    const ids = (l: Array<{ id: string; package: string }>) => l.map((f) => `${f.id} ${f.package}`).sort();
    // patched -> vulnerable: lodash and minimist go back to vulnerable versions, zlib1g comes back.
    expect(ids(json.new)).toEqual(['CVE-2019-10744 lodash', 'CVE-2020-28500 lodash', 'CVE-2021-44906 minimist', 'CVE-2023-45853 zlib1g']);
    expect(json.fixed).toEqual([]);
    expect(json.unchanged).toBeGreaterThan(0);
    const md = (await run(...common(), '--base-image', `${registry.host}/acme/app:v1`)).out;
    expect(md).toMatch(/^Base: the SBOM attested for sha256&#8203;:[0-9a-f]{64} \(https&#8203;:\/\/cyclonedx\.org\/bom, signed by key sha256&#8203;:[0-9a-f]{64}\), re-scanned with this scan's DB$/m);
  });

  test('no base image: says so and compares with nothing', async () => {
    const { out } = await run(...common(), '--base-image', `${registry.host}/acme/never-shipped:v1`);
    expect(out).toMatch(/^Base: .*never-shipped.* has no usable attested SBOM \(.*\); compared with nothing$/m);
    expect(out).toContain('No base image to compare with: every finding counts as new.');
  });
});

// A multi-platform image whose platforms really differ (linux/amd64 is the vulnerable fixture image,
// linux/arm64/v8 the patched one) shipped to a real registry with the real trivy: each platform
// manifest gets its own SBOM and scan; the index gets every platform's SBOM and ONE scan that covers
// every platform, dated by the oldest platform scan, so whichever engine judges the index sees the
// CRITICALs of amd64. A second ship of the same digest adds no referrer.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ANNOTATION, PREDICATE } from '../src/oci/media-types';
import { listReferrers } from '../src/oci/referrers';
import { RegistryClient } from '../src/oci/registry';
import type { ImageManifest } from '../src/oci/types';
import { parsePolicy } from '../src/policy/load';
import { ship, type ShipResult } from '../src/ship/run';
import { verifyImage } from '../src/verify/verify-image';
import { writeTwoPlatformLayout } from './support/multi-platform';
import { startRegistry, type TestRegistry } from './support/registry';
import { GITHUB_ENV, world } from './support/ship-env';
import { makeFixtureSources, shipInputs, type FixtureSources } from './support/ship-fixture';

interface ScanStatement {
  subject: Array<{ digest: { sha256: string } }>;
  predicate: { scanner: { result: { Results: Array<{ Target: string; Vulnerabilities?: Array<{ VulnerabilityID: string; Severity: string }> }> } }; metadata: { scanStartedOn: string; scanFinishedOn: string } };
}

describe('ship: multi-platform index with differing platforms', () => {
  let dir: string;
  let registry: TestRegistry;
  let sources: FixtureSources;
  let client: RegistryClient;
  let multi: string;
  let keyFile: string;
  let first: ShipResult;
  const image = () => `${registry.host}/acme/multi`;
  const repo = () => client.repository(registry.host, 'acme/multi');
  const shipIt = (out: string) =>
    ship(shipInputs(multi, image(), sources.trivyCache, path.join(dir, out), { sign: 'key', keyFile }), world(GITHUB_ENV));

  async function statementsOf(digest: string, predicateType: string): Promise<ScanStatement[]> {
    const out: ScanStatement[] = [];
    for (const d of await listReferrers(repo(), digest)) {
      if (d.annotations?.[ANNOTATION.bundlePredicateType] !== predicateType) continue;
      const manifest = (await repo().getManifest(d.digest)).manifest as ImageManifest;
      const bundle = JSON.parse((await repo().getBlob(manifest.layers[0]!)).toString('utf8')) as { dsseEnvelope: { payload: string } };
      out.push(JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8')) as ScanStatement);
    }
    return out;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ship-multi-'));
    [registry, sources] = await Promise.all([startRegistry('open'), makeFixtureSources(path.join(dir, 'sources'))]);
    multi = await writeTwoPlatformLayout(path.join(dir, 'multi'), sources.vulnerable, sources.patched);
    client = new RegistryClient();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    keyFile = path.join(dir, 'multi.key');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'multi.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    first = await shipIt('out-1');
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('each platform manifest carries its own SBOM and scan, about that manifest only', async () => {
    const { platforms } = first.outputs;
    expect(Object.keys(platforms).sort()).toEqual(['linux/amd64', 'linux/arm64/v8']);
    for (const [platform, digest] of Object.entries(platforms)) {
      const types = (await listReferrers(repo(), digest)).map((r) => r.annotations?.[ANNOTATION.bundlePredicateType]).sort();
      expect(types).toEqual([PREDICATE.cyclonedx, PREDICATE.vuln].sort());
      const [scan] = await statementsOf(digest, PREDICATE.vuln);
      expect(scan!.subject.map((s) => `sha256:${s.digest.sha256}`)).toEqual([digest]);
      const criticals = scan!.predicate.scanner.result.Results.flatMap((r) => r.Vulnerabilities ?? []).filter((v) => v.Severity === 'CRITICAL');
      expect(criticals.length).toBe(platform === 'linux/amd64' ? 3 : 0);
    }
  });

  test('the index carries every SBOM and ONE scan: all platforms, Targets labelled, the oldest scan time', async () => {
    const { digest, platforms, referrers } = first.outputs;
    const types = (await listReferrers(repo(), digest)).map((r) => r.annotations?.[ANNOTATION.bundlePredicateType]).sort();
    expect(types).toEqual([PREDICATE.signature, PREDICATE.slsaProvenance, PREDICATE.cyclonedx, PREDICATE.cyclonedx, PREDICATE.vuln].sort());
    expect(referrers.vulnerabilities).toMatch(/^linux\/amd64=sha256:[a-f0-9]{64},linux\/arm64\/v8=sha256:[a-f0-9]{64},index=sha256:[a-f0-9]{64}$/);

    const scans = await statementsOf(digest, PREDICATE.vuln);
    expect(scans).toHaveLength(1);
    const combined = scans[0]!;
    expect(combined.subject.map((s) => `sha256:${s.digest.sha256}`)).toEqual([digest]);
    const targets = combined.predicate.scanner.result.Results.map((r) => r.Target);
    expect(targets.some((t) => t.startsWith('linux/amd64: '))).toBe(true);
    expect(targets.some((t) => t.startsWith('linux/arm64/v8: '))).toBe(true);
    expect(targets.every((t) => /^linux\/(amd64|arm64\/v8): /.test(t))).toBe(true);
    const ids = combined.predicate.scanner.result.Results.filter((r) => r.Target.startsWith('linux/amd64')).flatMap((r) => r.Vulnerabilities ?? []).filter((v) => v.Severity === 'CRITICAL').map((v) => v.VulnerabilityID).sort();
    expect(ids).toEqual(['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853']);

    const platformScans = (await Promise.all(Object.values(platforms).map((d) => statementsOf(d, PREDICATE.vuln)))).flat();
    const oldest = Math.min(...platformScans.map((s) => Date.parse(s.predicate.metadata.scanFinishedOn)));
    expect(Date.parse(combined.predicate.metadata.scanFinishedOn)).toBe(oldest);
    expect(Date.parse(combined.predicate.metadata.scanStartedOn)).toBe(Math.min(...platformScans.map((s) => Date.parse(s.predicate.metadata.scanStartedOn))));
  });

  test('verify judges the index by every platform: the old CRITICALs of amd64 deny; require sbom passes', async () => {
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
        '    vulnerabilities: {maxScanAge: 1h, criticalGrace: 168h}',
      ].join('\n'),
      'multi.yaml',
      dir,
    );
    const report = await verifyImage(`${image()}@${first.outputs.digest}`, policy, { client });
    expect(report.rules.map((r) => [r.rule, r.passed])).toEqual([
      ['signature', true],
      ['sbom', true],
      ['vulnerabilities', false],
    ]);
    expect(report.rules[2]!.evidence.offending!.map((c) => c.id).sort()).toEqual(['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853']);
  });

  test('shipping the same digest again with the same key: the same referrers count, the scans renewed', async () => {
    const count = async (digest: string) => (await listReferrers(repo(), digest)).length;
    const { digest, platforms } = first.outputs;
    const before = [await count(digest), ...(await Promise.all(Object.values(platforms).map(count)))];
    const second = await shipIt('out-2');
    expect(second.outputs.digest).toBe(digest);
    expect([await count(digest), ...(await Promise.all(Object.values(platforms).map(count)))]).toEqual(before);
    expect(second.outputs.referrers.signature).toBe(first.outputs.referrers.signature);
    expect(second.outputs.referrers.sbom).toBe(first.outputs.referrers.sbom);
    expect(second.outputs.referrers.vulnerabilities).not.toBe(first.outputs.referrers.vulnerabilities);
  }, 300_000);
});

/**
 * The allow/deny matrix for what the scan carries, over REAL shipped images (real registry, real
 * trivy with the fixture DB, key signing): a two-platform image whose amd64 platform has old
 * CRITICALs and whose arm64 platform has none, and images scanned with grype versus trivy. For every
 * case `verify`'s verdict equals the verdict of the rendered Kyverno ClusterPolicy conditions
 * evaluated on the same verified payloads (test/support/kyverno-jmespath.ts), and of the whole
 * rendered ClusterPolicy and ImageValidatingPolicy (real CEL, test/support/admission-models.ts); the index carries
 * exactly one scan, so an engine that reads one (IVP), any (policy-controller) or every (Kyverno)
 * scan judges the same statement.
 *
 * grype: no grype binary runs here (no network to fetch the pinned release), so the scanner is a
 * DOUBLE (test/support/grype-double/grype) answering with grype 0.87's report shape for the two
 * fixture images (test/fixtures/grype); everything after grype's JSON is the real code path.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PREDICATE } from '../src/oci/media-types';
import { RegistryClient } from '../src/oci/registry';
import { loadPolicy } from '../src/policy/load';
import { renderPolicy } from '../src/policy/render';
import type { Policy } from '../src/policy/types';
import { ship, type ShipResult } from '../src/ship/run';
import { trustedRootForPolicy } from '../src/verify/policy-root';
import { verifyImage } from '../src/verify/verify-image';
import { bundlesSeen, imageValidatingPolicyVerdict, ivpKeys, kyvernoClusterPolicyKeys, kyvernoClusterPolicyVerdict } from './support/admission-models';
import { evaluateKyvernoConditions, type KyvernoConditionBlock } from './support/kyverno-jmespath';
import { writeTwoPlatformLayout } from './support/multi-platform';
import { writePolicyFile } from './support/policy-file';
import { startRegistry, type TestRegistry } from './support/registry';
import { makeFixtureSources, shipInputs, shipWorld, type FixtureSources } from './support/ship-fixture';

type Case = 'multiMixed' | 'multiPatched' | 'trivyVulnerable' | 'trivyPatched' | 'grypeVulnerable' | 'grypePatched';

describe('verify and Kyverno agree on multi-platform and grype-scanned images', () => {
  let dir: string;
  let registry: TestRegistry;
  let sources: FixtureSources;
  let client: RegistryClient;
  let savedPath: string | undefined;
  const shipped = {} as Record<Case, ShipResult>;
  let now: Date;

  function policyFile(name: string, criticalGrace: string): Policy {
    return loadPolicy(
      writePolicyFile(dir, name, {
        images: `${registry.host}/*`,
        keys: ['cosign.pub'],
        require: ['signature: true', 'sbom: true', `vulnerabilities: {maxScanAge: 168h, criticalGrace: ${criticalGrace}}`],
      }),
    );
  }

  function kyvernoVulnConditions(policy: Policy): KyvernoConditionBlock[] {
    const doc = renderPolicy({ ...policy, sigstore: { kind: 'public-good' } }, 'kyverno').documents[0] as {
      spec: { rules: Array<{ verifyImages: Array<{ attestations: Array<{ type: string; conditions?: KyvernoConditionBlock[] }> }> }> };
    };
    return doc.spec.rules[0]!.verifyImages[0]!.attestations.find((a) => a.type === PREDICATE.vuln)!.conditions!;
  }

  /** Both verdicts on the image digest a pod would name; the index (or image) must carry ONE scan. */
  async function verdicts(name: Case, policy: Policy): Promise<{ verify: boolean; kyverno: boolean; offending: string[] }> {
    const { image, digest } = shipped[name].outputs;
    const report = await verifyImage(`${image}@${digest}`, policy, { client, now });
    const scans = report.accepted.filter((a) => a.predicateType === PREDICATE.vuln);
    expect(scans).toHaveLength(1);
    const kyverno = scans.every((s) => evaluateKyvernoConditions(kyvernoVulnConditions(policy), s.statement.predicate, now).passed);
    const rule = report.rules.find((r) => r.rule === 'vulnerabilities')!;
    expect(report.rules.filter((r) => r.rule !== 'vulnerabilities').every((r) => r.passed)).toBe(true);
    // The whole rendered policies too, on what each engine would see: the Kyverno ClusterPolicy with
    // every statement judged, and the ImageValidatingPolicy's CEL run by a real CEL evaluator.
    const repository = shipped[name].outputs.image.slice(registry.host.length + 1);
    const root = trustedRootForPolicy(policy);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const [cpol, ivp] = (['kyverno', 'kyverno-ivp'] as const).map((e) => renderPolicy(e === 'kyverno' ? { ...policy, sigstore: { kind: 'public-good' } } : policy, e).documents[0] as Record<string, any>);
    const store = client.repository(registry.host, repository);
    const whole = {
      kyverno: kyvernoClusterPolicyVerdict(cpol!, await bundlesSeen(store, digest, root, kyvernoClusterPolicyKeys(cpol!)), now),
      ivp: imageValidatingPolicyVerdict(ivp!, `${image}@${digest}`, await bundlesSeen(store, digest, root, ivpKeys(ivp!)), now),
    };
    expect({ kyverno: whole.kyverno.allowed, ivp: whole.ivp.allowed, why: [...whole.kyverno.why, ...whole.ivp.why].length > 0 }).toEqual({
      kyverno: report.allowed,
      ivp: report.allowed,
      why: !report.allowed,
    });
    return { verify: rule.passed, kyverno, offending: (rule.evidence.offending ?? []).map((c) => c.id).sort() };
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'verify-matrix-scan-'));
    [registry, sources] = await Promise.all([startRegistry('open'), makeFixtureSources(path.join(dir, 'sources'))]);
    client = new RegistryClient();
    savedPath = process.env.PATH;
    process.env.PATH = `${path.join(__dirname, 'support', 'grype-double')}${path.delimiter}${process.env.PATH ?? ''}`;
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(dir, 'cosign.key');
    writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    const mixed = await writeTwoPlatformLayout(path.join(dir, 'mixed'), sources.vulnerable, sources.patched);
    const bothPatched = await writeTwoPlatformLayout(path.join(dir, 'both-patched'), sources.patched, sources.patched);

    const run = async (name: Case, from: string, scanner: 'trivy' | 'grype') => {
      const inputs = shipInputs(from, `${registry.host}/acme/${name.toLowerCase()}`, sources.trivyCache, path.join(dir, `out-${name}`), { sign: 'key', keyFile, scanner });
      shipped[name] = await ship(inputs, shipWorld(dir));
    };
    // Side by side in two waves (each ship runs trivy for the SBOM, and for trivy ships the scan).
    const waves: Array<Array<Parameters<typeof run>>> = [
      [['multiMixed', mixed, 'trivy'], ['multiPatched', bothPatched, 'trivy'], ['trivyVulnerable', sources.vulnerable, 'trivy']],
      [['trivyPatched', sources.patched, 'trivy'], ['grypeVulnerable', sources.vulnerable, 'grype'], ['grypePatched', sources.patched, 'grype']],
    ];
    for (const wave of waves) {
      const settled = await Promise.allSettled(wave.map((args) => run(...args)));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
    now = new Date(Date.now() + 60_000);
  }, 900_000);

  afterAll(async () => {
    process.env.PATH = savedPath;
    client?.close();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the ships are what the cases assume', () => {
    expect(Object.keys(shipped.multiMixed.outputs.platforms)).toHaveLength(2);
    expect(shipped.multiMixed.outputs.vulnerabilities.critical).toBe(3);
    expect(shipped.multiPatched.outputs.vulnerabilities.critical).toBe(0);
    expect(shipped.trivyVulnerable.outputs.vulnerabilities.critical).toBe(3);
    // grype rates the zlib finding by Debian's tracker (negligible → LOW): two CRITICALs, both npm.
    expect(shipped.grypeVulnerable.outputs.vulnerabilities.critical).toBe(2);
    expect(shipped.grypePatched.outputs.vulnerabilities).toEqual({ critical: 0, high: 0, medium: 0, low: 0, unknown: 0 });
  });

  describe('two platforms, an old CRITICAL on one of them', () => {
    test('168h grace: denied by verify and by Kyverno (the index scan holds amd64 findings)', async () => {
      expect(await verdicts('multiMixed', policyFile('multi-168h', '168h'))).toEqual({
        verify: false,
        kyverno: false,
        offending: ['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853'],
      });
    });

    test('a grace wider than the CRITICALs are old: allowed by both', async () => {
      expect(await verdicts('multiMixed', policyFile('multi-wide', '876000h'))).toEqual({ verify: true, kyverno: true, offending: [] });
    });

    test('both platforms patched: allowed by both', async () => {
      expect(await verdicts('multiPatched', policyFile('multi-patched', '168h'))).toEqual({ verify: true, kyverno: true, offending: [] });
    });
  });

  describe('grype-scanned as trivy-scanned', () => {
    test('patched image: allowed by both, whichever scanner', async () => {
      const policy = policyFile('scanner-168h', '168h');
      expect(await verdicts('trivyPatched', policy)).toEqual({ verify: true, kyverno: true, offending: [] });
      expect(await verdicts('grypePatched', policy)).toEqual({ verify: true, kyverno: true, offending: [] });
    });

    test('vulnerable image, 168h grace: denied by both, whichever scanner, for the same CVE ids', async () => {
      const policy = policyFile('scanner-168h', '168h');
      expect(await verdicts('trivyVulnerable', policy)).toEqual({ verify: false, kyverno: false, offending: ['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2023-45853'] });
      expect(await verdicts('grypeVulnerable', policy)).toEqual({ verify: false, kyverno: false, offending: ['CVE-2019-10744', 'CVE-2021-44906'] });
    });

    test('vulnerable image, wide grace: trivy allowed by both; grype denied by both (its report carries no publication date)', async () => {
      const policy = policyFile('scanner-wide', '876000h');
      expect(await verdicts('trivyVulnerable', policy)).toEqual({ verify: true, kyverno: true, offending: [] });
      expect(await verdicts('grypeVulnerable', policy)).toEqual({ verify: false, kyverno: false, offending: ['CVE-2019-10744', 'CVE-2021-44906'] });
    });

    test("grype's findings are attested in the Results shape under grype's own scanner uri", async () => {
      const { image, digest } = shipped.grypeVulnerable.outputs;
      const report = await verifyImage(`${image}@${digest}`, policyFile('scanner-168h', '168h'), { client, now });
      const predicate = report.accepted.find((a) => a.predicateType === PREDICATE.vuln)!.statement.predicate as {
        scanner: { uri: string; result: { Results: Array<{ Type?: string; Vulnerabilities?: Array<{ VulnerabilityID: string; Severity: string }> }> } };
      };
      expect(predicate.scanner.uri).toBe('pkg:github/anchore/grype@0.87.0');
      expect(predicate.scanner.result.Results.map((r) => r.Type).sort()).toEqual(['deb', 'npm']);
    });
  });
});

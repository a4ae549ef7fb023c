// The scan that gets signed depends on nothing the caller committed and nothing the runner's
// environment holds: a hostile `.trivyignore`, `trivy.yaml` and TRIVY_* variables in the workspace
// of a ship leave the attested report exactly what a clean ship attests.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { VulnPredicate } from '../src/attest/vuln';
import { PREDICATE } from '../src/oci/media-types';
import { fromTrivyReport } from '../src/scan/trivy-report';
import type { TrivyReport } from '../src/scan/trivy-report';
import { parseVex, sha256Hex } from '../src/scan/suppressions';
import { scanSbom } from '../src/tools/trivy';
import { trivyBinary } from './support/trivy';
import type { ShipInputs } from '../src/ship/inputs';
import { ship, type ShipResult } from '../src/ship/run';
import type { SerializedBundle } from '../src/sign';
import { fixtureInputs, makeShipFixture, world, type ShipFixture } from './support/ship-env';

const HOSTILE_ENV: Record<string, string> = {
  TRIVY_IGNORE_UNFIXED: 'true',
  TRIVY_SEVERITY: 'LOW,MEDIUM',
  TRIVY_IGNOREFILE: '.trivyignore',
};

/** The vuln predicate among the signed bundles of a ship. */
function vulnPredicate(result: ShipResult): VulnPredicate {
  for (const file of result.outputs.bundles) {
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as SerializedBundle & { dsseEnvelope?: { payload: string } };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope!.payload, 'base64').toString('utf8')) as { predicateType: string; predicate: unknown };
    if (statement.predicateType === PREDICATE.vuln) return statement.predicate as VulnPredicate;
  }
  throw new Error('no vuln statement was signed');
}

/** OpenVEX in the form every trivy since 0.4x reads (products as strings). */
function openVex(product: string): string {
  return JSON.stringify({
    '@context': 'https://openvex.dev/ns',
    '@id': 'https://example.com/vex/1',
    author: 'acme security',
    timestamp: '2026-01-01T00:00:00Z',
    version: '1',
    statements: [{ vulnerability: 'CVE-2023-45853', products: [product], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' }],
  });
}

const ids = (p: VulnPredicate) => fromTrivyReport(p.scanner.result as unknown as TrivyReport).map((v) => `${v.id} ${v.severity}`).sort();

describe('scanner isolation', () => {
  let fx: ShipFixture;
  let keyFile: string;
  let hostile: string;
  const saved: Record<string, string | undefined> = {};
  const originalCwd = process.cwd();

  beforeAll(async () => {
    fx = await makeShipFixture();
    keyFile = path.join(fx.dir, 'cosign.key');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    hostile = mkdtempSync(path.join(tmpdir(), 'ship-image-hostile-workspace-'));
    writeFileSync(path.join(hostile, '.trivyignore'), 'CVE-2019-10744\nCVE-2021-44906\nCVE-2023-45853\n');
    writeFileSync(path.join(hostile, 'trivy.yaml'), 'severity:\n  - LOW\nvulnerability:\n  ignore-unfixed: true\n');
  }, 120_000);

  afterAll(() => {
    process.chdir(originalCwd);
    fx?.cleanup();
    if (hostile) rmSync(hostile, { recursive: true, force: true });
  });

  const shipOnce = (tag: string, extra: Partial<ShipInputs> = {}) =>
    ship(fixtureInputs(fx, { image: `oci-layout:${path.join(fx.dir, `target-${tag}`)}`, sign: 'key', keyFile, tag, ...extra }), world({}, { cwd: originalCwd }));
  let cleanResult: ShipResult;

  test('a hostile .trivyignore, trivy.yaml and TRIVY_* in the workspace change nothing attested', async () => {
    cleanResult = await shipOnce('clean');
    const clean = vulnPredicate(cleanResult);
    expect(clean.suppressions).toEqual({});
    expect(clean.invocation.parameters).toEqual([]);
    expect(ids(clean).filter((id) => id.endsWith('CRITICAL'))).toHaveLength(3);

    process.chdir(hostile);
    for (const [k, v] of Object.entries(HOSTILE_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    let bent: VulnPredicate;
    try {
      bent = vulnPredicate(await shipOnce('hostile'));
    } finally {
      process.chdir(originalCwd);
      for (const k of Object.keys(HOSTILE_ENV)) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    expect(ids(bent)).toEqual(ids(clean));
  }, 300_000);

  test('an explicit ignore file suppresses; it and the VEX document are recorded with their digests in the vuln predicate', async () => {
    const ignoreFile = path.join(fx.dir, 'accepted.trivyignore');
    const ignoreText = '# accepted risk\nCVE-2019-10744 exp:2999-01-31\nCVE-2021-44906 exp:2001-01-01\n';
    writeFileSync(ignoreFile, ignoreText);
    // Which products a trivy matches differs by version (see the next test); here the record is what counts.
    const zlib = 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1&distro=debian-12.1';
    const vexText = openVex(zlib);
    const vexFile = path.join(fx.dir, 'acme.openvex.json');
    writeFileSync(vexFile, vexText);

    const result = await shipOnce('suppressed', { ignoreFile, vex: vexFile });
    const p = vulnPredicate(result);
    // The expired entry is recorded but not applied: CVE-2021-44906 stays.
    expect(ids(p)).not.toContain('CVE-2019-10744 CRITICAL');
    expect(ids(p)).toContain('CVE-2021-44906 CRITICAL');
    expect(p.suppressions).toEqual({
      ignoreFile: { digest: { sha256: sha256Hex(ignoreText) }, entries: [{ id: 'CVE-2019-10744', expires: '2999-01-31' }], expired: [{ id: 'CVE-2021-44906', expires: '2001-01-01' }] },
      vex: { digest: { sha256: sha256Hex(vexText) }, format: 'openvex', statements: [{ vulnerability: 'CVE-2023-45853', status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', products: [zlib] }] },
    });
    expect(p.invocation.parameters).toEqual(['--ignore-file', `sha256:${sha256Hex(ignoreText)}`, '--vex', `sha256:${sha256Hex(vexText)}`]);
    expect(result.suppressions.ignoreFile?.entries).toEqual([{ id: 'CVE-2019-10744', expires: '2999-01-31' }]);
  }, 300_000);

  test('the VEX document reaches trivy: a not_affected statement filters the finding', async () => {
    // The test trivy (`dev`, an older build) matches an SBOM scan's products by CycloneDX BOM-Link only.
    const sbomPath = path.join(path.dirname(cleanResult.outputs.bundles[0]!), '..', 'sbom', 'sbom.cdx.json');
    const sbom = JSON.parse(readFileSync(sbomPath, 'utf8')) as { serialNumber: string; version: number; components: Array<{ name: string; 'bom-ref': string }> };
    const ref = sbom.components.find((c) => c.name === 'zlib1g')!['bom-ref'];
    const bomLink = `urn:cdx:${sbom.serialNumber.replace(/^urn:uuid:/, '')}/${sbom.version}#${encodeURIComponent(ref)}`;
    const scan = await scanSbom({ binary: trivyBinary(), sbomPath, cacheDir: fx.trivyCache, offline: true, ignoreUnfixed: false, suppressions: { vex: parseVex(openVex(bomLink)) } });
    const found = fromTrivyReport(scan.report).map((v) => v.id);
    expect(found).not.toContain('CVE-2023-45853');
    expect(found).toContain('CVE-2019-10744');
  }, 120_000);
});

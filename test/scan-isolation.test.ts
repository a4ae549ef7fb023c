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

  const shipOnce = (tag: string) =>
    ship(fixtureInputs(fx, { image: `oci-layout:${path.join(fx.dir, `target-${tag}`)}`, sign: 'key', keyFile, tag }), world({}, { cwd: originalCwd }));

  test('a hostile .trivyignore, trivy.yaml and TRIVY_* in the workspace change nothing attested', async () => {
    const clean = vulnPredicate(await shipOnce('clean'));
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
});

// Real shipped images for the monitor's tests: a key pair, an estate policy requiring signature and
// SBOM, and fixture images shipped (key-signed, SBOM and scan attested) into a real registry with a
// vulnerability DB that lacks one advisory. The monitor's own trivy cache starts with that same DB;
// a test adds the advisory back (writeFixtureDb(ADVISORIES_YAML, monitorCache)) to change what a
// sweep finds.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFixtureDb } from '../../src/fixture-db/write-fixture-db';
import { ship } from '../../src/ship/run';
import { writePolicyFile } from './policy-file';
import { patchedRootfs, shipInputs, shipWorld, writeImageLayout } from './ship-fixture';
import { ADVISORIES_YAML } from './trivy';

export const DAY = 86_400_000;
/** openssl, HIGH: in the patched image, absent from the DB it was shipped with. */
export const APPEARING = 'CVE-2023-5363';

export interface ShippedEstate<N extends string> {
  keyFile: string;
  policyPath: string;
  /** The advisories without APPEARING. */
  reducedYaml: string;
  /** The monitor's trivy cache, holding the reduced DB dated a day before t0. */
  monitorCache: string;
  digests: Record<N, string>;
}

/** Ships one image per entry of `labels` (its OCI config labels) to `registry/acme/NAME`. */
export async function shipEstate<N extends string>(dir: string, registry: string, labels: Record<N, Record<string, string>>, t0: Date): Promise<ShippedEstate<N>> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = path.join(dir, 'cosign.key');
  writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(path.join(dir, 'cosign.pub'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  const policyPath = writePolicyFile(dir, 'estate', {
    images: '*',
    keys: ['cosign.pub'],
    require: ['signature: true', 'sbom: true', 'vulnerabilities: {maxScanAge: 8760h, criticalGrace: 168h}'],
  });

  const advisories = parse(readFileSync(ADVISORIES_YAML, 'utf8')) as { advisories: Array<{ id: string }> };
  const reducedYaml = path.join(dir, 'reduced.yaml');
  writeFileSync(reducedYaml, stringify({ advisories: advisories.advisories.filter((a) => a.id !== APPEARING) }));
  const shipCache = path.join(dir, 'ship-cache');
  const monitorCache = path.join(dir, 'monitor-cache');
  await writeFixtureDb(reducedYaml, shipCache, { now: new Date(t0.getTime() - DAY) });
  await writeFixtureDb(reducedYaml, monitorCache, { now: new Date(t0.getTime() - DAY) });

  const digests = {} as Record<N, string>;
  await Promise.all(
    (Object.keys(labels) as N[]).map(async (name) => {
      const layout = path.join(dir, `layout-${name}`);
      await writeImageLayout(layout, patchedRootfs(), 'latest', labels[name]);
      const inputs = shipInputs(`oci-layout:${layout}:latest`, `${registry}/acme/${name}`, shipCache, path.join(dir, `out-${name}`), { sign: 'key', keyFile });
      digests[name] = (await ship(inputs, shipWorld(dir))).outputs.digest;
    }),
  );
  return { keyFile, policyPath, reducedYaml, monitorCache, digests };
}

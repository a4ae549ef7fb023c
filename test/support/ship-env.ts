import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../src/core/log';
import { writeFixtureImageLayout } from '../../src/fixture-db/fixture-image';
import type { ShipInputs } from '../../src/ship/inputs';
import type { ShipEnvironment } from '../../src/ship/plan';
import { prepareFixtureDb } from './trivy';
import { GITHUB_ENV } from './github-env';
export { GITHUB_ENV };

/** A fixture image layout and fixture trivy DB in one temp dir, for ship tests. */
export interface ShipFixture {
  dir: string;
  sourceLayout: string;
  trivyCache: string;
  cleanup(): void;
}

export async function makeShipFixture(): Promise<ShipFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ship-image-test-'));
  const sourceLayout = path.join(dir, 'source');
  const trivyCache = path.join(dir, 'trivy-cache');
  await writeFixtureImageLayout(sourceLayout, 'latest');
  await prepareFixtureDb(trivyCache);
  return { dir, sourceLayout, trivyCache, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** ShipInputs of an offline, unsigned ship with no build: every test and bench overrides from here. */
export function offlineShipInputs(overrides: Partial<ShipInputs> & Pick<ShipInputs, 'image' | 'outputDir'>): ShipInputs {
  return {
    context: '.',
    builder: 'auto',
    platforms: [],
    buildArgs: {},
    extraTags: [],
    sbomFormat: 'cyclonedx',
    scanner: 'trivy',
    failOn: 'none',
    ignoreUnfixed: false,
    sign: 'none',
    signatureFormat: 'bundle',
    dbRepositories: [],
    offline: true,
    registry: { insecureRegistries: [], caPems: [] },
    sigstore: {},
    ...overrides,
  };
}

/** An offline ship of the fixture image: override what the test is about. */
export function fixtureInputs(fx: ShipFixture, overrides: Partial<ShipInputs>): ShipInputs {
  return offlineShipInputs({
    image: '',
    from: `oci-layout:${fx.sourceLayout}:latest`,
    trivyCache: fx.trivyCache,
    outputDir: path.join(fx.dir, 'out-' + Math.random().toString(36).slice(2)),
    ...overrides,
  });
}

export function world(env: NodeJS.ProcessEnv, extra: Partial<ShipEnvironment> = {}): ShipEnvironment {
  return { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, cwd: process.cwd(), logger: silentLogger, ...extra };
}

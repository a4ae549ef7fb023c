import { generateKeyPairSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../core/log';
import { discover } from '../discover/tree';
import { renderText } from '../discover/render';
import { writeFixtureImageLayout } from '../fixture-db/fixture-image';
import { writeFixtureDb } from '../fixture-db/write-fixture-db';
import { OciLayoutStore } from '../oci/layout';
import { resolveCommitSha } from '../build/tags';
import type { ShipInputs } from './inputs';
import { ship, type ShipResult } from './run';

export interface DemoResult {
  dir: string;
  result: ShipResult;
  discoverText: string;
}

/**
 * The main job end to end on the embedded defaults: the fixture image (a Debian 12 + npm tree with
 * known-vulnerable versions) shipped into an OCI image layout directory, scanned with the fixture
 * trivy DB, signed with a freshly generated key. No network, no daemon, no account.
 */
export async function runDemo(dir: string, world: { env: NodeJS.ProcessEnv; cwd: string; logger: Logger }): Promise<DemoResult> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const cache = path.join(dir, 'trivy-cache');
  const source = path.join(dir, 'source');
  const registry = path.join(dir, 'registry');
  const keyFile = path.join(dir, 'cosign.key');

  world.logger.info(`demo: fixture vulnerability DB → ${cache}`);
  await writeFixtureDb(undefined, cache);
  world.logger.info(`demo: fixture image → oci-layout:${source}:latest`);
  await writeFixtureImageLayout(source, 'latest');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(path.join(dir, 'cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  // Outside a git checkout (an unpacked tarball) there is no commit to tag with: use a demo tag.
  const inGit = await resolveCommitSha(world.env, world.cwd).then(
    () => true,
    () => false,
  );
  const inputs: ShipInputs = {
    tag: inGit ? undefined : 'demo-build',
    image: `oci-layout:${registry}`,
    from: `oci-layout:${source}:latest`,
    context: '.',
    builder: 'auto',
    platforms: [],
    buildArgs: {},
    extraTags: ['latest'],
    sbomFormat: 'cyclonedx',
    scanner: 'trivy',
    failOn: 'none',
    ignoreUnfixed: false,
    sign: 'key',
    keyFile,
    signatureFormat: 'bundle',
    trivyCache: cache,
    dbRepositories: [],
    offline: true,
    outputDir: path.join(dir, 'out'),
    registry: { insecureRegistries: [], caPems: [] },
    sigstore: {},
  };
  const result = await ship(inputs, { ...world, env: { ...world.env, GITHUB_ACTIONS: undefined } });
  const tree = await discover(new OciLayoutStore(registry), result.outputs.digest);
  return { dir, result, discoverText: renderText(tree) };
}

import { generateKeyPairSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../core/log';
import { discover } from '../discover/tree';
import { renderText } from '../discover/render';
import { patchedFixtureRootfs, writeFixtureImageLayout } from '../fixture-db/fixture-image';
import { writeFixtureDb } from '../fixture-db/write-fixture-db';
import { OciLayoutStore } from '../oci/layout';
import { resolveCommitSha } from '../build/tags';
import { loadPolicy } from '../policy/load';
import { renderHeader, renderPolicy, toYaml } from '../policy/render';
import { verifyImage, type VerifyReport } from '../verify/verify-image';
import type { ShipInputs } from './inputs';
import { ship, type ShipResult } from './run';

/** One image of the demo: shipped into its own OCI layout, then verified against the demo policy. */
export interface DemoImage {
  /** The OCI layout directory the image was shipped into. */
  registry: string;
  /** Where ship wrote the SBOM, the scan report and the bundles. */
  outputDir: string;
  result: ShipResult;
  verdict: VerifyReport;
}

export interface DemoResult {
  dir: string;
  policyFile: string;
  /** The fixture image as found: a CRITICAL CVE known for years, so the policy denies it. */
  vulnerable: DemoImage;
  /** The same image with lodash, minimist and zlib patched: allowed. */
  patched: DemoImage;
  discoverText: string;
  /** The Kyverno ClusterPolicy rendered from the same policy file, and where it was written. */
  kyvernoFile: string;
  kyvernoYaml: string;
}

/** The sample policy: signed by the demo key, with an SBOM, a fresh scan and no CRITICAL older than 7 days. */
export const DEMO_POLICY = `apiVersion: ship-image/v1
kind: Policy
metadata: {name: demo}
spec:
  images: ["oci-layout:*", "ghcr.io/acme/*"]
  keys: [cosign.pub]
  require:
    signature: true
    sbom: true
    vulnerabilities: {maxScanAge: 168h, criticalGrace: 168h}
`;

/**
 * The whole loop on the embedded defaults: the fixture image (a Debian 12 + npm tree with
 * known-vulnerable versions) and its patched variant shipped into OCI image layout directories,
 * scanned with the fixture trivy DB, signed with a freshly generated key, verified against a sample
 * policy, and that policy rendered for Kyverno. No network, no daemon, no account.
 */
export async function runDemo(dir: string, world: { env: NodeJS.ProcessEnv; cwd: string; logger: Logger }): Promise<DemoResult> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const cache = path.join(dir, 'trivy-cache');
  const keyFile = path.join(dir, 'cosign.key');
  const policyFile = path.join(dir, 'policy.yaml');

  world.logger.info(`demo: fixture vulnerability DB → ${cache}`);
  const vulnerableSource = path.join(dir, 'source');
  const patchedSource = path.join(dir, 'source-patched');
  await Promise.all([
    writeFixtureDb(undefined, cache),
    writeFixtureImageLayout(vulnerableSource, 'latest'),
    writeFixtureImageLayout(patchedSource, 'latest', patchedFixtureRootfs()),
  ]);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(path.join(dir, 'cosign.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(policyFile, DEMO_POLICY);
  const policy = loadPolicy(policyFile);

  // Outside a git checkout (an unpacked tarball) there is no commit to tag with: use a demo tag.
  const inGit = await resolveCommitSha(world.env, world.cwd).then(
    () => true,
    () => false,
  );
  // References as the printed commands write them: relative to where the demo runs.
  const shown = (p: string): string => path.relative(world.cwd, p) || p;
  const shipAndVerify = async (source: string, registry: string, outName: string): Promise<DemoImage> => {
    world.logger.info(`demo: ship oci-layout:${source}:latest → oci-layout:${registry}`);
    const outputDir = path.join(dir, outName);
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
      outputDir,
      registry: { insecureRegistries: [], caPems: [] },
      sigstore: {},
    };
    const result = await ship(inputs, { ...world, env: { ...world.env, GITHUB_ACTIONS: undefined } });
    const verdict = await verifyImage(`oci-layout:${shown(registry)}@${result.outputs.digest}`, policy);
    return { registry, outputDir, result, verdict };
  };
  // One after the other: both read the same trivy cache.
  const vulnerable = await shipAndVerify(vulnerableSource, path.join(dir, 'registry'), 'out');
  const patched = await shipAndVerify(patchedSource, path.join(dir, 'registry-patched'), 'out-patched');

  const tree = await discover(new OciLayoutStore(shown(vulnerable.registry)), vulnerable.result.outputs.digest);
  const kyvernoFile = path.join(dir, 'kyverno-policy.yaml');
  // What `ship-image policy render --policy <relative path> --engine kyverno` prints, byte for byte.
  const kyvernoYaml = toYaml(renderPolicy(policy, 'kyverno').documents, renderHeader('kyverno', shown(policyFile)));
  await writeFile(kyvernoFile, kyvernoYaml);
  return { dir, policyFile, vulnerable, patched, discoverText: renderText(tree), kyvernoFile, kyvernoYaml };
}

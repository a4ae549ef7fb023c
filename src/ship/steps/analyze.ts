import * as os from 'node:os';
import * as path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { BuiltImage } from '../../build/types';
import { toResultsShape, type ResultsShape } from '../../scan/results-shape';
import { fromTrivyReport } from '../../scan/trivy-report';
import { grypeScan } from '../../tools/grype';
import { rfc3339 } from '../../tools/trivy';
import type { Vulnerability } from '../../scan/vulnerability';
import { resolveTool } from '../../tools/resolve-tool';
import { generateSbom, sbomThenScan, type GenerateSbomOptions, type ImageInput, type SbomResult } from '../../tools/trivy';
import { prepareTrivyDb, type PreparedDb } from '../../tools/trivy-db';
import type { ShipEnvironment, ShipPlan } from '../plan';

/** What any scanner's run yields, and what its vuln attestation carries. */
export interface ScanOutcome {
  scanner: 'trivy' | 'grype';
  toolVersion: string;
  /**
   * The predicate's `scanner.result`: the findings in the `Results[]` shape every engine reads
   * (src/scan/results-shape.ts): trivy's native report as is, grype's findings written into it.
   */
  report: ResultsShape;
  /** When the vulnerability DB was built/updated (RFC 3339), if known. */
  dbVersion?: string;
  startedOn: string;
  finishedOn: string;
}

/** SBOM and scan of one platform's manifest. */
export interface PlatformAnalysis {
  platform: string;
  digest: string;
  sbom: SbomResult;
  scan: ScanOutcome;
  vulnerabilities: Vulnerability[];
}

export interface Analysis {
  db: PreparedDb;
  scannerVersion: string;
  platforms: PlatformAnalysis[];
}

export function defaultTrivyCache(env: NodeJS.ProcessEnv): string {
  return path.join(env.RUNNER_TOOL_CACHE ?? env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ship-image', 'trivy');
}

/**
 * Step 2: per platform, an SBOM of the pushed image, then a scan of that SBOM (the image is analysed
 * once). Platforms run side by side.
 */
export async function analyzeStep(plan: ShipPlan, built: BuiltImage, world: ShipEnvironment): Promise<Analysis> {
  const { inputs } = plan;
  const grype = inputs.scanner === 'grype' ? await resolveTool('grype', { logger: world.logger, allowDownload: !inputs.offline }) : undefined;
  const trivy = await resolveTool('trivy', { logger: world.logger, allowDownload: !inputs.offline });
  const cacheDir = path.resolve(world.cwd, inputs.trivyCache ?? defaultTrivyCache(world.env));
  await mkdir(cacheDir, { recursive: true });
  const db = await prepareTrivyDb({
    cacheDir,
    offline: inputs.offline,
    binary: trivy.path,
    dbRepositories: inputs.dbRepositories.length > 0 ? inputs.dbRepositories : undefined,
    maxDbAge: inputs.maxDbAge,
    useActionsCache: world.env.GITHUB_ACTIONS === 'true',
    logger: world.logger,
  });
  const sbomDir = path.join(plan.outputDir, 'sbom');
  await mkdir(sbomDir, { recursive: true });

  const platformEntries = Object.entries(built.platforms);
  const multi = platformEntries.length > 1;
  const platforms = await Promise.all(
    platformEntries.map(async ([platform, digest]): Promise<PlatformAnalysis> => {
      const suffix = multi ? `-${platform.replace(/\//g, '-')}` : '';
      const sbomOpts: GenerateSbomOptions = {
        binary: trivy.path,
        image: imageInput(plan, multi ? digest : built.digest),
        format: inputs.sbomFormat,
        platform: multi ? platform : undefined,
        cacheDir,
        offline: inputs.offline,
        outputPath: path.join(sbomDir, `sbom${suffix}.${inputs.sbomFormat === 'spdx' ? 'spdx' : 'cdx'}.json`),
        logger: world.logger,
      };
      // ignore-unfixed only shapes the gate: the attested report is complete.
      if (grype) {
        const sbom = await generateSbom(sbomOpts);
        const startedOn = rfc3339(new Date());
        const g = await grypeScan({
          binary: grype.path,
          sbomPath: sbom.path,
          outputPath: path.join(sbomDir, `vulnerabilities${suffix}.grype.json`),
          offline: inputs.offline,
          ignoreUnfixed: false,
          maxDbAge: inputs.maxDbAge,
          logger: world.logger,
        });
        // grype's own report stays in the output dir; the attestation carries its findings as every engine reads them.
        const report = toResultsShape(g.vulnerabilities, `${plan.target.name}@${digest}`);
        const scan: ScanOutcome = { scanner: 'grype', toolVersion: g.toolVersion, report, dbVersion: g.dbBuilt, startedOn, finishedOn: rfc3339(new Date()) };
        return { platform, digest, sbom, scan, vulnerabilities: g.vulnerabilities };
      }
      // The scan reads the SBOM just made (one analysis of the image); its process starts beside the SBOM pass.
      const { sbom, scan: t } = await sbomThenScan(sbomOpts, {
        cacheDir,
        offline: true, // the DB was prepared above; the scan itself needs no network
        ignoreUnfixed: false,
        outputPath: path.join(sbomDir, `vulnerabilities${suffix}.trivy.json`),
      });
      // Policies read Results[] (Kyverno JMESPath, verify): trivy omits it when there is nothing to report.
      const report: ResultsShape = { ...(t.report as unknown as Record<string, unknown>), Results: (t.report.Results ?? []) as ResultsShape['Results'] };
      const scan: ScanOutcome = { scanner: 'trivy', toolVersion: t.toolVersion, report, dbVersion: t.dbVersion.updatedAt ?? db.updatedAt, startedOn: t.startedOn, finishedOn: t.finishedOn };
      return { platform, digest, sbom, scan, vulnerabilities: fromTrivyReport(t.report) };
    }),
  );
  return { db, scannerVersion: platforms[0]?.scan.toolVersion ?? 'unknown', platforms };
}

function imageInput(plan: ShipPlan, digest: string): ImageInput {
  const t = plan.target;
  if (t.kind === 'oci-layout') return { kind: 'oci-layout', dir: t.dir, ref: digest };
  return {
    kind: 'registry',
    ref: `${t.registry}/${t.repository}@${digest}`,
    insecure: t.insecure,
    username: plan.targetCredentials?.username,
    password: plan.targetCredentials?.password,
  };
}

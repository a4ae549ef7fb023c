import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { fromGrypeReport, type GrypeReport } from '../scan/grype-report';
import type { Suppressions } from '../scan/suppressions';
import type { Vulnerability } from '../scan/vulnerability';
import { runTool, type ImageInput, type ToolArgs } from './trivy';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';
import { registryEnv } from './anchore-registry-env';

/**
 * Adapter for grype (anchore/grype), the alternative scanner: command construction, running,
 * and its JSON report turned into the normalized model. Configuration goes through grype's
 * environment variables (GRYPE_*), credentials included, never argv.
 */

export interface GrypeScanOptions {
  /** Scan an SBOM file (preferred: the same SBOM the attestation carries) ... */
  sbomPath?: string;
  /** ... or an image. */
  image?: ImageInput;
  outputPath: string;
  /** grype's DB cache dir (GRYPE_DB_CACHE_DIR). */
  dbCacheDir?: string;
  /** No DB update and no version check: the DB must already be in dbCacheDir. */
  offline: boolean;
  ignoreUnfixed: boolean;
  /** Refuse a DB built longer ago than this (`120h`, `5d`); grype's default is 120h. */
  maxDbAge?: string;
  platform?: string;
  /** Accepted risks (as grype ignore rules) and an OpenVEX document, given explicitly. */
  suppressions?: Suppressions;
  binary?: string;
  logger?: Logger;
  /** Runs the binary (tests inject one). */
  run?: (binary: string, args: ToolArgs, env: Record<string, string>) => Promise<string>;
}

/** The files a grype run reads, written by us into its private scratch dir. */
export interface GrypeFiles {
  /** An explicit config, so none of grype's search paths (./.grype.yaml, ~/.grype.yaml, XDG) is read. */
  config: string;
  vex?: string;
}

/**
 * The explicit config (holding the ignore-file entries as grype ignore rules, nothing else) and a
 * private copy of the VEX document. grype reads OpenVEX only.
 */
export async function writeGrypeFiles(scratch: string, suppressions: Suppressions = {}): Promise<GrypeFiles> {
  if (suppressions.vex && suppressions.vex.format !== 'openvex') {
    throw new UserError(`grype reads OpenVEX documents only, the vex input is ${suppressions.vex.format}; give an OpenVEX document or use scanner trivy`);
  }
  const files: GrypeFiles = { config: join(scratch, 'grype.yaml') };
  const ignore = (suppressions.ignoreFile?.entries ?? []).map((e) => ({ vulnerability: e.id }));
  await writeFile(files.config, JSON.stringify({ ignore }) + '\n');
  if (suppressions.vex) {
    files.vex = join(scratch, 'vex.openvex.json');
    await writeFile(files.vex, suppressions.vex.content);
  }
  return files;
}

export interface GrypeCommand {
  args: string[];
  env: Record<string, string>;
}

export function grypeScanCommand(opts: GrypeScanOptions, files?: GrypeFiles): GrypeCommand {
  if (!opts.sbomPath === !opts.image) throw new UserError('grype scans either an SBOM or an image; give exactly one');
  const env: Record<string, string> = { GRYPE_CHECK_FOR_APP_UPDATE: 'false' };
  if (opts.dbCacheDir) env.GRYPE_DB_CACHE_DIR = opts.dbCacheDir;
  if (opts.offline) env.GRYPE_DB_AUTO_UPDATE = 'false';
  if (opts.maxDbAge) env.GRYPE_DB_MAX_ALLOWED_BUILT_AGE = goDuration(opts.maxDbAge);

  let source: string;
  if (opts.sbomPath) {
    source = `sbom:${opts.sbomPath}`;
  } else if (opts.image!.kind === 'oci-layout') {
    source = `oci-dir:${opts.image!.dir}`;
  } else {
    source = `registry:${opts.image!.ref}`;
    Object.assign(env, registryEnv('GRYPE', opts.image!));
  }
  const args = [source, '--output', 'json', '--file', opts.outputPath, '--quiet'];
  if (files) args.push('--config', files.config, ...(files.vex ? ['--vex', files.vex] : []));
  if (opts.ignoreUnfixed) args.push('--only-fixed');
  if (opts.platform && !opts.sbomPath) args.push('--platform', opts.platform);
  return { args, env };
}

export interface GrypeScanResult {
  report: GrypeReport;
  vulnerabilities: Vulnerability[];
  toolVersion: string;
  dbBuilt?: string;
}

export async function grypeScan(opts: GrypeScanOptions): Promise<GrypeScanResult> {
  const binary = opts.binary ?? 'grype';
  const logger = opts.logger ?? silentLogger;
  const run = opts.run ?? ((bin, args, env) => runTool('grype', bin, args, env, logger));
  const { env } = grypeScanCommand(opts);
  await run(binary, async (scratch) => grypeScanCommand(opts, await writeGrypeFiles(scratch, opts.suppressions)).args, env);
  const report = JSON.parse(await readTextCappedAsync(opts.outputPath, READ_CAPS.report, { what: "grype's report" })) as GrypeReport;
  return {
    report,
    vulnerabilities: fromGrypeReport(report),
    toolVersion: report.descriptor?.version ?? parseGrypeVersion(await run(binary, ['version', '--output', 'json'], {})),
    dbBuilt: grypeDbBuilt(report),
  };
}

/** `grype version -o json` -> version string. */
export function parseGrypeVersion(json: string): string {
  const parsed = JSON.parse(json) as { version?: string };
  return parsed.version ?? 'unknown';
}

/** When the DB used for a report was built (grype v5 `built`, v6 `status.built`). */
export function grypeDbBuilt(report: GrypeReport): string | undefined {
  const db = report.descriptor?.db as { built?: string; status?: { built?: string } } | undefined;
  return db?.status?.built ?? db?.built;
}

function goDuration(value: string): string {
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!match) throw new UserError(`max-db-age '${value}' is not a duration; use a number with m, h or d, e.g. 120h`);
  return match[2] === 'd' ? `${Number(match[1]) * 24}h` : `${match[1]}${match[2]}`;
}

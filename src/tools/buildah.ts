import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { probeOutput, runChecked, toolSpec, type ToolRunContext } from './exec';
import { buildArgAndLabelFlags, type BuildInput } from './build-input';
import { READ_CAPS, readTextCapped } from '../core/read-capped';

/** Where buildah keeps images; tests point root/runroot at temp dirs. */
export interface BuildahStorage {
  root?: string;
  runroot?: string;
  /** Default `vfs`: works unprivileged and inside containers, where overlay often does not. */
  storageDriver?: string;
}

export interface BuildahBudOptions extends BuildInput {
  /** Local image name the build is stored under, e.g. `localhost/ship-image-build:abc123`. */
  localName: string;
}

export type BuildahDestination =
  | {
      kind: 'registry';
      /** `REGISTRY/REPOSITORY:TAG` */
      reference: string;
      /** `--tls-verify=false` (loopback or --insecure-registry). */
      insecure: boolean;
      /** Temporary auth.json with the push credentials (never put credentials in argv). */
      authFile?: string;
    }
  | {
      kind: 'oci-layout';
      dir: string;
      tag: string;
    };

export interface BuildahRunContext extends ToolRunContext {
  storage?: BuildahStorage;
}

export interface BuildahBuildResult {
  /** Digest of the manifest as pushed (`--digestfile`); the same for every destination. */
  digest: string;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function buildahGlobalArgs(storage: BuildahStorage = {}): string[] {
  const args: string[] = [];
  if (storage.root) args.push('--root', storage.root);
  if (storage.runroot) args.push('--runroot', storage.runroot);
  args.push('--storage-driver', storage.storageDriver ?? 'vfs');
  return args;
}

/** The arguments after `buildah` for the build. */
export function buildahBudArgs(o: BuildahBudOptions, storage: BuildahStorage = {}): string[] {
  if (o.platforms.length > 1) {
    throw new UserError(
      `builder buildah builds one platform here, not ${o.platforms.length} (${o.platforms.join(', ')}); use --builder buildx or pass one platform`,
    );
  }
  const args = [...buildahGlobalArgs(storage), 'bud', '--isolation', 'chroot', '--layers=false', '-f', o.dockerfile];
  if (o.platforms.length === 1) args.push('--platform', o.platforms[0]);
  args.push(...buildArgAndLabelFlags(o));
  args.push('-t', o.localName, o.context);
  return args;
}

/** The arguments after `buildah` for one push. */
export function buildahPushArgs(localName: string, dest: BuildahDestination, digestFile: string, storage: BuildahStorage = {}): string[] {
  const args = [...buildahGlobalArgs(storage), 'push'];
  if (dest.kind === 'registry') {
    if (dest.insecure) args.push('--tls-verify=false');
    if (dest.authFile) args.push('--authfile', dest.authFile);
    args.push('--digestfile', digestFile, localName, `docker://${dest.reference}`);
  } else {
    args.push('--digestfile', digestFile, localName, `oci:${dest.dir}:${dest.tag}`);
  }
  return args;
}

export function buildahRmiArgs(localName: string, storage: BuildahStorage = {}): string[] {
  return [...buildahGlobalArgs(storage), 'rmi', localName];
}

export async function buildahAvailable(ctx: BuildahRunContext = {}): Promise<boolean> {
  return (await probeOutput({ command: 'buildah', args: ['--version'], env: ctx.env }, ctx.runner)) !== undefined;
}

/** Build once, push to every destination, and insist they all got the same manifest digest. */
export async function buildahBuildAndPush(
  o: BuildahBudOptions,
  destinations: readonly BuildahDestination[],
  ctx: BuildahRunContext = {},
): Promise<BuildahBuildResult> {
  if (destinations.length === 0) throw new Error('buildah: nothing to push to');
  const run = (args: string[]) => runChecked(toolSpec('buildah', args, ctx), ctx.runner);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ship-image-buildah-'));
  try {
    await run(buildahBudArgs(o, ctx.storage));
    try {
      let digest: string | undefined;
      for (const [i, dest] of destinations.entries()) {
        const digestFile = path.join(scratch, `digest-${i}`);
        await run(buildahPushArgs(o.localName, dest, digestFile, ctx.storage));
        const pushed = readTextCapped(digestFile, READ_CAPS.document).trim();
        if (!DIGEST_RE.test(pushed)) throw new Error(`buildah push wrote no digest to its digest file (got '${pushed.slice(0, 80)}')`);
        if (digest && digest !== pushed) throw new Error(`buildah pushed two digests for one build: ${digest} and ${pushed}`);
        digest = pushed;
      }
      return { digest: digest as string };
    } finally {
      await run(buildahRmiArgs(o.localName, ctx.storage)).catch(() => undefined);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

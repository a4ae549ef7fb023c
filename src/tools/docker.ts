import { UserError } from '../core/errors';
import { checkResult, probeOutput, runChecked, spawnRunner, toolSpec, type ToolRunContext } from './exec';
import { buildArgAndLabelFlags, type BuildInput } from './build-input';

/** `docker build` (BuildKit) then `docker push`: one platform, through a docker daemon. */
export interface DockerBuildOptions extends BuildInput {
  /** `REGISTRY/REPOSITORY`, no tag. */
  repository: string;
  /** At least one tag: docker pushes by tag. */
  tags: readonly string[];
}

/** `env` is the CLI's environment: `DOCKER_HOST` and `DOCKER_CONFIG` in it are honoured. */
export interface DockerRunContext extends ToolRunContext {
  /** The docker CLI (default `docker` on PATH). */
  dockerPath?: string;
}

export interface DockerBuildResult {
  /** Manifest digest `docker push` reported (the caller cross-checks it against the registry). */
  digest: string;
  /** Size of the manifest, as `docker push` reported it. */
  size: number;
  /** Whether the build ran on BuildKit or fell back to the classic builder. */
  buildkit: boolean;
}

const PUSH_DIGEST_RE = /digest: (sha256:[a-f0-9]{64}) size: (\d+)/g;
/** What a docker CLI >= 23 without the buildx plugin answers to DOCKER_BUILDKIT=1 docker build. */
const BUILDX_MISSING_RE = /BuildKit is enabled but the buildx component is missing or broken/;

/** The arguments after `docker` for the build. */
export function dockerBuildArgs(o: DockerBuildOptions): string[] {
  if (o.platforms.length > 1) {
    throw new UserError(`builder docker builds one platform, not ${o.platforms.length} (${o.platforms.join(', ')}); use --builder buildx or pass one platform`);
  }
  if (o.tags.length === 0) throw new Error('docker build needs at least one tag to push');
  const args = ['build', '--file', o.dockerfile];
  if (o.platforms.length === 1) args.push('--platform', o.platforms[0]);
  args.push(...buildArgAndLabelFlags(o));
  for (const tag of o.tags) args.push('--tag', `${o.repository}:${tag}`);
  args.push(o.context);
  return args;
}

export function dockerPushArgs(reference: string): string[] {
  return ['push', reference];
}

/** `<tag>: digest: sha256:... size: N` from `docker push` output (the last one printed). */
export function parsePushDigest(output: string): { digest: string; size: number } {
  let last: RegExpExecArray | undefined;
  for (const m of output.matchAll(PUSH_DIGEST_RE)) last = m as RegExpExecArray;
  if (!last) throw new Error('docker push did not print a digest (expected "digest: sha256:... size: N")');
  return { digest: last[1], size: Number(last[2]) };
}

/** True when a docker daemon answers `docker version` (server part) at the configured host. */
export async function dockerDaemonAvailable(ctx: DockerRunContext = {}): Promise<boolean> {
  const version = await probeOutput({ command: ctx.dockerPath ?? 'docker', args: ['version', '--format', '{{.Server.Version}}'], env: ctx.env }, ctx.runner);
  return Boolean(version?.trim());
}

export async function dockerBuildAndPush(o: DockerBuildOptions, ctx: DockerRunContext = {}): Promise<DockerBuildResult> {
  const base = ctx.env ?? process.env;
  const spec = (args: string[], env: NodeJS.ProcessEnv) => toolSpec(ctx.dockerPath ?? 'docker', args, ctx, env);
  const buildArgs = dockerBuildArgs(o);

  let buildkit = true;
  const buildkitSpec = spec(buildArgs, { ...base, DOCKER_BUILDKIT: '1' });
  const first = await (ctx.runner ?? spawnRunner)(buildkitSpec);
  if (first.exitCode !== 0) {
    if (!BUILDX_MISSING_RE.test(first.stderr)) checkResult(buildkitSpec, first);
    // A newer docker CLI refuses BuildKit without the buildx plugin; the classic builder still works.
    ctx.onLine?.('docker: BuildKit needs the buildx plugin, which is missing; building with the classic builder');
    buildkit = false;
    await runChecked(spec(buildArgs, { ...base, DOCKER_BUILDKIT: '0' }), ctx.runner);
  }

  let pushed: { digest: string; size: number } | undefined;
  for (const tag of o.tags) {
    const r = await runChecked(spec(dockerPushArgs(`${o.repository}:${tag}`), base), ctx.runner);
    const result = parsePushDigest(r.stdout + '\n' + r.stderr);
    if (pushed && pushed.digest !== result.digest) {
      throw new Error(`docker push gave two digests for one build: ${pushed.digest} and ${result.digest}`);
    }
    pushed = result;
  }
  if (!pushed) throw new Error('docker push was not run');
  return { ...pushed, buildkit };
}

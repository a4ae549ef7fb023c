import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import type { Logger } from '../core/log';
import type { RepositoryStore } from '../oci/store';
import { buildahAvailable, buildahBuildAndPush, type BuildahDestination, type BuildahStorage } from '../tools/buildah';
import { buildxAvailable, buildxBuild } from '../tools/buildx';
import { dockerBuildAndPush, dockerDaemonAvailable } from '../tools/docker';
import type { CommandRunner } from '../tools/exec';
import { withoutRunnerTokens } from '../tools/isolation';
import { applyTags } from './apply-tags';
import { platformDigests } from './platforms';
import { writeTempRegistryAuth, type TempRegistryAuth } from './registry-auth';
import { isLoopbackRegistry } from './tags';
import type { BuilderChoice, BuilderName, BuildPlan, BuiltImage } from './types';
import type { BuildInput } from '../tools/build-input';

export interface BuildDeps {
  /** The target repository (registry repository or OCI layout): for the digest cross-check and platforms. */
  store: RepositoryStore;
  logger: Logger;
  /** Environment for the builders (DOCKER_HOST, PATH, ...); default process.env. */
  env?: NodeJS.ProcessEnv;
  runner?: CommandRunner;
  /** docker CLI to use (default `docker` on PATH). */
  dockerPath?: string;
  /** buildah storage (tests use temp --root/--runroot). */
  buildahStorage?: BuildahStorage;
  timeoutMs?: number;
}

interface ProbeDeps {
  env?: NodeJS.ProcessEnv;
  runner?: CommandRunner;
  dockerPath?: string;
}

/** auto = buildx if `docker buildx version` works, else docker if a daemon answers, else buildah. */
export async function chooseBuilder(choice: BuilderChoice, plan: Pick<BuildPlan, 'target'>, deps: ProbeDeps = {}): Promise<BuilderName> {
  const layout = plan.target.kind === 'oci-layout';
  if (choice !== 'auto') {
    if (layout && choice !== 'buildah') {
      throw new UserError(`builder ${choice} pushes to registries only, and the image target is an OCI layout; use --builder buildah or a registry target`);
    }
    return choice;
  }
  const probe = { env: withoutRunnerTokens(deps.env ?? process.env), runner: deps.runner };
  if (!layout) {
    if (await buildxAvailable(probe)) return 'buildx';
    if (await dockerDaemonAvailable({ ...probe, dockerPath: deps.dockerPath })) return 'docker';
  }
  if (await buildahAvailable(probe)) return 'buildah';
  throw new UserError(
    layout
      ? 'no builder for an OCI layout target: buildah is not installed; install buildah or ship a prebuilt image with --from'
      : 'no builder found: docker buildx is missing, no docker daemon answers and buildah is not installed; install one or ship a prebuilt image with --from',
  );
}

/** Build the plan with the chosen builder, push it, check the registry serves what was built. */
export async function buildImage(plan: BuildPlan, deps: BuildDeps): Promise<BuiltImage> {
  checkInputs(plan);
  const builder = await chooseBuilder(plan.builder, plan, deps);
  const dockerfile = plan.dockerfile ?? path.join(plan.context, 'Dockerfile');
  const input: BuildInput = { context: plan.context, dockerfile, platforms: plan.platforms, buildArgs: plan.buildArgs, labels: plan.labels };
  const baseEnv = withoutRunnerTokens(deps.env ?? process.env);
  const onLine = (line: string) => deps.logger.info(line);
  const target = plan.target;
  const [firstTag, ...moreTags] = plan.tags;
  if (builder !== 'buildx' && firstTag === undefined) throw new Error(`builder ${builder} needs a tag to push`);

  let auth: TempRegistryAuth | undefined;
  if (target.kind === 'registry' && target.credentials) {
    auth = writeTempRegistryAuth(target.registry, target.credentials, baseEnv);
  }
  const env = auth ? { ...baseEnv, DOCKER_CONFIG: auth.dockerConfigDir } : baseEnv;
  deps.logger.info(`building ${plan.context} with ${builder} for ${target.kind === 'registry' ? `${target.registry}/${target.repository}` : `oci-layout:${target.dir}`}`);

  try {
    let reported: string;
    let tagsLeft: string[] = moreTags;
    if (builder === 'buildx') {
      if (target.kind !== 'registry') throw new Error('unreachable: buildx with a layout target');
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-buildx-'));
      try {
        const result = await buildxBuild(
          {
            ...input,
            repository: `${target.registry}/${target.repository}`,
            tags: plan.tags,
            insecure: target.insecure,
            metadataFile: path.join(scratch, 'metadata.json'),
          },
          { env, runner: deps.runner, onLine, timeoutMs: deps.timeoutMs },
        );
        reported = result.digest;
        tagsLeft = [];
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    } else if (builder === 'docker') {
      if (target.kind !== 'registry') throw new Error('unreachable: docker with a layout target');
      if (target.insecure && !isLoopbackRegistry(target.registry)) {
        deps.logger.warn(`docker pushes to ${target.registry} over plain HTTP only if the daemon lists it in insecure-registries`);
      }
      const result = await dockerBuildAndPush(
        {
          ...input,
          repository: `${target.registry}/${target.repository}`,
          tags: [firstTag as string],
        },
        { dockerPath: deps.dockerPath, env, runner: deps.runner, onLine, timeoutMs: deps.timeoutMs },
      );
      reported = result.digest;
    } else {
      const destination: BuildahDestination =
        target.kind === 'registry'
          ? {
              kind: 'registry',
              reference: `${target.registry}/${target.repository}:${firstTag as string}`,
              insecure: target.insecure,
              authFile: auth?.authFile,
            }
          : { kind: 'oci-layout', dir: target.dir, tag: firstTag as string };
      const result = await buildahBuildAndPush(
        {
          ...input,
          localName: `localhost/ship-image-build:${randomBytes(6).toString('hex')}`,
        },
        [destination],
        { storage: deps.buildahStorage, env: baseEnv, runner: deps.runner, onLine, timeoutMs: deps.timeoutMs },
      );
      reported = result.digest;
    }

    // Trust the registry, not the builder's console: what the tag resolves to must be what was built.
    if (firstTag !== undefined) {
      const served = (await deps.store.resolve(firstTag)).digest;
      if (served !== reported) {
        throw new Error(`${builder} reported digest ${reported} but ${deps.store.location}:${firstTag} serves ${served}`);
      }
    }
    await applyTags(deps.store, reported, tagsLeft);
    const { descriptor, platforms } = await platformDigests(deps.store, reported);
    deps.logger.info(`built ${descriptor.digest} (${Object.keys(platforms).join(', ') || 'no platform'})`);
    return { digest: descriptor.digest, mediaType: descriptor.mediaType, size: descriptor.size, platforms, builtBy: builder };
  } finally {
    auth?.remove();
  }
}

function checkInputs(plan: BuildPlan): void {
  if (!fs.existsSync(plan.context) || !fs.statSync(plan.context).isDirectory()) {
    throw new UserError(`build context '${plan.context}' is not a directory; pass --context DIR`);
  }
  const dockerfile = plan.dockerfile ?? path.join(plan.context, 'Dockerfile');
  if (!fs.existsSync(dockerfile)) {
    throw new UserError(`Dockerfile '${dockerfile}' does not exist; pass --file PATH or add a Dockerfile to the context`);
  }
}

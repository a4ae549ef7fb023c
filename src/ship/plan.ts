import * as path from 'node:path';
import { UserError } from '../core/errors';
import type { Logger } from '../core/log';
import { buildContextFromEnv, withJobWorkflow, type BuildContext } from '../attest/statements';
import { allowsPlainHttp, planTags, resolveCommitSha, type TagPlan } from '../build/tags';
import type { BuildTarget } from '../build/types';
import { OciLayoutStore } from '../oci/layout';
import { OCI_LAYOUT_PREFIX } from '../oci/open';
import { formatReference, parseReference } from '../oci/reference';
import { RegistryClient, type RegistryClientOptions } from '../oci/registry';
import type { RepositoryStore } from '../oci/store';
import type { GitHubTokenClaims } from '../workflow-ref/claims';
import { readTokenClaims } from './identity-token';
import type { Suppressions } from '../scan/suppressions';
import type { ShipInputs } from './inputs';
import { loadSuppressions } from './suppressions';

/** Where the image and its referrers go. */
export type ShipTarget =
  | { kind: 'registry'; registry: string; repository: string; name: string; insecure: boolean }
  | { kind: 'oci-layout'; dir: string; name: string };

/** How the run reaches the outside world; the action and the CLI fill it differently. */
export interface ShipEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  logger: Logger;
  /** OIDC token for keyless signing (audience `sigstore`). */
  identityToken?: () => Promise<string>;
  now?: () => Date;
}

/** Everything decided before any work starts. */
export interface ShipPlan {
  inputs: ShipInputs;
  target: ShipTarget;
  store: RepositoryStore;
  registryOptions: RegistryClientOptions;
  client?: RegistryClient;
  tags: TagPlan;
  /** GitHub's claims in the token a keyless run signs with: visibility and the job's own workflow. */
  tokenClaims?: GitHubTokenClaims;
  /** Undefined outside a git checkout with an explicit --tag: then no provenance is attested. */
  buildContext?: BuildContext;
  buildTarget: BuildTarget;
  /** What the builder and the scanner use to reach the target registry. */
  targetCredentials?: { username: string; password: string };
  outputDir: string;
  /** The ignore-file and vex inputs, parsed: what the scan applies and the vuln attestation records. */
  suppressions: Suppressions;
}

export function parseTarget(image: string, insecureRegistries: readonly string[]): ShipTarget {
  if (image.startsWith(OCI_LAYOUT_PREFIX)) {
    const dir = image.slice(OCI_LAYOUT_PREFIX.length);
    if (!dir) throw new UserError(`image '${image}' names no directory; write ${OCI_LAYOUT_PREFIX}DIR`);
    return { kind: 'oci-layout', dir: path.resolve(dir), name: image };
  }
  const ref = parseReference(image);
  if (ref.tag || ref.digest) {
    throw new UserError(
      `image '${image}' carries a ${ref.digest ? 'digest' : 'tag'}; give the repository only (the tag is the commit SHA, extra tags go in tags)`,
    );
  }
  return {
    kind: 'registry',
    registry: ref.registry,
    repository: ref.repository,
    name: formatReference(ref),
    insecure: allowsPlainHttp(ref.registry, insecureRegistries),
  };
}

export async function planShip(inputs: ShipInputs, world: ShipEnvironment): Promise<ShipPlan> {
  const target = parseTarget(inputs.image, inputs.registry.insecureRegistries);
  const suppressions = await loadSuppressions(inputs, world.cwd, world.now?.());
  const commit = inputs.tag ? undefined : await resolveCommitSha(world.env, world.cwd);
  const tags = planTags({
    image: target.name,
    commitSha: commit,
    immutableTag: inputs.tag,
    extraTags: inputs.extraTags,
    branch: world.env.GITHUB_REF_NAME,
  });
  const { username, password, hostCredentials } = inputs.registry;
  // Explicit credentials are for the target only: a public --from image never receives them.
  const targetCredentials =
    target.kind === 'registry' ? (username && password ? { username, password } : hostCredentials?.[target.registry]) : undefined;
  const credentials = { ...hostCredentials, ...(target.kind === 'registry' && targetCredentials ? { [target.registry]: targetCredentials } : {}) };
  const registryOptions: RegistryClientOptions = {
    credentials,
    caPems: inputs.registry.caPems,
    insecureRegistries: inputs.registry.insecureRegistries,
    deadlineMs: inputs.registry.deadlineMs,
    env: world.env,
    logger: world.logger,
    userAgent: 'ship-image',
  };
  let store: RepositoryStore;
  let client: RegistryClient | undefined;
  let buildTarget: BuildTarget;
  if (target.kind === 'registry') {
    client = new RegistryClient(registryOptions);
    store = client.repository(target.registry, target.repository);
    buildTarget = {
      kind: 'registry',
      registry: target.registry,
      repository: target.repository,
      insecure: target.insecure,
      credentials: targetCredentials,
    };
  } else {
    store = new OciLayoutStore(target.dir);
    buildTarget = { kind: 'oci-layout', dir: target.dir };
  }
  const knownCommit = commit ?? (await resolveCommitSha(world.env, world.cwd).catch(() => undefined));
  const envContext = knownCommit || world.env.GITHUB_ACTIONS === 'true' ? buildContextFromEnv(world.env, { commit: knownCommit }) : undefined;
  const tokenClaims = inputs.sign === 'keyless' ? await readTokenClaims(world.identityToken, oidcIssuer(world.env)) : undefined;
  // Inside a reusable workflow only the token names the workflow that builds and signs.
  const buildContext =
    envContext && tokenClaims
      ? withJobWorkflow(envContext, {
          repository: tokenClaims.repository,
          sha: tokenClaims.sha,
          jobWorkflowRef: tokenClaims.job_workflow_ref,
          jobWorkflowSha: tokenClaims.job_workflow_sha,
        })
      : envContext;
  return {
    inputs,
    target,
    store,
    registryOptions,
    client,
    tags,
    tokenClaims,
    buildContext,
    buildTarget,
    targetCredentials,
    outputDir: path.resolve(world.cwd, inputs.outputDir),
    suppressions,
  };
}

/** The issuer whose tokens carry GitHub's job claims (a test stack may name its own). */
export function oidcIssuer(env: NodeJS.ProcessEnv): string {
  return env.SHIP_IMAGE_OIDC_ISSUER ?? 'https://token.actions.githubusercontent.com';
}

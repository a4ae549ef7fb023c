import { UserError } from '../core/errors';

/** Where and how the build ran: the input of SLSA provenance and of the vuln predicate's invocation. */
export interface BuildContext {
  /** `github` inside a GitHub Actions job, `local` elsewhere (CLI on a workstation or another CI). */
  ci: 'github' | 'local';
  /** e.g. `https://github.com` (GITHUB_SERVER_URL). */
  serverUrl: string;
  /** `owner/name` (GITHUB_REPOSITORY). */
  repository: string;
  repositoryId?: string;
  repositoryOwnerId?: string;
  /** The full git commit SHA built (GITHUB_SHA, or `git rev-parse HEAD` locally). */
  commit: string;
  /** e.g. `refs/heads/main` (GITHUB_REF). */
  ref: string;
  /** `owner/name/.github/workflows/x.yml@refs/heads/main` (GITHUB_WORKFLOW_REF). */
  workflowRef?: string;
  /**
   * The workflow file whose job is running, which differs from `workflowRef` inside a reusable
   * workflow. Only the OIDC token carries it (`job_workflow_ref`); callers that have it set it.
   */
  jobWorkflowRef?: string;
  /** The commit of `jobWorkflowRef`'s repository that ran (`job_workflow_sha`). */
  jobWorkflowSha?: string;
  runId?: string;
  runAttempt?: string;
  eventName?: string;
  /** `github-hosted` or `self-hosted` (RUNNER_ENVIRONMENT). */
  runnerEnvironment?: string;
}

/** What a local run knows that the environment does not tell (the caller runs git). */
export interface LocalBuildFacts {
  commit?: string;
  ref?: string;
  repository?: string;
}

const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Read the GitHub Actions job environment (GITHUB_*), or fall back to what a local run passes in. */
export function buildContextFromEnv(env: NodeJS.ProcessEnv, local: LocalBuildFacts = {}): BuildContext {
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  if (get('GITHUB_ACTIONS') === 'true') {
    const repository = get('GITHUB_REPOSITORY');
    const commit = get('GITHUB_SHA');
    if (!repository || !commit) {
      throw new UserError('GITHUB_ACTIONS is set but GITHUB_REPOSITORY or GITHUB_SHA is missing; run inside a GitHub Actions job or unset GITHUB_ACTIONS');
    }
    return {
      ci: 'github',
      serverUrl: (get('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, ''),
      repository,
      repositoryId: get('GITHUB_REPOSITORY_ID'),
      repositoryOwnerId: get('GITHUB_REPOSITORY_OWNER_ID'),
      commit,
      ref: get('GITHUB_REF') ?? local.ref ?? '',
      workflowRef: get('GITHUB_WORKFLOW_REF'),
      runId: get('GITHUB_RUN_ID'),
      runAttempt: get('GITHUB_RUN_ATTEMPT'),
      eventName: get('GITHUB_EVENT_NAME'),
      runnerEnvironment: get('RUNNER_ENVIRONMENT'),
    };
  }
  const commit = local.commit?.trim();
  if (!commit || !COMMIT.test(commit)) {
    throw new UserError('no git commit known for this local build; run it inside a git checkout or pass the commit SHA');
  }
  return {
    ci: 'local',
    serverUrl: (get('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/+$/, ''),
    repository: local.repository ?? get('GITHUB_REPOSITORY') ?? 'local/unknown',
    commit,
    ref: local.ref ?? '',
  };
}

/** `owner/name/.github/workflows/x.yml@refs/heads/main` -> its parts. */
export function splitWorkflowRef(workflowRef: string): { repository: string; path: string; ref: string } | undefined {
  const match = /^([^/]+\/[^/]+)\/(.+?)@(.+)$/.exec(workflowRef);
  if (!match) return undefined;
  return { repository: match[1] as string, path: match[2] as string, ref: match[3] as string };
}

/**
 * The context with the running job's own workflow, as the job's OIDC token names it. Only for the
 * token of this very run (same repository and commit): a token from elsewhere tells nothing of it.
 */
export function withJobWorkflow(
  ctx: BuildContext,
  job: { repository?: string; sha?: string; jobWorkflowRef?: string; jobWorkflowSha?: string },
): BuildContext {
  if (ctx.ci !== 'github' || !job.jobWorkflowRef || !splitWorkflowRef(job.jobWorkflowRef)) return ctx;
  if (job.repository?.toLowerCase() !== ctx.repository.toLowerCase() || job.sha !== ctx.commit) return ctx;
  const jobWorkflowSha = job.jobWorkflowSha && COMMIT.test(job.jobWorkflowSha) ? job.jobWorkflowSha : undefined;
  return { ...ctx, jobWorkflowRef: job.jobWorkflowRef, ...(jobWorkflowSha ? { jobWorkflowSha } : {}) };
}

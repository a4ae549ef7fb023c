// What a GitHub Actions OIDC token says about the job: the facts the reusable workflow and the signer
// trust because GitHub sets them, never the caller (docs: "Understanding the OIDC token").
import { UserError } from '../core/errors';

export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** The claims of a GitHub Actions job token this project reads (all strings, as GitHub sends them). */
export interface GitHubTokenClaims {
  iss: string;
  sub?: string;
  /** `owner/name` of the repository the run belongs to (the caller of a reusable workflow). */
  repository?: string;
  repository_owner?: string;
  /** `public`, `private` or `internal`. */
  repository_visibility?: string;
  ref?: string;
  sha?: string;
  /** The top-level workflow of the run: `owner/name/.github/workflows/x.yml@refs/heads/main`. */
  workflow_ref?: string;
  workflow_sha?: string;
  /** The workflow file whose job is running: the reusable workflow inside one, else `workflow_ref`. */
  job_workflow_ref?: string;
  job_workflow_sha?: string;
  event_name?: string;
  runner_environment?: string;
}

const CLAIM_NAMES = [
  'sub',
  'repository',
  'repository_owner',
  'repository_visibility',
  'ref',
  'sha',
  'workflow_ref',
  'workflow_sha',
  'job_workflow_ref',
  'job_workflow_sha',
  'event_name',
  'runner_environment',
] as const;

/**
 * The payload of a JWT, unverified: the token was just handed to this job by its own issuer, and
 * Fulcio verifies it again before any certificate names what it says.
 */
export function decodeTokenClaims(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) throw new UserError('the OIDC token is not a JWT (three dot-separated parts); pass the token the issuer handed out');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw new UserError('the OIDC token payload is not JSON; pass the token the issuer handed out');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new UserError('the OIDC token payload is not a JSON object; pass the token the issuer handed out');
  return payload as Record<string, unknown>;
}

/** GitHub's job claims, or undefined when the token comes from another issuer (then none of them hold). */
export function githubClaims(payload: Record<string, unknown>, issuer: string = GITHUB_ACTIONS_ISSUER): GitHubTokenClaims | undefined {
  if (payload.iss !== issuer) return undefined;
  const claims: GitHubTokenClaims = { iss: issuer };
  for (const name of CLAIM_NAMES) {
    const value = payload[name];
    if (typeof value === 'string' && value !== '') claims[name] = value;
  }
  return claims;
}

/** What a git ref names: a tag, a branch, a pull request ref, a bare commit SHA, or something else. */
export type RefKind = 'tag' | 'branch' | 'pull' | 'commit' | 'other';

export interface WorkflowRef {
  /** `owner/name` of the repository holding the workflow file. */
  repository: string;
  owner: string;
  /** e.g. `.github/workflows/ship.yml`. */
  path: string;
  /** As written after `@`: `refs/tags/v1.2.3`, `refs/heads/main`, `refs/pull/7/merge` or a commit SHA. */
  ref: string;
  refKind: RefKind;
}

const SHA = /^[0-9a-f]{40}$/;
// GitHub owner and repository names: letters, digits, `-`, `_`, `.` (never the path separator).
const WORKFLOW_REF = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)\/(\.github\/workflows\/[^@]+\.ya?ml)@(.+)$/;

export function refKind(ref: string): RefKind {
  if (SHA.test(ref)) return 'commit';
  if (/^refs\/tags\/./.test(ref)) return 'tag';
  if (/^refs\/heads\/./.test(ref)) return 'branch';
  if (/^refs\/pull\/\d+\/(merge|head)$/.test(ref)) return 'pull';
  return 'other';
}

/** `owner/name/.github/workflows/x.yml@<ref>` → its parts; undefined when it has another shape. */
export function parseWorkflowRef(text: string): WorkflowRef | undefined {
  const match = WORKFLOW_REF.exec(text);
  if (!match) return undefined;
  const [, owner, name, path, ref] = match as unknown as [string, string, string, string, string];
  if (name === '.' || name === '..') return undefined;
  return { repository: `${owner}/${name}`, owner, path, ref, refKind: refKind(ref) };
}

/** The workflow whose job is running, pinned to the commit GitHub resolved it to. */
export interface JobWorkflow extends WorkflowRef {
  /** The full commit SHA of the workflow file's repository that runs (`job_workflow_sha`). */
  sha: string;
  /** True when it is called by another workflow (`job_workflow_ref` differs from `workflow_ref`). */
  reusable: boolean;
}

/**
 * The running job's own workflow from `job_workflow_ref` / `job_workflow_sha`: what the reusable
 * workflow checks out to run its own action code, and what the signing certificate's SAN names.
 */
export function jobWorkflow(claims: GitHubTokenClaims): JobWorkflow {
  const text = claims.job_workflow_ref;
  if (!text) throw new UserError('the OIDC token carries no job_workflow_ref claim; run inside a GitHub Actions job with `permissions: id-token: write`');
  const parsed = parseWorkflowRef(text);
  if (!parsed) throw new UserError(`job_workflow_ref '${text}' is not owner/name/.github/workflows/FILE@REF; run inside a GitHub Actions job`);
  const sha = claims.job_workflow_sha;
  if (!sha || !SHA.test(sha)) throw new UserError(`the OIDC token's job_workflow_sha '${sha ?? ''}' is not a 40-hex commit SHA; run inside a GitHub Actions job`);
  if (parsed.refKind === 'commit' && parsed.ref !== sha) {
    throw new UserError(`job_workflow_ref pins commit ${parsed.ref} but job_workflow_sha is ${sha}; the token is inconsistent, do not sign with it`);
  }
  return { ...parsed, sha, reusable: claims.workflow_ref !== undefined && claims.workflow_ref !== text };
}

import { UserError } from '../core/errors';
import type { JobWorkflow } from './claims';

/** What the reusable workflow checked out to run as its action code. */
export interface SelfCheckout {
  /** `owner/name` the workflow asked actions/checkout for. */
  repository: string;
  /** The commit it asked for. */
  sha: string;
  /** `git rev-parse HEAD` of the checked-out directory, when it was read. */
  head?: string;
}

/**
 * The action code about to run must be the job workflow's own repository at its own commit, as the
 * OIDC token names them; anything else (a moving tag, the caller's tree) is refused.
 */
export function confirmSelfCheckout(job: JobWorkflow, checkout: SelfCheckout): void {
  if (checkout.repository.toLowerCase() !== job.repository.toLowerCase()) {
    throw new UserError(`the action code was checked out from ${checkout.repository} but this job's workflow is ${job.repository} (job_workflow_ref); check out ${job.repository}`);
  }
  if (checkout.sha.toLowerCase() !== job.sha) {
    throw new UserError(`the action code was checked out at ${checkout.sha} but this job's workflow runs at ${job.sha} (job_workflow_sha); check out that commit`);
  }
  if (checkout.head !== undefined && checkout.head.trim().toLowerCase() !== job.sha) {
    throw new UserError(`the checked-out action directory is at ${checkout.head.trim() || 'no commit'}, not ${job.sha}; check out ${job.repository}@${job.sha} into it`);
  }
}

/** The certificate SAN a signature made in this job carries: `<server>/<job_workflow_ref>`. */
export function signerIdentity(job: JobWorkflow, serverUrl = 'https://github.com'): string {
  return `${serverUrl.replace(/\/+$/, '')}/${job.repository}/${job.path}@${job.ref}`;
}

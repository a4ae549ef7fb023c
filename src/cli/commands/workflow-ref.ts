import { appendFileSync } from 'node:fs';
import { UserError } from '../../core/errors';
import { addSecret } from '../../core/log';
import { probeOutput } from '../../tools/exec';
import { decodeTokenClaims, githubClaims, jobWorkflow, type JobWorkflow } from '../../workflow-ref/claims';
import { fetchActionsIdToken } from '../../workflow-ref/actions-id-token';
import { confirmSelfCheckout, signerIdentity } from '../../workflow-ref/self-checkout';
import { flagCommand, type Command } from '../command';

const USAGE = 'ship-image workflow-ref [--repository OWNER/NAME --sha SHA [--dir DIR]]';

const HELP = `usage: ${USAGE}

Inside a GitHub Actions job (permissions: id-token: write): reads the job's OIDC token and prints the
running workflow's own repository, path, ref and commit (job_workflow_ref / job_workflow_sha), and the
certificate identity a signature made in this job carries. Also written to GITHUB_OUTPUT when set.

With --repository and --sha (and --dir, the checked-out directory), fails unless they are that
workflow's own repository and commit: the reusable workflow's check that it runs its own action code.

options:
  --repository OWNER/NAME   the repository the action code was checked out from
  --sha SHA                 the commit it was checked out at
  --dir DIR                 the checked-out directory (its HEAD must be that commit)
`;

const FLAGS = {
  repository: { type: 'string' },
  sha: { type: 'string' },
  dir: { type: 'string' },
} as const;

export interface WorkflowRefDeps {
  env: NodeJS.ProcessEnv;
  /** A token of the job (audience is not checked; only the claims are read). */
  idToken(): Promise<string>;
  gitHead(dir: string): Promise<string | undefined>;
  writeStdout(text: string): void;
}

export function makeWorkflowRefCommand(deps: WorkflowRefDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (positionals.length > 0) throw new UserError(`workflow-ref takes no arguments, got '${positionals[0]}'; usage: ${USAGE}`);
    if ((values.repository === undefined) !== (values.sha === undefined)) throw new UserError(`give --repository and --sha together; usage: ${USAGE}`);
    if (values.dir !== undefined && values.sha === undefined) throw new UserError(`--dir needs --repository and --sha; usage: ${USAGE}`);
    if (!deps.env.ACTIONS_ID_TOKEN_REQUEST_URL || !deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new UserError('no GitHub Actions OIDC token endpoint; run inside a job with `permissions: id-token: write`');
    }
    const token = await deps.idToken();
    addSecret(token);
    const claims = githubClaims(decodeTokenClaims(token));
    if (!claims) throw new UserError('the OIDC token is not from GitHub Actions (iss); run inside a GitHub Actions job');
    const job = jobWorkflow(claims);
    if (values.repository !== undefined && values.sha !== undefined) {
      confirmSelfCheckout(job, {
        repository: values.repository,
        sha: values.sha,
        head: values.dir === undefined ? undefined : ((await deps.gitHead(values.dir)) ?? ''),
      });
    }
    const facts = describe(job, deps.env.GITHUB_SERVER_URL);
    if (deps.env.GITHUB_OUTPUT) appendFileSync(deps.env.GITHUB_OUTPUT, Object.entries(facts).map(([k, v]) => `${k}=${v}\n`).join(''));
    deps.writeStdout(JSON.stringify(facts, null, 2) + '\n');
    return 0;
  });
}

function describe(job: JobWorkflow, serverUrl: string | undefined): Record<string, string> {
  return {
    repository: job.repository,
    path: job.path,
    ref: job.ref,
    'ref-kind': job.refKind,
    sha: job.sha,
    reusable: String(job.reusable),
    identity: signerIdentity(job, serverUrl),
  };
}

export const command = makeWorkflowRefCommand({
  env: process.env,
  idToken: async () => {
    const token = await fetchActionsIdToken({ url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '', requestToken: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '', audience: 'ship-image' });
    process.stdout.write(`::add-mask::${token}\n`); // as @actions/core's getIDToken: the runner masks it in the log
    return token;
  },
  gitHead: (dir) => probeOutput({ command: 'git', args: ['-C', dir, 'rev-parse', '--verify', 'HEAD^{commit}'], env: process.env }),
  writeStdout: (text) => process.stdout.write(text),
});

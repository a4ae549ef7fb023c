import * as core from '@actions/core';
import { oneLine, UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';
import { postResults } from '../prcheck/post-results';
import { input, secret } from './inputs';

// The pr-comment sub-action: posts the pr-check results downloaded into `results-dir` as one
// sticky comment per image. Runs in a workflow_run job that never checks out the PR's code.

async function run(): Promise<void> {
  try {
    const token = secret(input('github-token'));
    if (!token) throw new UserError('input github-token is empty; pass ${{ github.token }} with permissions pull-requests: write');
    const repository = input('repository') ?? process.env.GITHUB_REPOSITORY ?? '';
    const [owner, repo, ...rest] = repository.split('/');
    if (!owner || !repo || rest.length > 0) throw new UserError(`repository '${repository}' is not owner/name`);
    const headSha = input('head-sha');
    if (!headSha || !/^[0-9a-f]{40}$/.test(headSha)) throw new UserError('input head-sha must be the 40-hex head SHA of the workflow run (github.event.workflow_run.head_sha)');
    const posted = await postResults({
      api: { baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com', token },
      repo: { owner, repo },
      dir: input('results-dir') ?? 'pr-check-results',
      headSha,
      author: input('comment-author') ?? 'github-actions[bot]',
      runUrl: input('run-url'),
    });
    for (const p of posted) {
      core.info(inertText(p.skipped ? `${p.image}: not posted: ${p.skipped}` : `${p.image}: comment ${p.result!.action} on #${p.pullRequest} (${p.result!.url ?? p.result!.id})`, { max: 2000 }));
    }
    core.setOutput('comments', JSON.stringify(posted.map((p) => ({ image: p.image, pullRequest: p.pullRequest ?? null, action: p.result?.action ?? 'skipped', id: p.result?.id ?? null }))));
  } catch (err) {
    core.setFailed(inertText(oneLine(err), { max: 4000 }));
  }
}

void run();

import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { readFileCappedAsync } from '../core/read-capped';
import { ARTIFACT_FILE, ARTIFACT_MAX_BYTES, ARTIFACT_MAX_RESULTS, parsePrCheckArtifact, summaryFromArtifact } from './artifact';
import { summaryMarkdown } from './render';
import { findPullRequest, upsertStickyComment, type GitHubApi, type Repo, type StickyResult } from './sticky-comment';

export interface PostRequest {
  api: GitHubApi;
  repo: Repo;
  /** Where the artifacts were downloaded (each in its own folder). */
  dir: string;
  /** The head SHA of the workflow run (from the trusted workflow_run event, not from the artifact). */
  headSha: string;
  /** The token's bot user: only its comments are ever updated. */
  author: string;
  /** The run holding the artifacts, linked from a cut summary. */
  runUrl?: string;
}

export interface Posted {
  image: string;
  pullRequest?: number;
  result?: StickyResult;
  /** Why nothing was posted for this result. */
  skipped?: string;
}

/** Every pr-check result file under `dir` (one per image), at most ARTIFACT_MAX_RESULTS. */
export async function resultFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory() && depth < 2) await walk(path.join(d, e.name), depth + 1);
      else if (e.isFile() && e.name === ARTIFACT_FILE) found.push(path.join(d, e.name));
    }
  };
  await walk(dir, 0);
  if (found.length > ARTIFACT_MAX_RESULTS) throw new UserError(`${found.length} pr-check results under ${dir}, more than the ${ARTIFACT_MAX_RESULTS} one run may post; refusing`);
  if (found.length === 0) throw new UserError(`no ${ARTIFACT_FILE} under ${dir}; download the pr-check run's artifacts there first`);
  return found.sort();
}

/**
 * Reads, checks and posts each result: refused unless it is for this run's head SHA, posted on the
 * open PR whose head is that SHA (none in a merge queue: skipped), rendered by our renderer.
 */
export async function postResults(req: PostRequest): Promise<Posted[]> {
  const out: Posted[] = [];
  for (const file of await resultFiles(req.dir)) {
    const result = parsePrCheckArtifact(await readFileCappedAsync(file, ARTIFACT_MAX_BYTES, { what: 'the pr-check result' }), path.relative(req.dir, file));
    if (result.headSha !== req.headSha) {
      throw new UserError(`${path.relative(req.dir, file)} is for commit ${result.headSha}, not this run's ${req.headSha}; refusing to post it`);
    }
    const pr = await findPullRequest(req.api, req.repo, req.headSha, result.pullRequest);
    if (pr === undefined) {
      out.push({ image: result.image, skipped: `no open pull request has head ${req.headSha} (a merge-queue run, or the PR moved on)` });
      continue;
    }
    const markdown = summaryMarkdown(summaryFromArtifact(result), { fullReport: path.basename(path.dirname(file)), fullReportUrl: req.runUrl });
    const posted = await upsertStickyComment(req.api, req.repo, pr, { image: result.image, platforms: result.platforms }, markdown, req.author);
    out.push({ image: result.image, pullRequest: pr, result: posted });
  }
  return out;
}

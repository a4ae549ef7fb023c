import { getOctokit } from '@actions/github';
import { UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';
import { GITHUB_COMMENT_MAX } from './render';

// One comment per image and platform set on a pull request, found again by a hidden marker and
// by its author, updated in place. GitHub's REST API through octokit: list issue comments,
// create, update; pulls by head SHA.

type Octokit = ReturnType<typeof getOctokit>;

export interface GitHubApi {
  /** https://api.github.com, or GHES's /api/v3 (GITHUB_API_URL). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
}

export interface Repo {
  owner: string;
  repo: string;
}

export interface StickyKey {
  image: string;
  platforms: readonly string[];
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

/** Percent-encoding keeps `--`, `>` and line breaks out of the HTML comment. */
const enc = (s: string) => encodeURIComponent(s).replace(/-/g, '%2D').replace(/[!'()*~.]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The first line of a sticky comment: which image and platforms it is about. */
export function stickyMarker(key: StickyKey): string {
  const platforms = [...key.platforms].sort().join(',');
  return `<!-- ship-image:pr-check image=${enc(key.image)} platforms=${enc(platforms)} -->`;
}

/**
 * An octokit for `a`: GitHub's own client (Link pagination, errors as RequestError), with one
 * guard: a request to another origin than the API's (a hostile `Link: rel="next"`) is refused, the
 * token would go with it.
 */
export function githubClient(a: GitHubApi): Octokit {
  const baseUrl = a.baseUrl.replace(/\/+$/, '');
  const origin = new URL(baseUrl).origin;
  const octokit = getOctokit(a.token, { baseUrl, userAgent: 'ship-image', request: a.fetch ? { fetch: a.fetch } : {} });
  octokit.hook.before('request', (options) => {
    const target = /^https?:\/\//i.test(options.url) ? new URL(options.url).origin : origin;
    if (target !== origin) throw new UserError(`GitHub API pagination pointed to ${target}, not ${origin}; refusing to send the token there`);
  });
  return octokit;
}

/** Runs one API call; GitHub's refusals become one-line UserErrors that say what to grant. */
async function call<T>(what: string, run: () => Promise<{ data: T }>): Promise<T> {
  try {
    return (await run()).data;
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    if (err instanceof UserError || typeof status !== 'number') throw err;
    const message = inertText(((err as { response?: { data?: { message?: unknown } } }).response?.data?.message as string | undefined) ?? (err as Error).message, { max: 300 });
    const hint = status === 403 || status === 404 ? ': the token cannot do this; the comment job needs `permissions: pull-requests: write`' : '';
    throw new UserError(`GitHub API ${what} answered ${status} (${message})${hint}`);
  }
}

/** Every comment of an issue or PR, all pages (capped at 100 pages of 100). */
export async function listComments(a: GitHubApi, r: Repo, issue: number): Promise<IssueComment[]> {
  const octokit = githubClient(a);
  const out: IssueComment[] = [];
  let page = 0;
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: r.owner, repo: r.repo, issue_number: issue, per_page: 100 });
  await call('GET issue comments', async () => {
    for await (const { data } of pages) {
      out.push(...data);
      if (++page >= 100) break;
    }
    return { data: undefined };
  });
  return out;
}

export interface StickyResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url?: string;
}

/**
 * Posts `markdown` as the sticky comment for `key` on PR `issue`, or updates the one already there:
 * a comment counts as ours only when its first line is this key's marker AND its author is
 * `author` (the token's bot user, e.g. `github-actions[bot]`). Anyone else's comment is never touched.
 */
export async function upsertStickyComment(a: GitHubApi, r: Repo, issue: number, key: StickyKey, markdown: string, author: string): Promise<StickyResult> {
  const marker = stickyMarker(key);
  const body = `${marker}\n${markdown}`;
  if (body.length > GITHUB_COMMENT_MAX) throw new UserError(`the comment is ${body.length} characters, more than GitHub's ${GITHUB_COMMENT_MAX}; render it with ship-image summarize (which cuts it)`);
  const ours = (await listComments(a, r, issue)).filter((c) => c.user?.login === author && typeof c.body === 'string' && c.body.split('\n', 1)[0] === marker);
  const existing = ours.sort((x, y) => x.id - y.id)[0];
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.html_url };
    const octokit = githubClient(a);
    const data = await call('PATCH issue comment', () => octokit.rest.issues.updateComment({ owner: r.owner, repo: r.repo, comment_id: existing.id, body }));
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const octokit = githubClient(a);
  const data = await call('POST issue comment', () => octokit.rest.issues.createComment({ owner: r.owner, repo: r.repo, issue_number: issue, body }));
  return { action: 'created', id: data.id, url: data.html_url };
}

interface PullRequest {
  number: number;
  state?: string;
  head?: { sha?: string };
}

/**
 * The open PR whose head is `headSha`: the artifact's claimed number is only taken when that PR's
 * head really is this SHA; else the open PRs are searched (a workflow_run's `pull_requests` is
 * empty for forks). Undefined when none matches (a merge-queue run, or a PR pushed since).
 */
export async function findPullRequest(a: GitHubApi, r: Repo, headSha: string, claimed: number | null): Promise<number | undefined> {
  const octokit = githubClient(a);
  if (claimed !== null) {
    const data: PullRequest = await call('GET pull request', () => octokit.rest.pulls.get({ owner: r.owner, repo: r.repo, pull_number: claimed }));
    if (data.head?.sha === headSha) return data.number;
  }
  const pages = octokit.paginate.iterator(octokit.rest.pulls.list, { owner: r.owner, repo: r.repo, state: 'open', per_page: 100 });
  return call('GET pull requests', async () => {
    let page = 0;
    for await (const { data } of pages) {
      const hit = (data as PullRequest[]).find((p) => p.head?.sha === headSha);
      if (hit) return { data: hit.number };
      if (++page >= 50) break;
    }
    return { data: undefined };
  });
}

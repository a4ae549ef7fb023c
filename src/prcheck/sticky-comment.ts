import { UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';
import { GITHUB_COMMENT_MAX } from './render';

// One comment per image and platform set on a pull request, found again by a hidden marker and
// by its author, updated in place. GitHub's REST API through fetch: list issue comments (Link
// pagination), create, update; pulls by head SHA.

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

async function call<T>(api: GitHubApi, method: string, url: string, body?: unknown): Promise<{ data: T; next?: string }> {
  const res = await (api.fetch ?? fetch)(url, {
    method,
    headers: {
      authorization: `Bearer ${api.token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'ship-image',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) {
    const message = inertText((() => { try { return (JSON.parse(text) as { message?: string }).message ?? text; } catch { return text; } })(), { max: 300 });
    const hint = res.status === 403 || res.status === 404 ? ': the token cannot do this; the comment job needs `permissions: pull-requests: write`' : '';
    throw new UserError(`GitHub API ${method} ${new URL(url).pathname} answered ${res.status} (${message})${hint}`);
  }
  return { data: (text ? JSON.parse(text) : undefined) as T, next: nextLink(res.headers.get('link'), api.baseUrl) };
}

/** rel="next" of a Link header, only when it stays on the API's origin (the token goes with it). */
export function nextLink(header: string | null, baseUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]+)>\s*;\s*rel="?next"?\s*$/.exec(part);
    if (!m) continue;
    const url = new URL(m[1]!);
    if (url.origin !== new URL(baseUrl).origin) throw new UserError(`GitHub API pagination pointed to ${url.origin}, not ${new URL(baseUrl).origin}; refusing to send the token there`);
    return url.toString();
  }
  return undefined;
}

const api = (a: GitHubApi, path: string) => `${a.baseUrl.replace(/\/+$/, '')}${path}`;

/** Every comment of an issue or PR, all pages (capped at 100 pages of 100). */
export async function listComments(a: GitHubApi, r: Repo, issue: number): Promise<IssueComment[]> {
  const out: IssueComment[] = [];
  let url: string | undefined = api(a, `/repos/${enc(r.owner)}/${enc(r.repo)}/issues/${issue}/comments?per_page=100`);
  for (let page = 0; url && page < 100; page++) {
    const { data, next }: { data: IssueComment[]; next?: string } = await call<IssueComment[]>(a, 'GET', url);
    out.push(...data);
    url = next;
  }
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
    const { data } = await call<IssueComment>(a, 'PATCH', api(a, `/repos/${enc(r.owner)}/${enc(r.repo)}/issues/comments/${existing.id}`), { body });
    return { action: 'updated', id: data.id, url: data.html_url };
  }
  const { data } = await call<IssueComment>(a, 'POST', api(a, `/repos/${enc(r.owner)}/${enc(r.repo)}/issues/${issue}/comments`), { body });
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
  if (claimed !== null) {
    const { data } = await call<PullRequest>(a, 'GET', api(a, `/repos/${enc(r.owner)}/${enc(r.repo)}/pulls/${claimed}`));
    if (data.head?.sha === headSha) return data.number;
  }
  let url: string | undefined = api(a, `/repos/${enc(r.owner)}/${enc(r.repo)}/pulls?state=open&per_page=100`);
  for (let page = 0; url && page < 50; page++) {
    const { data, next }: { data: PullRequest[]; next?: string } = await call<PullRequest[]>(a, 'GET', url);
    const hit = data.find((p) => p.head?.sha === headSha);
    if (hit) return hit.number;
    url = next;
  }
  return undefined;
}

/**
 * TEST DOUBLE of GitHub's REST API, the few endpoints the pr-comment job calls (GitHub itself
 * cannot run here). A loopback HTTP server speaking the documented wire format:
 *   - GET    /repos/{owner}/{repo}/issues/{n}/comments?per_page=&page=  (Link: rel="next"/"last")
 *   - POST   /repos/{owner}/{repo}/issues/{n}/comments                  201 {id, body, user, html_url}
 *   - PATCH  /repos/{owner}/{repo}/issues/comments/{id}                 200
 *   - GET    /repos/{owner}/{repo}/pulls/{n}, GET /repos/{owner}/{repo}/pulls?state=open
 *   - POST   /repos/{owner}/{repo}/issues                               201 {number, title, body, labels, state}
 *   - GET    /repos/{owner}/{repo}/issues?state=&labels=&per_page=&page= (Link pagination)
 *   - PATCH  /repos/{owner}/{repo}/issues/{n}                           200 (state, state_reason)
 * Tokens map to users; a read-only token gets 403 "Resource not accessible by integration" on
 * writes, an unknown one 401. Like GitHub, a token that can write may edit anyone's comment: not
 * touching other authors' comments is the client's job, which is what the tests check.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DoubleUser {
  login: string;
  type: 'Bot' | 'User';
  write: boolean;
}

export interface DoubleComment {
  id: number;
  body: string;
  user: { login: string; id: number; type: string };
  html_url: string;
  created_at: string;
  updated_at: string;
}

export interface DoubleIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: Array<{ name: string }>;
  user: { login: string; type: string };
  html_url: string;
}

export interface GitHubApiDouble {
  url: string;
  /** issues by `owner/repo` */
  issues: Map<string, DoubleIssue[]>;
  /** comments by `owner/repo#n` */
  comments: Map<string, DoubleComment[]>;
  pulls: Map<string, Array<{ number: number; state: string; head: { sha: string } }>>;
  /** every request seen, `METHOD path` */
  requests: string[];
  addComment(repo: string, issue: number, login: string, body: string): DoubleComment;
  stop(): Promise<void>;
}

export async function startGitHubApiDouble(tokens: Record<string, DoubleUser>, opts: { maxPerPage?: number } = {}): Promise<GitHubApiDouble> {
  const comments = new Map<string, DoubleComment[]>();
  const pulls = new Map<string, Array<{ number: number; state: string; head: { sha: string } }>>();
  const issues = new Map<string, DoubleIssue[]>();
  const requests: string[] = [];
  let nextId = 1000;
  let base = '';
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const makeComment = (repo: string, login: string, type: string, body: string): DoubleComment => {
    const id = nextId++;
    return { id, body, user: { login, id: login.length, type }, html_url: `https://github.com/${repo}/pull/1#issuecomment-${id}`, created_at: now(), updated_at: now() };
  };
  const addComment = (repo: string, issue: number, login: string, body: string) => {
    const c = makeComment(repo, login, login.endsWith('[bot]') ? 'Bot' : 'User', body);
    comments.set(`${repo}#${issue}`, [...(comments.get(`${repo}#${issue}`) ?? []), c]);
    return c;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      const auth = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '');
      const user = auth ? tokens[auth[1]!] : undefined;
      if (!user) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      const write = req.method !== 'GET';
      if (write && !user.write) return send(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/issues/comments', status: '403' });
      let body: { body?: unknown; title?: unknown; labels?: unknown; state?: unknown; state_reason?: unknown } = {};
      if (write) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
        } catch {
          return send(400, { message: 'Problems parsing JSON' });
        }
      }
      let im: RegExpExecArray | null;
      if ((im = /^\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+))?$/.exec(url.pathname))) {
        const repo = `${decodeURIComponent(im[1]!)}/${decodeURIComponent(im[2]!)}`;
        const list = issues.get(repo) ?? [];
        if (req.method === 'POST' && !im[3]) {
          if (typeof body.title !== 'string' || body.title === '') return send(422, { message: 'Invalid request.\n\n"title" wasn\'t supplied.' });
          const number = list.length + 1;
          const issue: DoubleIssue = {
            number,
            title: body.title,
            body: typeof body.body === 'string' ? body.body : '',
            state: 'open',
            state_reason: null,
            labels: (Array.isArray(body.labels) ? body.labels : []).map((name) => ({ name: String(name) })),
            user: { login: user.login, type: user.type },
            html_url: `https://github.com/${repo}/issues/${number}`,
          };
          issues.set(repo, [...list, issue]);
          return send(201, issue);
        }
        if (req.method === 'GET' && !im[3]) {
          const state = url.searchParams.get('state') ?? 'open';
          const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
          const all = list.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.some((x) => x.name === l)));
          const per = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100, opts.maxPerPage ?? 100);
          const page = Number(url.searchParams.get('page') ?? 1);
          const last = Math.max(1, Math.ceil(all.length / per));
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          return send(200, all.slice((page - 1) * per, page * per), page < last ? { link: `<${next.toString()}>; rel="next"` } : {});
        }
        if (req.method === 'PATCH' && im[3]) {
          const issue = list.find((i) => i.number === Number(im![3]));
          if (!issue) return send(404, { message: 'Not Found' });
          if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
          if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
          return send(200, issue);
        }
      }
      if (write) {
        if (typeof body.body !== 'string') return send(422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' });
        if (body.body.length > 65536) return send(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }] });
      }
      let m: RegExpExecArray | null;
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname))) {
        const repo = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
        const key = `${repo}#${m[3]}`;
        if (req.method === 'GET') {
          const all = comments.get(key) ?? [];
          const per = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100, opts.maxPerPage ?? 100);
          const page = Number(url.searchParams.get('page') ?? 1);
          const last = Math.max(1, Math.ceil(all.length / per));
          const link = (p: number, rel: string) => {
            const u = new URL(url);
            u.searchParams.set('page', String(p));
            return `<${u.toString()}>; rel="${rel}"`;
          };
          const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
          return send(200, all.slice((page - 1) * per, page * per), links.length ? { link: links.join(', ') } : {});
        }
        if (req.method === 'POST') {
          const c = makeComment(repo, user.login, user.type, body.body as string);
          comments.set(key, [...(comments.get(key) ?? []), c]);
          return send(201, c, { location: `${base}/repos/${repo}/issues/comments/${c.id}` });
        }
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)) && req.method === 'PATCH') {
        for (const list of comments.values()) {
          const c = list.find((x) => x.id === Number(m![3]));
          if (c) {
            c.body = body.body as string;
            c.updated_at = now();
            return send(200, c);
          }
        }
        return send(404, { message: 'Not Found' });
      }
      if ((m = /^\/repos\/([^/]+)\/([^/]+)\/pulls(?:\/(\d+))?$/.exec(url.pathname)) && req.method === 'GET') {
        const list = pulls.get(`${m[1]}/${m[2]}`) ?? [];
        if (m[3]) {
          const p = list.find((x) => x.number === Number(m![3]));
          return p ? send(200, p) : send(404, { message: 'Not Found' });
        }
        return send(200, list.filter((p) => (url.searchParams.get('state') ?? 'open') === 'all' || p.state === (url.searchParams.get('state') ?? 'open')));
      }
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    issues,
    comments,
    pulls,
    requests,
    addComment,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { UserError } from '../core/errors';
import { listComments } from './sticky-comment';

/** A fetch that answers each listed URL with its page and Link header, and records what was asked. */
function pagedFetch(pages: Record<string, { body: unknown[]; link?: string }>): { fetch: typeof fetch; asked: string[]; auth: string[] } {
  const asked: string[] = [];
  const auth: string[] = [];
  const f = (async (url: string | URL, init?: RequestInit) => {
    asked.push(String(url));
    auth.push(String(new Headers(init?.headers).get('authorization')));
    const page = pages[String(url)];
    if (!page) return new Response('{"message":"Not Found"}', { status: 404, headers: { 'content-type': 'application/json' } });
    return new Response(JSON.stringify(page.body), { status: 200, headers: { 'content-type': 'application/json', ...(page.link ? { link: page.link } : {}) } });
  }) as unknown as typeof fetch;
  return { fetch: f, asked, auth };
}

const FIRST = 'https://api.github.com/repos/acme/app/issues/7/comments?per_page=100';

describe('listComments pagination', () => {
  test('follows rel="next" through every page on the API origin', async () => {
    const f = pagedFetch({
      [FIRST]: { body: [{ id: 1 }], link: '<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="last"' },
      'https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2': { body: [{ id: 2 }] },
    });
    const comments = await listComments({ baseUrl: 'https://api.github.com', token: 'tok-1', fetch: f.fetch }, { owner: 'acme', repo: 'app' }, 7);
    expect(comments.map((c) => c.id)).toEqual([1, 2]);
    expect(f.auth).toEqual(['token tok-1', 'token tok-1']);
  });

  test('a next page on another origin is refused before anything is sent there: the token would go with it', async () => {
    const f = pagedFetch({ [FIRST]: { body: [{ id: 1 }], link: '<https://evil.example/x?page=2>; rel="next"' } });
    const err = await listComments({ baseUrl: 'https://api.github.com', token: 'tok-1', fetch: f.fetch }, { owner: 'acme', repo: 'app' }, 7).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/pointed to https:\/\/evil\.example.*refusing to send the token there/);
    expect(f.asked).toEqual([FIRST]);
  });

  test("GitHub's refusal is one line that says what to grant", async () => {
    const f = pagedFetch({});
    await expect(listComments({ baseUrl: 'https://api.github.com', token: 't', fetch: f.fetch }, { owner: 'acme', repo: 'app' }, 7)).rejects.toThrow(
      /GitHub API GET issue comments answered 404 \(Not Found\): the token cannot do this; the comment job needs `permissions: pull-requests: write`/,
    );
  });
});

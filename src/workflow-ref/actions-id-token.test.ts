import { fetchActionsIdToken } from './actions-id-token';

function fakeFetch(answers: Array<[number, string]>): { fetch: typeof fetch; urls: string[]; auth: string[] } {
  const urls: string[] = [];
  const auth: string[] = [];
  const queue = [...answers];
  const f = (async (url: URL, init: RequestInit) => {
    urls.push(String(url));
    auth.push(String((init.headers as Record<string, string>).Authorization));
    const [status, body] = queue.shift()!;
    return new Response(body, { status });
  }) as unknown as typeof fetch;
  return { fetch: f, urls, auth };
}

describe('fetchActionsIdToken', () => {
  test('asks for the audience with the request token, returns the value', async () => {
    const f = fakeFetch([[200, '{"value":"eyJ.a.b"}']]);
    await expect(fetchActionsIdToken({ url: 'https://runner.example/idtoken?api-version=2.0', requestToken: 'req-123', audience: 'ship-image', fetch: f.fetch })).resolves.toBe('eyJ.a.b');
    expect(f.urls).toEqual(['https://runner.example/idtoken?api-version=2.0&audience=ship-image']);
    expect(f.auth).toEqual(['Bearer req-123']);
  });

  test('retries a 5xx, not a 403; the error says what to do and never holds the request token', async () => {
    const retried = fakeFetch([
      [503, ''],
      [200, '{"value":"tok"}'],
    ]);
    await expect(fetchActionsIdToken({ url: 'https://r.example/t', requestToken: 'req-secret', audience: 'a', fetch: retried.fetch })).resolves.toBe('tok');
    const refused = fakeFetch([[403, 'denied']]);
    const err = await fetchActionsIdToken({ url: 'https://r.example/t', requestToken: 'req-secret', audience: 'a', fetch: refused.fetch }).catch((e: Error) => e);
    expect(refused.urls).toHaveLength(1);
    expect((err as Error).message).toMatch(/HTTP 403.*id-token: write/);
    expect((err as Error).message).not.toContain('req-secret');
  });

  test('an answer without a token is an error', async () => {
    const f = fakeFetch([[200, '{}']]);
    await expect(fetchActionsIdToken({ url: 'https://r.example/t', requestToken: 'x', audience: 'a', fetch: f.fetch })).rejects.toThrow(/without a token/);
  });
});

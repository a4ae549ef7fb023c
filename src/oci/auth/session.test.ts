import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../core/log';
import { HttpTransport } from '../http';
import { CredentialResolver } from './credentials';
import { RegistrySession } from './session';
import { TokenCache } from './token';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

/**
 * A fake token-auth registry on loopback: /token issues tokens naming their scopes; /v2/<name>/...
 * requires a token whose scopes include what `needs(path)` says.
 */
async function fakeTokenRegistry(opts: { needs: (path: string) => string[]; tokenBody?: (scopes: string[], n: number) => object; expose?: (path: string) => string }) {
  const seen: Seen[] = [];
  let issued = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        const scopes = req.method === 'POST' ? (new URLSearchParams(body).get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
        issued++;
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(opts.tokenBody ? opts.tokenBody(scopes, issued) : { token: `tok${issued}|${scopes.join(' ')}`, expires_in: 300 }));
        return;
      }
      const needed = opts.needs(url.pathname);
      const held = (req.headers.authorization ?? '').replace(/^Bearer tok\d+\|/, '').split(' ');
      if (!req.headers.authorization?.startsWith('Bearer ') || !needed.every((s) => held.includes(s))) {
        const scope = opts.expose ? opts.expose(url.pathname) : needed.join(' ');
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${req.headers.host}/token",service="fake",scope="${scope}",error="insufficient_scope"` });
        res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
        return;
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    seen,
    issued: () => issued,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describe('RegistrySession', () => {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });
  function session(host: string, creds: ConstructorParameters<typeof CredentialResolver>[0] = {}, logger?: Logger) {
    const transport = new HttpTransport({ backoffBaseMs: 1, logger });
    cleanups.push(() => transport.close());
    const credentials = new CredentialResolver({ env: { HOME: '/nonexistent' }, ...creds });
    return { s: new RegistrySession(host, { transport, credentials, tokens: new TokenCache(), logger }), transport };
  }
  const op = (registry: string) => ({ registry, operation: 'GET test' });

  it('answers the first 401 with a token for the request scope, then reuses it', async () => {
    const reg = await fakeTokenRegistry({ needs: (p) => [`repository:${p.split('/')[2]}:pull`] });
    cleanups.push(reg.close);
    const { s } = session(reg.host, { username: 'u', password: 'p-secret' });
    const scopes = ['repository:a:pull'];
    expect((await s.send({ method: 'GET', target: '/v2/a/x', scopes, op: op(reg.host) })).status).toBe(200);
    expect((await s.send({ method: 'GET', target: '/v2/a/y', scopes, op: op(reg.host) })).status).toBe(200);
    expect(reg.issued()).toBe(1);
    const tokenRequest = reg.seen.find((r) => r.url.startsWith('/token'))!;
    expect(tokenRequest.url).toBe('/token?service=fake&scope=repository%3Aa%3Apull');
    expect(tokenRequest.authorization).toBe(`Basic ${Buffer.from('u:p-secret').toString('base64')}`);
    // 401, token, 200, then straight 200 with the cached token.
    expect(reg.seen.map((r) => r.url)).toEqual(['/v2/a/x', tokenRequest.url, '/v2/a/x', '/v2/a/y']);
  });

  it('drops the token and retries once with the wider scope the registry asks for', async () => {
    const reg = await fakeTokenRegistry({ needs: (p) => (p.includes('mount') ? ['repository:dst:pull,push', 'repository:src:pull'] : ['repository:dst:pull,push']) });
    cleanups.push(reg.close);
    const { s } = session(reg.host, { username: 'u', password: 'p' });
    const scopes = ['repository:dst:pull,push'];
    expect((await s.send({ method: 'GET', target: '/v2/dst/x', scopes, op: op(reg.host) })).status).toBe(200);
    // We ask for less than needed; the 401's scope widens the next token.
    expect((await s.send({ method: 'GET', target: '/v2/dst/mount', scopes, op: op(reg.host) })).status).toBe(200);
    expect(reg.issued()).toBe(2);
    const second = reg.seen.filter((r) => r.url.startsWith('/token'))[1]!;
    expect(new URL(second.url, 'http://x').searchParams.getAll('scope')).toEqual(['repository:dst:pull,push', 'repository:src:pull']);
  });

  it('gives up after one retry when even the fresh token is refused', async () => {
    const reg = await fakeTokenRegistry({ needs: () => ['repository:never:pull'], expose: () => 'repository:a:pull' });
    cleanups.push(reg.close);
    const { s } = session(reg.host);
    const res = await s.send({ method: 'GET', target: '/v2/a/x', scopes: ['repository:a:pull'], op: op(reg.host) });
    expect(res.status).toBe(401);
    expect(reg.seen.filter((r) => r.url.startsWith('/v2/'))).toHaveLength(2);
  });

  it('uses the OAuth2 refresh-token grant for an identity token and accepts access_token', async () => {
    const reg = await fakeTokenRegistry({
      needs: () => ['repository:a:pull'],
      tokenBody: (scopes, n) => ({ access_token: `tok${n}|${scopes.join(' ')}`, expires_in: 120 }),
    });
    cleanups.push(reg.close);
    const debug: string[] = [];
    const logger: Logger = { info() {}, warn() {}, debug: (m) => debug.push(m) };
    // An identity token as `docker login` leaves it in config.json.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-session-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('u:').toString('base64'), identitytoken: 'refresh-abc-123' } } }));
    const { s } = session(reg.host, { dockerConfigDir: dir }, logger);
    expect((await s.send({ method: 'GET', target: '/v2/a/x', scopes: ['repository:a:pull'], op: op(reg.host) })).status).toBe(200);
    const post = reg.seen.find((r) => r.method === 'POST')!;
    expect(Object.fromEntries(new URLSearchParams(post.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-abc-123',
      client_id: 'ship-image',
      service: 'fake',
      scope: 'repository:a:pull',
    });
    expect(debug.join('\n')).not.toMatch(/refresh-abc-123|tok1/);
  });

  it('sends Basic preemptively once a registry asked for it', async () => {
    const seen: Array<string | undefined> = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (!req.headers.authorization) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' });
        res.end();
      } else res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { s } = session(host, { username: 'u', password: 'pw' });
    for (const p of ['/v2/a', '/v2/b', '/v2/c']) expect((await s.send({ method: 'GET', target: p, scopes: [], op: op(host) })).status).toBe(200);
    expect(seen.map((a) => (a ? 'basic' : 'none'))).toEqual(['none', 'basic', 'basic', 'basic']);
  });
});

describe('TokenCache', () => {
  it('serves covering scopes until expiry', () => {
    let now = 1000;
    const cache = new TokenCache(() => now);
    cache.put('r', { token: 't1', scopes: ['repository:a:pull,push'], expiresAt: 2000 });
    expect(cache.find('r', ['repository:a:pull'])?.token).toBe('t1');
    expect(cache.find('r', ['repository:b:pull'])).toBeUndefined();
    expect(cache.find('other', ['repository:a:pull'])).toBeUndefined();
    now = 2000;
    expect(cache.find('r', ['repository:a:pull'])).toBeUndefined();
    cache.put('r', { token: 't2', scopes: ['repository:a:pull'], expiresAt: 5000 });
    cache.drop('r', 't2');
    expect(cache.find('r', ['repository:a:pull'])).toBeUndefined();
  });
});

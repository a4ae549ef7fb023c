import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { makeServerTls } from '../../test/support/tls';
import { UserError } from '../core/errors';
import { ResponseTooLargeError, RetryAfterTooLongError } from './errors';
import { HttpConnectionError, HttpTransport, isLoopbackHost, nextLink, parseRetryAfter, retriableStatus } from './http';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

/** A loopback server answering with the next handler per request (the last one repeats). */
async function serve(handlers: Handler[], tlsFiles?: { certFile: string; keyFile: string }) {
  let n = 0;
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }> = [];
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const handler = handlers[Math.min(n++, handlers.length - 1)]!;
      handler(req, res, body);
    });
  };
  const server = tlsFiles
    ? https.createServer({ cert: fs.readFileSync(tlsFiles.certFile), key: fs.readFileSync(tlsFiles.keyFile) }, listener)
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    url: (p: string) => new URL(`${tlsFiles ? 'https' : 'http'}://127.0.0.1:${port}${p}`),
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok: Handler = (_req, res) => res.end('fine');
const status =
  (code: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(code, headers);
    res.end(`status ${code}`);
  };

describe('HttpTransport', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  const transports: HttpTransport[] = [];
  const make = (opts: ConstructorParameters<typeof HttpTransport>[0] = {}) => {
    const t = new HttpTransport({ backoffBaseMs: 1, ...opts });
    transports.push(t);
    return t;
  };
  const start = async (handlers: Handler[], tlsFiles?: { certFile: string; keyFile: string }) => {
    const s = await serve(handlers, tlsFiles);
    servers.push(s);
    return s;
  };
  afterAll(async () => {
    for (const t of transports) t.close();
    for (const s of servers) await s.close();
  });

  it('retries 5xx and 429 with backoff, then succeeds', async () => {
    const s = await start([status(503), status(429), status(502), ok]);
    const t = make();
    const res = await t.send({ method: 'GET', url: s.url('/x') });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('fine');
    expect(s.seen).toHaveLength(4);
    expect(t.stats().requests).toBe(4);
  });

  it('gives up after maxAttempts and returns the last answer', async () => {
    const s = await start([status(500)]);
    const res = await make({ maxAttempts: 3 }).send({ method: 'GET', url: s.url('/x') });
    expect(res.status).toBe(500);
    expect(s.seen).toHaveLength(3);
  });

  it('does not retry 501 or 4xx', async () => {
    const s = await start([status(501), status(400), ok]);
    const t = make();
    expect((await t.send({ method: 'GET', url: s.url('/a') })).status).toBe(501);
    expect((await t.send({ method: 'GET', url: s.url('/b') })).status).toBe(400);
    expect(s.seen).toHaveLength(2);
  });

  it('retries POST only when the caller says the body can be replayed', async () => {
    const s = await start([status(503), status(503), ok]);
    const t = make();
    expect((await t.send({ method: 'POST', url: s.url('/p'), body: Buffer.from('x') })).status).toBe(503);
    expect((await t.send({ method: 'POST', url: s.url('/p'), body: Buffer.from('x'), replayable: true })).status).toBe(200);
    expect(s.seen.map((r) => r.body.toString())).toEqual(['x', 'x', 'x']);
  });

  it('honours a Retry-After up to the cap; a longer one ends with an error that says so', async () => {
    const s = await start([status(429, { 'Retry-After': '0' }), ok, status(503, { 'Retry-After': '3600' }), ok]);
    const t = make({ maxRetryAfterMs: 200 });
    expect((await t.send({ method: 'GET', url: s.url('/x') })).status).toBe(200);
    await expect(t.send({ method: 'GET', url: s.url('/y') })).rejects.toThrow(
      new RetryAfterTooLongError(`GET ${s.url('/y').origin}/y: 503: the server asks to retry after 3600 s, longer than the 0.2 s ship-image waits (maxRetryAfterMs); try again later`),
    );
    expect(s.seen).toHaveLength(3);
  });

  it('ends a body that drips a byte at a time at the overall deadline, buffered or streamed', async () => {
    const timers: NodeJS.Timeout[] = [];
    const drip: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      timers.push(setInterval(() => res.write('x'), 20));
      res.on('close', () => timers.forEach(clearInterval));
    };
    const s = await start([drip]);
    // The idle timeout never fires: a byte arrives far more often than it allows.
    const t = make({ timeoutMs: 60_000, deadlineMs: 300 });
    await expect(t.send({ method: 'GET', url: s.url('/drip') })).rejects.toMatchObject({ code: 'EDEADLINE' });
    const streamed = await t.stream({ method: 'GET', url: s.url('/drip') });
    const read = async () => {
      for await (const chunk of streamed.stream!) void chunk;
    };
    await expect(read()).rejects.toThrow(/deadline/);
    timers.forEach(clearInterval);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect([429, 500, 503, 599].every(retriableStatus)).toBe(true);
    expect([200, 400, 404, 501].some(retriableStatus)).toBe(false);
  });

  it('retries a connection reset', async () => {
    const s = await start([(req) => req.socket.destroy(), ok]);
    const res = await make().send({ method: 'GET', url: s.url('/x') });
    expect(res.status).toBe(200);
    expect(s.seen).toHaveLength(2);
  });

  it('times out an idle connection and retries, then fails with a clear error', async () => {
    const s = await start([() => undefined]); // never answers
    const err = await make({ timeoutMs: 100, maxAttempts: 2 })
      .send({ method: 'GET', url: s.url('/slow'), what: 'registry test: GET slow' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpConnectionError);
    expect((err as HttpConnectionError).code).toBe('ETIMEDOUT');
    expect((err as Error).message).toMatch(/^registry test: GET slow: no data from 127\.0\.0\.1:\d+ for 100 ms/);
    expect(s.seen).toHaveLength(2);
  });

  it('refuses bodies over the cap, by Content-Length and while streaming', async () => {
    const big = Buffer.alloc(2048, 1);
    const s = await start([
      (_req, res) => res.end(big),
      (_req, res) => {
        res.writeHead(200); // chunked: no Content-Length
        res.write(big.subarray(0, 1024));
        res.end(big.subarray(1024));
      },
    ]);
    const t = make();
    await expect(t.send({ method: 'GET', url: s.url('/a'), maxBytes: 1000 })).rejects.toThrow(ResponseTooLargeError);
    await expect(t.send({ method: 'GET', url: s.url('/b'), maxBytes: 1500 })).rejects.toThrow(/over the 1500-byte limit/);
  });

  it('a HEAD answer announcing a large Content-Length (a blob over the cap) is not too large: it has no body', async () => {
    const s = await start([
      (_req, res) => {
        res.writeHead(200, { 'content-length': String(5 * 1024 * 1024) });
        res.end();
      },
    ]);
    const res = await make().send({ method: 'HEAD', url: s.url('/v2/r/blobs/sha256:x'), maxBytes: 1000 });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
  });

  it('hands a 2xx body over as a stream, and buffers error bodies', async () => {
    const s = await start([(_req, res) => res.end('streamed body'), status(404)]);
    const t = make();
    const res = await t.stream({ method: 'GET', url: s.url('/s') });
    const chunks: Buffer[] = [];
    for await (const c of res.stream as Readable) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('streamed body');
    expect(t.stats().bytesDown).toBe('streamed body'.length);
    const missing = await t.stream({ method: 'GET', url: s.url('/missing') });
    expect(missing.stream).toBeUndefined();
    expect(missing.body.toString()).toBe('status 404');
  });

  it('sends stream bodies of known length and counts bytes up', async () => {
    const s = await start([ok]);
    const t = make();
    await t.send({ method: 'PUT', url: s.url('/u'), body: { length: 5, open: () => Readable.from([Buffer.from('he'), Buffer.from('llo')]) } });
    expect(s.seen[0]?.body.toString()).toBe('hello');
    expect(s.seen[0]?.headers['content-length']).toBe('5');
    expect(t.stats().bytesUp).toBe(5);
  });

  it('follows redirects and drops Authorization when the origin changes', async () => {
    const storage = await start([ok]);
    const s = await start([status(307, { Location: storage.url('/blob').toString() })]);
    const res = await make().send({ method: 'GET', url: s.url('/v2/x/blobs/y'), headers: { Authorization: 'Bearer secret-token' } });
    expect(res.status).toBe(200);
    expect(res.url.toString()).toBe(storage.url('/blob').toString());
    expect(s.seen[0]?.headers.authorization).toBe('Bearer secret-token');
    expect(storage.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('allows plain HTTP only to loopback and listed hosts', async () => {
    const t = make({ insecureHosts: ['registry.internal:5000', 'other.internal'] });
    expect(t.plainHttpAllowed('127.0.0.1:5000')).toBe(true);
    expect(t.plainHttpAllowed('localhost')).toBe(true);
    expect(t.plainHttpAllowed('[::1]:5000')).toBe(true);
    expect(t.plainHttpAllowed('registry.internal:5000')).toBe(true);
    expect(t.plainHttpAllowed('other.internal:443')).toBe(true);
    expect(t.plainHttpAllowed('registry.internal:6000')).toBe(false);
    expect(t.plainHttpAllowed('ghcr.io')).toBe(false);
    // Refused before any connection is attempted.
    await expect(t.send({ method: 'GET', url: new URL('http://ghcr.io/v2/') })).rejects.toThrow(UserError);
    await expect(t.send({ method: 'GET', url: new URL('http://ghcr.io/v2/') })).rejects.toThrow(/plain HTTP to ghcr.io is not allowed/);
    expect(isLoopbackHost('127.1.2.3:80')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
  });

  describe('TLS', () => {
    let dir: string;
    let tlsFiles: ReturnType<typeof makeServerTls>;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-http-tls-'));
      tlsFiles = makeServerTls(dir);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('trusts a CA given as PEM on top of the system roots', async () => {
      const s = await start([ok], tlsFiles);
      expect((await make({ caPems: [tlsFiles.caPem] }).send({ method: 'GET', url: s.url('/') })).status).toBe(200);
    });

    it('refuses an unknown CA with a user error that says what to do', async () => {
      const s = await start([ok], tlsFiles);
      const err = await make().send({ method: 'GET', url: s.url('/') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted .*CA certificate/);
    });

    it('skips verification for hosts listed as insecure', async () => {
      const s = await start([ok], tlsFiles);
      expect((await make({ insecureHosts: [s.host] }).send({ method: 'GET', url: s.url('/') })).status).toBe(200);
    });
  });
});

describe('nextLink', () => {
  const base = new URL('http://r.example/v2/a/tags/list?n=2');
  it('finds rel="next" among links and resolves it', () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', base)?.toString()).toBe('http://r.example/v2/a/tags/list?n=2&last=b');
    expect(nextLink('<http://x.example/p1>; rel="prev", <https://y.example/p3>; rel=next', base)?.toString()).toBe('https://y.example/p3');
    expect(nextLink('</p>; rel="prev"', base)).toBeUndefined();
    expect(nextLink(undefined, base)).toBeUndefined();
  });
});

/**
 * A double of a misbehaving registry for the bad-input corpus: a loopback HTTP server whose
 * repository name picks the misbehaviour (`HOST/<behaviour>:v1`), plus a second server on another
 * port, "the other host", that a hostile answer points at (Link, Location, redirect). Both record
 * every request so a test can check which credentials went where. A stand-in only because a real
 * registry does not misbehave on demand; helper 'net' has the full hostile-registry server, into
 * which the lead will fold these behaviours.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface BadInputRegistry {
  /** `127.0.0.1:PORT`: what goes in an image reference. */
  host: string;
  /** The other host's `127.0.0.1:PORT`. */
  otherHost: string;
  requests: RecordedRequest[];
  otherRequests: RecordedRequest[];
  stop(): Promise<void>;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
    layers: [],
  }),
);
const DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, ctx: { kind: string; otherUrl: string; body: string }) => void;

function manifest(res: http.ServerResponse, req: http.IncomingMessage, bytes = MANIFEST, digest = DIGEST): void {
  res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': digest, 'content-length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/** The well-behaved parts every behaviour falls back on: one small manifest, an empty referrers list. */
const normal: Handler = (req, res, { kind }) => {
  if (kind === 'manifests') return manifest(res, req);
  if (kind === 'referrers') {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    res.writeHead(200, { 'content-type': OCI_INDEX });
    return void res.end(body);
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'not here' }] }));
};

const status = (code: number, body: string | Buffer, headers: http.OutgoingHttpHeaders = {}): Handler => (_req, res) => {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

/** Behaviour name → handler. The name is the repository in the image reference. */
export const BEHAVIOURS: Record<string, Handler> = {
  'manifest-not-json': (req, res, ctx) => (ctx.kind === 'manifests' ? manifest(res, req, Buffer.from('this is not json'), `sha256:${createHash('sha256').update('this is not json').digest('hex')}`) : normal(req, res, ctx)),
  'manifest-schema1': (req, res, ctx) => {
    const bytes = Buffer.from('{"schemaVersion":1,"name":"x"}');
    return ctx.kind === 'manifests' ? manifest(res, req, bytes, `sha256:${createHash('sha256').update(bytes).digest('hex')}`) : normal(req, res, ctx);
  },
  'manifest-digest-lies': (req, res, ctx) => (ctx.kind === 'manifests' ? manifest(res, req, Buffer.from(MANIFEST.toString().replace('"layers":[]', '"layers": []')), DIGEST) : normal(req, res, ctx)),
  'manifest-huge': (req, res, ctx) => {
    if (ctx.kind !== 'manifests') return normal(req, res, ctx);
    res.writeHead(200, { 'content-type': OCI_MANIFEST });
    if (req.method === 'HEAD') return void res.end();
    const chunk = Buffer.alloc(1 << 20, 0x20);
    let sent = 0;
    const push = (): void => {
      while (sent < 64 && res.write(chunk)) sent++;
      if (sent < 64) res.once('drain', push);
      else res.end();
    };
    push();
  },
  'status-500': status(500, JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'internal trouble' }] })),
  'status-500-plain': status(500, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html' }),
  'status-500-huge': status(500, Buffer.alloc(8 << 20, 0x41), { 'content-type': 'text/plain' }),
  // HEAD answers normally, so the error body of the GET that follows is what the client reads and may echo.
  'status-500-ansi': (req, res, ctx) =>
    req.method === 'HEAD' ? normal(req, res, ctx) : status(500, 'boom \x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil\u202c\r\nforged: line', { 'content-type': 'text/plain' })(req, res, ctx),
  'echo-authorization': (req, res, ctx) => {
    if (!req.headers.authorization) return status(401, '{}', { 'www-authenticate': 'Basic realm="double"' })(req, res, ctx);
    if (req.method === 'HEAD') return normal(req, res, ctx);
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`you sent ${String(req.headers.authorization)}`);
  },
  'status-400-long-detail': status(400, JSON.stringify({ errors: [{ code: 'MANIFEST_INVALID', message: 'm'.repeat(5000), detail: 'd'.repeat(100000) }] })),
  'status-401-no-challenge': status(401, '{}'),
  'status-401-basic': status(401, JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'no' }] }), { 'www-authenticate': 'Basic realm="double"' }),
  'status-403': status(403, JSON.stringify({ errors: [{ code: 'DENIED', message: 'denied' }] })),
  'bearer-realm-file': status(401, '{}', { 'www-authenticate': 'Bearer realm="file:///etc/passwd",service="x",scope="repository:bearer-realm-file:pull"' }),
  'bearer-realm-ftp': status(401, '{}', { 'www-authenticate': 'Bearer realm="ftp://127.0.0.1/token",service="x"' }),
  'bearer-realm-garbage': status(401, '{}', { 'www-authenticate': 'Bearer realm=":::not a url:::",service="x"' }),
  'bearer-no-realm': status(401, '{}', { 'www-authenticate': 'Bearer service="x"' }),
  'challenge-garbage': status(401, '{}', { 'www-authenticate': 'Bearer ,,,=,="""realm' }),
  'retry-after-forever': status(429, JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'slow down' }] }), { 'retry-after': '86400' }),
  'status-503-always': status(503, 'unavailable', { 'content-type': 'text/plain' }),
  hang: () => undefined,
  drip: (req, res, ctx) => {
    if (ctx.kind !== 'manifests') return normal(req, res, ctx);
    res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': MANIFEST.length });
    if (req.method === 'HEAD') return void res.end();
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed || i >= MANIFEST.length) return void clearInterval(timer);
      res.write(MANIFEST.subarray(i, ++i));
    }, 2_000);
    timer.unref();
  },
  reset: (req) => req.socket.destroy(),
  'not-http': (req) => {
    req.socket.end('SSH-2.0-OpenSSH_9.0\r\n\x00\x01\x02');
  },
  'redirect-other-host': (req, res, ctx) => {
    if (ctx.kind !== 'manifests') return normal(req, res, ctx);
    res.writeHead(307, { location: `${ctx.otherUrl}${req.url}` });
    res.end();
  },
  'referrers-link-other-host': (req, res, ctx) => {
    if (ctx.kind !== 'referrers') return normal(req, res, ctx);
    res.writeHead(200, { 'content-type': OCI_INDEX, link: `<${ctx.otherUrl}/v2/x/referrers/${DIGEST}?page=2>; rel="next"` });
    res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
  },
  'referrers-not-index': (req, res, ctx) => {
    if (ctx.kind !== 'referrers') return normal(req, res, ctx);
    res.writeHead(200, { 'content-type': OCI_INDEX });
    res.end('[1, 2, 3]');
  },
  'referrers-not-json': (req, res, ctx) => {
    if (ctx.kind !== 'referrers') return normal(req, res, ctx);
    res.writeHead(200, { 'content-type': OCI_INDEX });
    res.end('{{{{');
  },
  'referrers-endless-pages': (req, res, ctx) => {
    if (ctx.kind !== 'referrers') return normal(req, res, ctx);
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '0');
    res.writeHead(200, { 'content-type': OCI_INDEX, link: `</v2/referrers-endless-pages/referrers/${DIGEST}?page=${page + 1}>; rel="next"` });
    res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }));
  },
};

const AUTH_FIRST = new Set(['redirect-other-host', 'referrers-link-other-host', 'referrers-endless-pages']);

function record(list: RecordedRequest[], req: http.IncomingMessage, body: string): void {
  list.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export async function startBadInputRegistry(): Promise<BadInputRegistry> {
  const requests: RecordedRequest[] = [];
  const otherRequests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const track = (server: http.Server) => server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));

  const other = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      record(otherRequests, req, body);
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"NAME_UNKNOWN","message":"other host"}]}');
    });
  });
  track(other);
  const otherHost = await listen(other);

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => {
      record(requests, req, body);
      const url = new URL(req.url ?? '/', 'http://double');
      if (url.pathname === '/v2/' || url.pathname === '/v2') {
        res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
        return void res.end('{}');
      }
      const m = /^\/v2\/(.+?)\/(manifests|blobs|referrers|tags)\//.exec(url.pathname);
      // These ask for credentials first, so the client holds some when it is pointed elsewhere.
      if (m && AUTH_FIRST.has(m[1]!) && !req.headers.authorization) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="double"' });
        return void res.end('{"errors":[{"code":"UNAUTHORIZED","message":"log in"}]}');
      }
      const behaviour = m ? BEHAVIOURS[m[1]!] : undefined;
      if (!m || !behaviour) return normal(req, res, { kind: 'none', otherUrl: `http://${otherHost}`, body });
      behaviour(req, res, { kind: m[2]!, otherUrl: `http://${otherHost}`, body });
    });
  });
  track(server);
  const host = await listen(server);

  return {
    host,
    otherHost,
    requests,
    otherRequests,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => other.close(r))]);
    },
  };
}

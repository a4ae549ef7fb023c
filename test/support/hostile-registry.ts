/**
 * TEST DOUBLE: a hostile registry on loopback. It speaks just enough of the distribution API to be
 * believed and misbehaves on purpose, per path, as a script says: links and upload locations on
 * another host, bodies that drip or never end, pagination that never stops, `Retry-After: 999999`,
 * token realms on `file:` or plain HTTP elsewhere, malformed descriptors, 400/406 on `/referrers/`.
 * Every request it receives is recorded, so a test can assert that no credential reached it.
 *
 *   const home = await startHostileRegistry();                  // 127.0.0.1:PORT
 *   const elsewhere = await startHostileRegistry({ bindAddress: '127.0.0.2' });
 *   home.script('GET', /\/tags\/list/, behaviours.json({ tags: ['a'] }, { headers: { Link: `<${elsewhere.url}/x>; rel="next"` } }));
 *   ... expect(carriesSecret(elsewhere.requests, CANARY)).toBe(false);
 *
 * Unscripted paths answer 404 MANIFEST_UNKNOWN / BLOB_UNKNOWN, like an empty registry.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HostileRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The Host header the client sent. */
  host: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Answers one request; `hit` counts earlier requests matched by the same script (0 first). */
export type Behaviour = (req: HostileRequest, res: http.ServerResponse, ctx: { url: string; hit: number }) => void;

export interface HostileRegistryOptions {
  /** Loopback address to listen on (default 127.0.0.1; 127.0.0.2 makes a second "host"). */
  bindAddress?: string;
  /** Ask for credentials: every request not accepted by `accept` gets 401 with this WWW-Authenticate value. */
  challenge?: string;
  /** Which Authorization headers pass (default: any non-empty one). */
  accept?: (authorization: string | undefined) => boolean;
}

export interface HostileRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, as it goes in an image reference. */
  host: string;
  /** Every request received, in order. */
  readonly requests: HostileRequest[];
  /** Answer `method` requests whose path (with query) matches with `behaviour`; later scripts win. `open` skips the challenge. */
  script(method: string, path: string | RegExp, behaviour: Behaviour, opts?: { open?: boolean }): void;
  stop(): Promise<void>;
}

interface Script {
  method: string;
  path: string | RegExp;
  behaviour: Behaviour;
  open: boolean;
  hits: number;
}

export async function startHostileRegistry(opts: HostileRegistryOptions = {}): Promise<HostileRegistry> {
  const scripts: Script[] = [];
  const requests: HostileRequest[] = [];
  const accept = opts.accept ?? ((authorization) => Boolean(authorization));
  let url = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: HostileRequest = { method: req.method ?? '', path: req.url ?? '/', host: req.headers.host ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(seen);
      const found = [...scripts].reverse().find((s) => s.method === seen.method && (typeof s.path === 'string' ? s.path === seen.path : s.path.test(seen.path)));
      if (opts.challenge && !found?.open && !accept(req.headers.authorization)) {
        send(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'WWW-Authenticate': opts.challenge });
        return;
      }
      if (!found) {
        const code = seen.path.includes('/blobs/') ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN';
        send(res, 404, { errors: [{ code, message: 'unknown' }] });
        return;
      }
      found.behaviour(seen, res, { url, hit: found.hits++ });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, opts.bindAddress ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  const host = `${address}:${port}`;
  url = `http://${host}`;
  return {
    url,
    host,
    requests,
    script(method, path, behaviour, scriptOpts = {}) {
      scripts.push({ method, path, behaviour, open: scriptOpts.open ?? false, hits: 0 });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers, 'Content-Length': String(text.length), 'Docker-Distribution-API-Version': 'registry/2.0' });
  res.end(text);
}

/** Ready-made misbehaviours (and a few honest answers to build them on). */
export const behaviours = {
  /** A JSON body with a status (default 200). */
  json(body: unknown, o: { status?: number; headers?: Record<string, string> } = {}): Behaviour {
    return (_req, res) => send(res, o.status ?? 200, body, o.headers);
  },

  /** A status with no meaningful body. */
  status(status: number, headers: Record<string, string> = {}): Behaviour {
    return (_req, res) => {
      res.writeHead(status, { 'Content-Length': '0', ...headers });
      res.end();
    };
  },

  /** Exact bytes, e.g. a manifest, with its digest header. */
  bytes(body: Buffer, headers: Record<string, string>): Behaviour {
    return (req, res) => {
      res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
  },

  /** 200 headers, then one byte every `intervalMs`, forever (until the client hangs up). */
  drip(o: { intervalMs?: number; contentType?: string } = {}): Behaviour {
    return (_req, res) => {
      res.writeHead(200, { 'Content-Type': o.contentType ?? 'application/vnd.oci.image.manifest.v1+json' });
      res.write('{');
      const timer = setInterval(() => res.write(' '), o.intervalMs ?? 20);
      res.on('close', () => clearInterval(timer));
    };
  },

  /** A body of `bytes` bytes, written in 64 KiB chunks; `announce` sends the Content-Length first. */
  huge(o: { bytes: number; announce?: boolean; contentType?: string }): Behaviour {
    return (_req, res) => {
      const headers: Record<string, string> = { 'Content-Type': o.contentType ?? 'application/vnd.oci.image.index.v1+json' };
      if (o.announce) headers['Content-Length'] = String(o.bytes);
      res.writeHead(200, headers);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = o.bytes;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    };
  },

  /** Every page links to one more (`?page=N+1`), forever; `body(N)` is page N's JSON. */
  endlessPages(body: (page: number) => unknown, o: { contentType?: string } = {}): Behaviour {
    return (req, res) => {
      const page = Number(new URL(req.path, 'http://x').searchParams.get('page') ?? '0');
      const next = new URL(req.path, 'http://x');
      next.searchParams.set('page', String(page + 1));
      send(res, 200, body(page), { 'Content-Type': o.contentType ?? 'application/json', Link: `<${next.pathname}${next.search}>; rel="next"` });
    };
  },

  /** A 503 (or `status`) asking to come back in `seconds`. */
  retryAfter(seconds: number, status = 503): Behaviour {
    return (_req, res) => send(res, status, { errors: [{ code: 'UNAVAILABLE', message: 'come back later' }] }, { 'Retry-After': String(seconds) });
  },

  /** A redirect (default 307) to `location`. */
  redirect(location: string, status = 307): Behaviour {
    return (_req, res) => {
      res.writeHead(status, { Location: location, 'Content-Length': '0' });
      res.end();
    };
  },

  /** 202 to an upload POST (or PATCH) with the next upload `Location` (may be on another host). */
  uploadAt(location: string): Behaviour {
    return (_req, res) => {
      res.writeHead(202, { Location: location, 'Content-Length': '0', 'Docker-Upload-UUID': 'u' });
      res.end();
    };
  },

  /** A token endpoint handing out `token`. */
  token(token: string): Behaviour {
    return (_req, res) => send(res, 200, { token, expires_in: 300 });
  },
};

/**
 * True when any request carries `secret`: in a header (Basic credentials decoded), the path, or the
 * body (form-decoded too).
 */
export function carriesSecret(requests: readonly HostileRequest[], secret: string): boolean {
  return requests.some((r) => {
    const texts = [r.path, decodeURIComponent(r.path), r.body.toString('utf8')];
    try {
      texts.push(decodeURIComponent(r.body.toString('utf8').replace(/\+/g, ' ')));
    } catch {
      // not form-encoded
    }
    for (const [, value] of Object.entries(r.headers)) {
      const v = Array.isArray(value) ? value.join(' ') : (value ?? '');
      texts.push(v);
      const basic = /^Basic\s+(\S+)/i.exec(v);
      if (basic) texts.push(Buffer.from(basic[1]!, 'base64').toString('utf8'));
    }
    return texts.some((t) => t.includes(secret));
  });
}

export interface FaultProxyOptions extends HostileRegistryOptions {
  /** Base URL that upstream `Location` headers are rewritten to (default: this proxy). */
  locationBase?: () => string;
  /** A fault for this request instead of forwarding it (undefined = forward). */
  inject?: (req: HostileRequest) => Behaviour | undefined;
  /** Replace a forwarded answer's body (the Docker-Content-Digest header is dropped then). */
  rewriteBody?: (req: HostileRequest, status: number, body: Buffer) => Buffer | undefined;
}

/**
 * TEST DOUBLE in front of a REAL registry (plain HTTP upstream): forwards every request, minus the
 * Authorization header (it does auth itself when `challenge` is set), and injects faults on the way.
 * Records what it receives, like the hostile registry.
 */
export async function startFaultProxy(upstreamUrl: string, opts: FaultProxyOptions = {}): Promise<HostileRegistry> {
  const proxy = await startHostileRegistry(opts);
  const upstream = new URL(upstreamUrl);
  const forward: Behaviour = (req, res, ctx) => {
    const fault = opts.inject?.(req);
    if (fault) return fault(req, res, ctx);
    const headers = { ...req.headers, host: upstream.host };
    delete headers.authorization;
    const out = http.request(new URL(req.path, upstream), { method: req.method, headers, agent: false }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        let body: Buffer = Buffer.concat(chunks);
        const replyHeaders: http.OutgoingHttpHeaders = { ...up.headers };
        const replaced = opts.rewriteBody?.(req, up.statusCode ?? 502, body);
        if (replaced) {
          body = replaced;
          delete replyHeaders['docker-content-digest'];
          replyHeaders['content-length'] = String(body.length);
        }
        const location = up.headers.location;
        if (typeof location === 'string') {
          const target = new URL(location, upstream);
          if (target.host === upstream.host) replyHeaders.location = `${opts.locationBase?.() ?? ctx.url}${target.pathname}${target.search}`;
        }
        res.writeHead(up.statusCode ?? 502, replyHeaders);
        res.end(req.method === 'HEAD' ? undefined : body);
      });
    });
    out.on('error', (err) => send(res, 502, { errors: [{ code: 'UNKNOWN', message: `fault proxy: ${err.message}` }] }));
    out.end(req.body);
  };
  for (const method of ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE']) proxy.script(method, /^\//, forward);
  return proxy;
}

import * as http from 'node:http';
import * as https from 'node:https';
import { Transform, type Readable } from 'node:stream';
import * as tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { ResponseTooLargeError, RetryAfterTooLongError } from './errors';

/**
 * The HTTP transport under the registry client: node:http/node:https with our own CA list,
 * timeouts, bounded retries with backoff, plain-HTTP policy and response size caps.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A body that can be sent more than once: bytes, or a factory for a fresh stream of known length. */
export type RequestBody = Buffer | { length: number; open(): Readable };

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** POST/PATCH are retried only when the caller says sending the body again is harmless. */
  replayable?: boolean;
  /** Refuse a buffered response body larger than this (default 4 MiB). */
  maxBytes?: number;
  /** Prefix for errors, e.g. `registry 127.0.0.1:5000: GET blob acme/api@sha256:..`. */
  what?: string;
  /** Overrides the transport's `deadlineMs` for this request (a large blob may need longer). */
  deadlineMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  url: URL;
  body: Buffer;
}

/** A response whose body is handed over unread when the status is 2xx (`stream`), else buffered in `body`. */
export interface StreamedResponse extends HttpResponse {
  stream?: Readable;
}

export interface TransportOptions {
  /** Extra CA certificates (PEM) trusted on top of the system roots. */
  caPems?: string[];
  /** Hosts (`host` or `host:port`) allowed over plain HTTP, whose TLS certificates are not verified. */
  insecureHosts?: string[];
  /** Socket idle timeout (default 60 s). */
  timeoutMs?: number;
  /**
   * Overall time for one request: every attempt, backoff, redirect and the whole body included
   * (default 10 min), so a server that drips a byte now and then cannot hold a run forever.
   */
  deadlineMs?: number;
  /** Time allowed to open the TCP/TLS connection (default 15 s). */
  connectTimeoutMs?: number;
  /** Tries per request, first one included (default 4). */
  maxAttempts?: number;
  /** First backoff ceiling; doubles per retry (default 250 ms), capped at `maxBackoffMs` (default 8 s). */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** Longest `Retry-After` we wait for (default 30 s); a longer one ends the request with an error saying so. */
  maxRetryAfterMs?: number;
  userAgent?: string;
  logger?: Logger;
}

export interface TransportStats {
  requests: number;
  bytesUp: number;
  bytesDown: number;
}

/** A failure below HTTP: refused, reset, timed out, TLS. `code` is Node's error code. */
export class HttpConnectionError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'HttpConnectionError';
    this.code = code;
  }
}

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_DEADLINE_MS = 10 * 60_000;
const ERROR_BODY_MAX_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRIABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ECONNECTTIMEOUT', 'UND_ERR_SOCKET']);
const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class HttpTransport {
  private readonly opts: Required<Omit<TransportOptions, 'caPems' | 'insecureHosts' | 'userAgent'>> & { userAgent: string };
  private readonly insecure: Set<string>;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly insecureHttpsAgent: https.Agent;
  private readonly counters: TransportStats = { requests: 0, bytesUp: 0, bytesDown: 0 };

  constructor(options: TransportOptions = {}) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 60_000,
      deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      maxAttempts: Math.max(1, options.maxAttempts ?? 4),
      backoffBaseMs: options.backoffBaseMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 8_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      userAgent: options.userAgent ?? 'ship-image',
      logger: options.logger ?? silentLogger,
    };
    this.insecure = new Set((options.insecureHosts ?? []).map((h) => h.toLowerCase()));
    const ca = options.caPems && options.caPems.length > 0 ? [...tls.rootCertificates, ...options.caPems] : undefined;
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true, ca });
    this.insecureHttpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  }

  /** True when `host` (`name[:port]`, IPv6 in brackets) may be spoken to over plain HTTP. */
  plainHttpAllowed(host: string): boolean {
    const lower = host.toLowerCase();
    return isLoopbackHost(lower) || this.insecure.has(lower) || this.insecure.has(stripPort(lower));
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  /** Close idle keep-alive sockets (call when done, so the process can exit). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    this.insecureHttpsAgent.destroy();
  }

  /** Send with retries; the whole body is read (up to `maxBytes`). Every status is returned, none thrown. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.withRetries(req, false);
    return res;
  }

  /** Like send, but a 2xx body comes back as an unread stream the caller must consume or destroy. */
  async stream(req: HttpRequest): Promise<StreamedResponse> {
    return this.withRetries(req, true);
  }

  private async withRetries(req: HttpRequest, streamBody: boolean): Promise<StreamedResponse> {
    const mayRetry = IDEMPOTENT.has(req.method) || req.replayable === true;
    const attempts = mayRetry ? this.opts.maxAttempts : 1;
    const deadlineMs = req.deadlineMs ?? this.opts.deadlineMs;
    const deadline = Date.now() + deadlineMs;
    const what = req.what ?? `${req.method} ${redactUrl(req.url)}`;
    const pastDeadline = (why: string) => new HttpConnectionError(`${what}: ${why} within the ${deadlineMs} ms deadline (deadlineMs)`, 'EDEADLINE');
    for (let attempt = 1; ; attempt++) {
      if (Date.now() >= deadline) throw pastDeadline(attempt === 1 ? 'not started' : `no answer after ${attempt - 1} attempt(s)`);
      let res: StreamedResponse | undefined;
      let failure: unknown;
      try {
        res = await this.followRedirects(req, streamBody, deadline, deadlineMs);
      } catch (err) {
        failure = err;
      }
      const last = attempt >= attempts;
      if (res) {
        if (last || !retriableStatus(res.status)) return res;
        res.stream?.destroy();
        const wait = this.retryDelay(attempt, res.headers['retry-after'], `${what}: ${res.status}`);
        if (Date.now() + wait >= deadline) throw pastDeadline(`${res.status} and retrying in ${wait} ms would not finish`);
        this.opts.logger.debug(`${req.method} ${redactUrl(req.url)}: ${res.status}, retry ${attempt}/${attempts - 1} in ${wait} ms`);
        await sleep(wait);
        continue;
      }
      if (last || !(failure instanceof HttpConnectionError) || !RETRIABLE_CODES.has(failure.code)) throw failure;
      const wait = this.retryDelay(attempt, undefined, what);
      this.opts.logger.debug(`${req.method} ${redactUrl(req.url)}: ${failure.code}, retry ${attempt}/${attempts - 1} in ${wait} ms`);
      await sleep(Math.max(0, Math.min(wait, deadline - Date.now())));
    }
  }

  /**
   * Full jitter: uniform in [0, min(max, base·2^(attempt-1))]. A Retry-After replaces it, up to
   * `maxRetryAfterMs`; a server asking for longer gets an error instead of an endless wait.
   */
  private retryDelay(attempt: number, retryAfter: string | string[] | undefined, what: string): number {
    const after = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    if (after !== undefined) {
      if (after > this.opts.maxRetryAfterMs) {
        throw new RetryAfterTooLongError(
          `${what}: the server asks to retry after ${seconds(after)}, longer than the ${seconds(this.opts.maxRetryAfterMs)} ship-image waits (maxRetryAfterMs); try again later`,
        );
      }
      return after;
    }
    const ceiling = Math.min(this.opts.maxBackoffMs, this.opts.backoffBaseMs * 2 ** (attempt - 1));
    return Math.floor(Math.random() * ceiling);
  }

  private async followRedirects(req: HttpRequest, streamBody: boolean, deadline: number, deadlineMs: number): Promise<StreamedResponse> {
    let current = req;
    for (let hop = 0; ; hop++) {
      const res = await this.once(current, streamBody, deadline, deadlineMs);
      const location = res.headers.location;
      const redirect = [301, 302, 303, 307, 308].includes(res.status) && location && (current.method === 'GET' || current.method === 'HEAD');
      if (!redirect) return res;
      res.stream?.destroy();
      if (hop >= MAX_REDIRECTS) throw new HttpConnectionError(`${current.what ?? redactUrl(current.url)}: more than ${MAX_REDIRECTS} redirects`, 'ETOOMANYREDIRECTS');
      const next = new URL(location, current.url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new HttpConnectionError(`${current.what ?? redactUrl(current.url)}: redirected to a ${next.protocol} URL; only http(s) is followed`, 'EBADREDIRECT');
      }
      // Blob storage redirects (S3, CDN) must not see the registry credentials.
      const crossOrigin = next.origin !== current.url.origin;
      const headers = Object.fromEntries(Object.entries(current.headers ?? {}).filter(([name]) => !(crossOrigin && name.toLowerCase() === 'authorization')));
      current = { ...current, url: next, headers };
    }
  }

  private once(req: HttpRequest, streamBody: boolean, deadline: number, deadlineMs: number): Promise<StreamedResponse> {
    const { url } = req;
    if (url.protocol === 'http:' && !this.plainHttpAllowed(url.host)) {
      throw new UserError(
        `${req.what ?? url.host}: plain HTTP to ${url.host} is not allowed; serve the registry over TLS or list it in insecure-registries`,
      );
    }
    const isHttps = url.protocol === 'https:';
    const agent = isHttps ? (this.isListedInsecure(url.host) ? this.insecureHttpsAgent : this.httpsAgent) : this.httpAgent;
    const headers: Record<string, string> = { 'User-Agent': this.opts.userAgent, ...(req.headers ?? {}) };
    const body = req.body;
    if (body !== undefined) headers['Content-Length'] = String(body.length);
    else if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH') headers['Content-Length'] = '0';
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const what = req.what ?? `${req.method} ${redactUrl(url)}`;
    this.counters.requests++;
    const started = Date.now();

    return new Promise<StreamedResponse>((resolve, reject) => {
      const mod = isHttps ? https : http;
      const request = mod.request(url, { method: req.method, headers, agent });
      let settled = false;
      // The body stream once handed over: a timeout then fails it with its own message.
      let handedOver: Transform | undefined;
      const failLate = (err: Error) => {
        handedOver?.destroy(err);
        request.destroy(err);
      };
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(deadlineTimer);
        request.destroy();
        reject(err);
      };
      // The idle timeout below restarts with every byte; this one does not.
      const deadlineTimer = setTimeout(
        () => {
          const err = new HttpConnectionError(`${what}: not finished within the ${deadlineMs} ms deadline (deadlineMs)`, 'EDEADLINE');
          if (settled) failLate(err);
          else fail(err);
        },
        Math.max(0, deadline - Date.now()),
      );
      const connectTimer = setTimeout(
        () => fail(new HttpConnectionError(`${what}: could not connect to ${url.host} within ${this.opts.connectTimeoutMs} ms`, 'ECONNECTTIMEOUT')),
        this.opts.connectTimeoutMs,
      );
      request.on('socket', (socket) => {
        // Small request/response exchanges (HEAD, POST, PUT) otherwise wait on Nagle + delayed ACK.
        socket.setNoDelay(true);
        if (!socket.connecting) clearTimeout(connectTimer);
        else socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      request.setTimeout(this.opts.timeoutMs, () => {
        const err = new HttpConnectionError(`${what}: no data from ${url.host} for ${this.opts.timeoutMs} ms`, 'ETIMEDOUT');
        if (settled) failLate(err);
        else fail(err);
      });
      request.on('error', (err: NodeJS.ErrnoException) => fail(connectionError(what, url, err)));
      request.on('response', (res) => {
        clearTimeout(connectTimer);
        const status = res.statusCode ?? 0;
        this.opts.logger.debug(`${req.method} ${redactUrl(url)} → ${status} (${Date.now() - started} ms)`);
        const base = { status, headers: res.headers, url };
        const ok = status >= 200 && status < 300;
        if (streamBody && ok && req.method !== 'HEAD') {
          settled = true;
          // Count through a pass-through: a 'data' listener on `res` would start the flow before the caller reads.
          const counted = new Transform({
            transform: (chunk: Buffer, _enc, done) => {
              this.counters.bytesDown += chunk.length;
              done(null, chunk);
            },
          });
          res.on('error', (err: NodeJS.ErrnoException) => counted.destroy(connectionError(what, url, err)));
          res.on('aborted', () => counted.destroy(new HttpConnectionError(`${what}: the connection closed mid-body`, 'ECONNRESET')));
          handedOver = counted;
          counted.on('close', () => {
            clearTimeout(deadlineTimer);
            if (!res.complete) res.destroy();
          });
          resolve({ ...base, body: Buffer.alloc(0), stream: res.pipe(counted) });
          return;
        }
        const cap = ok ? maxBytes : Math.min(maxBytes, ERROR_BODY_MAX_BYTES);
        const announced = Number(res.headers['content-length']);
        // A HEAD answer's Content-Length is the size of what a GET would send (a blob's), not of this body.
        if (ok && req.method !== 'HEAD' && Number.isFinite(announced) && announced > cap) {
          fail(new ResponseTooLargeError(`${what}: response of ${announced} bytes is over the ${cap}-byte limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          this.counters.bytesDown += chunk.length;
          if (total > cap) {
            if (ok) fail(new ResponseTooLargeError(`${what}: response body is over the ${cap}-byte limit`));
            else {
              // An oversized error page: keep what we have, the status says enough.
              settled = true;
              clearTimeout(deadlineTimer);
              res.destroy();
              resolve({ ...base, body: Buffer.concat(chunks) });
            }
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(connectionError(what, url, err)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadlineTimer);
          resolve({ ...base, body: Buffer.concat(chunks) });
        });
      });

      if (body === undefined) request.end();
      else if (Buffer.isBuffer(body)) {
        this.counters.bytesUp += body.length;
        request.end(body);
      } else {
        const source = body.open();
        source.on('data', (chunk: Buffer) => (this.counters.bytesUp += chunk.length));
        source.on('error', (err) => fail(err));
        source.pipe(request);
      }
    });
  }

  private isListedInsecure(host: string): boolean {
    const lower = host.toLowerCase();
    return this.insecure.has(lower) || this.insecure.has(stripPort(lower));
  }
}

/** localhost, 127.0.0.0/8, ::1 (with or without port / brackets). */
export function isLoopbackHost(host: string): boolean {
  const name = stripPort(host.toLowerCase()).replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** True for errors that mean "this endpoint does not speak TLS" (so plain HTTP may be tried). */
export function isTlsProtocolError(err: unknown): boolean {
  if (!(err instanceof HttpConnectionError)) return false;
  return err.code === 'EPROTO' || err.code.startsWith('ERR_SSL_');
}

/** Seconds (`120`) or an HTTP date; undefined when absent or unreadable. Milliseconds, never negative. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function retriableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close >= 0 ? host.slice(0, close + 1) : host;
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

function connectionError(what: string, url: URL, err: NodeJS.ErrnoException): Error {
  if (err instanceof HttpConnectionError || err instanceof ResponseTooLargeError) return err;
  const code = err.code ?? 'EUNKNOWN';
  if (TLS_VERIFY_CODES.has(code)) {
    return new UserError(
      `${what}: the TLS certificate of ${url.host} is not trusted (${code}); give the registry's CA certificate (PEM) or list the host in insecure-registries`,
    );
  }
  return new HttpConnectionError(`${what}: ${code === 'EUNKNOWN' ? err.message : `${code} (${err.message})`}`, code);
}

/** URLs of upload sessions carry opaque state; drop the query in logs. */
export function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** The `rel="next"` target of a `Link` header (RFC 8288), resolved against `base`. */
export function nextLink(header: string | string[] | undefined, base: URL): URL | undefined {
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!value) return undefined;
  for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const params = match[2] ?? '';
    if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params)) return new URL(match[1]!, base);
  }
  return undefined;
}

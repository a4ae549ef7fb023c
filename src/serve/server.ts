// The HTTPS edge: routes, client-certificate check, body cap, and the answers. Everything between
// the parsed request and the response body is the pure code beside this file.
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { oneLine } from '../core/errors';
import type { Logger } from '../core/log';
import { inertText } from '../core/untrusted-text';
import { admissionResponse, parseAdmissionReview } from './admission';
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from './body';
import { parseProviderRequest, providerResponse, providerSystemError } from './gatekeeper';
import { HttpError } from './http-error';
import type { Metrics } from './metrics';
import { failures, type ImageVerdict } from './verdict';
import type { Verifier } from './verifier';

export interface ServerTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** With it, POST endpoints answer only clients whose certificate this CA signed. */
  clientCa?: string | Buffer;
}

export interface ServerOptions {
  host?: string;
  port: number;
  tls: ServerTls;
  verifier: Verifier;
  /** `--audit` or the policy's `mode: audit`, read per request (a reload may change it). */
  audit(): boolean;
  metrics: Metrics;
  logger: Logger;
  maxBodyBytes?: number;
  /** Answer deadlines: under Gatekeeper's provider timeout, and under the webhook's timeoutSeconds. */
  gatekeeperDeadlineMs?: number;
  webhookDeadlineMs?: number;
}

export interface RunningServer {
  port: number;
  /** /readyz turns 503 first, then in-flight requests finish, then the listener closes. */
  close(): Promise<void>;
}

/** Under the 2 s Provider timeout `policy render --engine gatekeeper` writes (Gatekeeper's own webhook waits 3 s by default). */
export const GATEKEEPER_DEADLINE_MS = 1500;
/** The API server's default webhook timeoutSeconds is 10. */
export const WEBHOOK_DEADLINE_MS = 9000;

type Route = 'gatekeeper' | 'validate' | 'healthz' | 'readyz' | 'metrics';
const ROUTES: Record<string, { route: Route; method: 'GET' | 'POST' }> = {
  '/gatekeeper': { route: 'gatekeeper', method: 'POST' },
  '/validate': { route: 'validate', method: 'POST' },
  '/healthz': { route: 'healthz', method: 'GET' },
  '/readyz': { route: 'readyz', method: 'GET' },
  '/metrics': { route: 'metrics', method: 'GET' },
};

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let draining = false;
  const server = https.createServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      minVersion: 'TLSv1.2',
      // The certificate is asked for and checked here, but judged per route: kubelet probes of
      // /healthz and /readyz carry none.
      ...(opts.tls.clientCa ? { ca: opts.tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
    },
    (req, res) => {
      void handle(req, res);
    },
  );
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 30_000;

  const count = (route: string, code: number, start: bigint) => {
    opts.metrics.inc('ship_image_serve_requests_total', 'HTTP requests answered, by endpoint and status code', { endpoint: route, code: String(code) });
    opts.metrics.observe('ship_image_serve_request_duration_seconds', 'Time to answer a request, by endpoint', Number(process.hrtime.bigint() - start) / 1e9, { endpoint: route });
  };

  const countVerdicts = (verdicts: ReadonlyMap<string, ImageVerdict>) => {
    for (const v of verdicts.values()) {
      const verdict = v.kind === 'verified' ? (v.passed ? 'passed' : 'failed') : v.kind;
      opts.metrics.inc('ship_image_serve_verdicts_total', 'Image verdicts given: passed, failed (a rule failed), uncovered (outside spec.images), error (no verdict: fail closed)', { verdict });
      for (const f of failures(v)) opts.metrics.inc('ship_image_serve_rule_failures_total', 'Failed rules in the verdicts given, by rule', { rule: f.rule });
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const start = process.hrtime.bigint();
    const url = (req.url ?? '/').split('?')[0]!;
    const entry = Object.hasOwn(ROUTES, url) ? ROUTES[url]! : undefined;
    const route = entry?.route ?? 'unknown';
    const send = (code: number, body: string, type = 'application/json') => {
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...(code === 413 ? { connection: 'close' } : {}) });
      res.end(body);
      count(route, code, start);
    };
    try {
      if (!entry) throw new HttpError(404, `no endpoint ${inertText(url, { max: 200 })}; serve answers POST /gatekeeper, POST /validate, GET /healthz, /readyz, /metrics`);
      if (req.method !== entry.method) throw new HttpError(405, `${url} takes ${entry.method}`);
      if (entry.method === 'POST' && opts.tls.clientCa && !(req.socket as TLSSocket).authorized) {
        throw new HttpError(403, `a client certificate signed by the --client-ca is required (${(req.socket as TLSSocket).authorizationError ?? 'none presented'})`);
      }
      switch (entry.route) {
        case 'healthz':
          return send(200, 'ok\n', 'text/plain');
        case 'readyz':
          return draining ? send(503, 'shutting down\n', 'text/plain') : send(200, 'ok\n', 'text/plain');
        case 'metrics':
          return send(200, opts.metrics.render(), 'text/plain; version=0.0.4');
        case 'gatekeeper': {
          const keys = parseProviderRequest(await readJsonBody(req, maxBody));
          const verdicts = await opts.verifier.verdicts(keys, opts.gatekeeperDeadlineMs ?? GATEKEEPER_DEADLINE_MS);
          countVerdicts(verdicts);
          return send(200, JSON.stringify(providerResponse(keys, verdicts, opts.audit())));
        }
        case 'validate': {
          const reviewed = parseAdmissionReview(await readJsonBody(req, maxBody));
          const verdicts = await opts.verifier.verdicts(reviewed.images, opts.webhookDeadlineMs ?? WEBHOOK_DEADLINE_MS);
          countVerdicts(verdicts);
          const review = admissionResponse(reviewed, verdicts, opts.audit());
          if (!review.response!.allowed) opts.logger.info(`serve: denied ${reviewed.kind} ${reviewed.uid}: ${review.response!.status?.message ?? ''}`);
          return send(200, JSON.stringify(review));
        }
      }
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = inertText(err instanceof HttpError ? err.message : `internal error: ${oneLine(err)}`, { max: 1000 });
      if (status === 500) opts.logger.warn(`serve: ${route}: ${message}`);
      // Gatekeeper reads the body whatever the status: a systemError says why in its own shape.
      if (route === 'gatekeeper') send(status, JSON.stringify(providerSystemError(message)));
      else send(status, `${message}\n`, 'text/plain');
      // An unread oversized body is not drained: once the answer is out, the connection goes.
      if (status === 413) {
        if (res.writableFinished) req.socket.destroy();
        else res.once('finish', () => req.socket.destroy());
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      draining = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

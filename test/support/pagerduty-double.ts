/**
 * TEST DOUBLE of PagerDuty's Events API v2 (PagerDuty cannot run here): POST /v2/enqueue on a
 * loopback server, speaking the documented wire format. A valid event gets 202
 * `{"status":"success","message":"Event processed","dedup_key":...}`; an invalid one 400
 * `{"status":"invalid event","message":"Event object is invalid","errors":[...]}`. It can be told
 * to answer the next requests with 429 (with Retry-After), 500 or 400. It keeps the alerts it
 * holds by dedup_key, as PagerDuty does: a trigger opens (or re-triggers) one, a resolve closes it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerDutyDoubleEvent {
  [key: string]: unknown;
  routing_key: string;
  event_action: string;
  dedup_key?: string;
}

export interface PagerDutyDouble {
  /** The enqueue URL: `http://127.0.0.1:PORT/v2/enqueue`. */
  url: string;
  /** Every request body received (parsed), failed ones included, in order. */
  received: PagerDutyDoubleEvent[];
  /** Accepted events only. */
  accepted: PagerDutyDoubleEvent[];
  /** dedup_key → 'triggered' | 'resolved'. */
  alerts: Map<string, 'triggered' | 'resolved'>;
  /** Answer the next requests with these statuses (then normally). */
  failNext(...statuses: Array<429 | 500 | 502 | 503 | 400>): void;
  /** Retry-After sent with a 429 (seconds; default 1). */
  retryAfterSeconds: number;
  stop(): Promise<void>;
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

function problems(e: Record<string, unknown>, routingKeys: Set<string> | undefined): string[] {
  const out: string[] = [];
  if (typeof e.routing_key !== 'string' || e.routing_key.length !== 32) out.push("'routing_key' must be a 32 character string");
  else if (routingKeys && !routingKeys.has(e.routing_key)) out.push("'routing_key' is not a valid integration key");
  if (!['trigger', 'acknowledge', 'resolve'].includes(String(e.event_action))) out.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (e.dedup_key !== undefined && (typeof e.dedup_key !== 'string' || e.dedup_key.length > 255)) out.push("'dedup_key' must be a string of at most 255 characters");
  if (e.event_action !== 'trigger') {
    if (typeof e.dedup_key !== 'string') out.push("'dedup_key' is required for acknowledge and resolve events");
    return out;
  }
  const p = e.payload as Record<string, unknown> | undefined;
  if (!p || typeof p !== 'object') return [...out, "'payload' is missing or blank"];
  if (typeof p.summary !== 'string' || p.summary === '' || p.summary.length > 1024) out.push("'payload.summary' is missing, blank or longer than 1024 characters");
  if (typeof p.source !== 'string' || p.source === '') out.push("'payload.source' is missing or blank");
  if (!SEVERITIES.includes(String(p.severity))) out.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
  return out;
}

export async function startPagerDutyDouble(opts: { routingKeys?: string[] } = {}): Promise<PagerDutyDouble> {
  const received: PagerDutyDoubleEvent[] = [];
  const accepted: PagerDutyDoubleEvent[] = [];
  const alerts = new Map<string, 'triggered' | 'resolved'>();
  const failures: number[] = [];
  const keys = opts.routingKeys ? new Set(opts.routingKeys) : undefined;
  let counter = 0;
  const double: PagerDutyDouble = {
    url: '',
    received,
    accepted,
    alerts,
    failNext: (...statuses) => failures.push(...statuses),
    retryAfterSeconds: 1,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/v2/enqueue') return send(404, { status: 'not found' });
      let event: PagerDutyDoubleEvent;
      try {
        event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PagerDutyDoubleEvent;
      } catch {
        return send(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Malformed JSON'] });
      }
      received.push(event);
      const forced = failures.shift();
      if (forced === 429) return send(429, { status: 'throttle event', message: 'Requests for this service are arriving too quickly. Please retry later.' }, { 'retry-after': String(double.retryAfterSeconds) });
      if (forced !== undefined && forced >= 500) return send(forced, { status: 'error', message: 'Internal Server Error' });
      if (forced === 400) return send(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['forced by the test'] });
      if (req.headers['content-type'] !== 'application/json') return send(400, { status: 'invalid event', message: 'Event object is invalid', errors: ['Content-Type must be application/json'] });
      const bad = problems(event, keys);
      if (bad.length > 0) return send(400, { status: 'invalid event', message: 'Event object is invalid', errors: bad });
      const dedup = event.dedup_key ?? `generated-${++counter}`;
      accepted.push(event);
      if (event.event_action === 'trigger') alerts.set(dedup, 'triggered');
      if (event.event_action === 'resolve' && alerts.has(dedup)) alerts.set(dedup, 'resolved');
      send(202, { status: 'success', message: 'Event processed', dedup_key: dedup });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/enqueue`;
  return double;
}

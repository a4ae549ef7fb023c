/**
 * TEST DOUBLE of a Slack incoming webhook (Slack cannot run here): POST /services/T…/B…/SECRET on a
 * loopback server, speaking the documented wire format: 200 with the body `ok`; 400
 * `invalid_payload` for a body that is not JSON or has neither text nor blocks, `no_text`; 403
 * `invalid_token` for another path; and, when told, 429 (Retry-After) or 500 `rollup_error`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackDouble {
  /** The webhook URL (its path is the secret). */
  url: string;
  /** Messages accepted, parsed. */
  messages: Array<Record<string, unknown>>;
  /** Requests received (failed ones included). */
  requests: number;
  failNext(...statuses: Array<429 | 500 | 400>): void;
  stop(): Promise<void>;
}

export async function startSlackDouble(): Promise<SlackDouble> {
  const path = '/services/T0000TEST/B0000TEST/' + 'x'.repeat(24);
  const messages: Array<Record<string, unknown>> = [];
  const failures: number[] = [];
  const double: SlackDouble = {
    url: '',
    messages,
    requests: 0,
    failNext: (...s) => failures.push(...s),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      double.requests++;
      const send = (status: number, text: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'text/html', ...headers });
        res.end(text);
      };
      if (req.method !== 'POST' || req.url !== path) return send(403, 'invalid_token');
      const forced = failures.shift();
      if (forced === 429) return send(429, 'rate_limited', { 'retry-after': '1' });
      if (forced === 500) return send(500, 'rollup_error');
      if (forced === 400) return send(400, 'invalid_payload');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(400, 'invalid_payload');
      }
      if (typeof body !== 'object' || body === null) return send(400, 'invalid_payload');
      if (typeof body.text !== 'string' && !Array.isArray(body.blocks)) return send(400, 'no_text');
      messages.push(body);
      send(200, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return double;
}

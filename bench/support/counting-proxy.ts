/**
 * A loopback HTTP proxy in front of a registry that counts what goes through it: requests (by client:
 * trivy or ship-image, told apart by User-Agent), bytes uploaded, and bytes uploaded for blobs the
 * repository already held (re-uploads: a blob seen by a successful HEAD/GET, upload or mount before).
 * The Host header is passed on unchanged, so the registry's upload Locations point back at the proxy.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyCounts {
  requests: number;
  byClient: Record<string, number>;
  bytesUploaded: number;
  bytesReuploaded: number;
  blobsReuploaded: number;
}

export interface CountingProxy {
  /** host:port to give clients instead of the registry's. */
  host: string;
  reset(): void;
  counts(): ProxyCounts;
  stop(): Promise<void>;
}

const BLOB = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/;
const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/([^/?]*)$/;

function clientOf(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').toLowerCase();
  if (ua.includes('trivy') || ua.includes('go-containerregistry') || ua.includes('go-http-client')) return 'trivy';
  if (ua.includes('ship-image')) return 'ship-image';
  return 'other';
}

export async function startCountingProxy(target: { hostname: string; port: number }): Promise<CountingProxy> {
  const present = new Set<string>();
  /** Bytes sent so far per upload session (its path), credited when the final PUT names the digest. */
  const sessionBytes = new Map<string, number>();
  let counts: ProxyCounts = fresh();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    counts.requests++;
    const client = clientOf(req.headers['user-agent']);
    counts.byClient[client] = (counts.byClient[client] ?? 0) + 1;
    let sent = 0;
    req.on('data', (chunk: Buffer) => (sent += chunk.length));
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const status = up.statusCode ?? 0;
      const blob = BLOB.exec(url.pathname);
      const upload = UPLOAD.exec(url.pathname);
      if (blob && (req.method === 'HEAD' || req.method === 'GET') && status === 200) present.add(`${blob[1]}@${blob[2]}`);
      if (upload) {
        const repo = upload[1]!;
        const mount = url.searchParams.get('mount');
        if (req.method === 'POST' && mount && status === 201) present.add(`${repo}@${mount}`);
        const session = url.pathname;
        const total = (sessionBytes.get(session) ?? 0) + sent;
        counts.bytesUploaded += sent;
        const digest = url.searchParams.get('digest');
        if (req.method === 'PUT' && digest) {
          sessionBytes.delete(session);
          if (status === 201) {
            if (present.has(`${repo}@${digest}`)) {
              counts.bytesReuploaded += total;
              counts.blobsReuploaded++;
            }
            present.add(`${repo}@${digest}`);
          }
        } else if (req.method === 'PATCH') {
          sessionBytes.set(session, total);
        } else if (req.method === 'POST' && status === 202 && up.headers.location) {
          // a monolithic POST carries no body; the session is named by the Location it gets
          sessionBytes.set(new URL(up.headers.location, 'http://proxy').pathname, sent);
        }
      } else if (sent) {
        counts.bytesUploaded += sent;
      }
      res.writeHead(status, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  // the registry client first tries TLS on a loopback host: answer as a plain HTTP server does, so
  // its TLS handshake fails with EPROTO and it falls back to HTTP
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    reset: () => {
      counts = fresh();
    },
    counts: () => ({ ...counts, byClient: { ...counts.byClient } }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function fresh(): ProxyCounts {
  return { requests: 0, byClient: {}, bytesUploaded: 0, bytesReuploaded: 0, blobsReuploaded: 0 };
}

/**
 * TEST DOUBLE of a registry that supports the distribution-spec 1.1 referrers API. The real thing
 * (zot) runs in the GitHub e2e workflow; here it is a small reverse proxy in front of a real
 * CNCF distribution 2.8 registry (which has no referrers API) that:
 *   - forwards a manifest PUT; if the manifest has a `subject`, records its descriptor under
 *     <repo>@<subject digest> and answers with `OCI-Subject: <subject digest>`;
 *   - forgets a manifest when a DELETE by digest succeeds;
 *   - answers GET /v2/<name>/referrers/<digest>[?artifactType=X] with an OCI image index,
 *     filtered (and saying so in `OCI-Filters-Applied`) when `filterSupport`, paginated with a
 *     `Link: <...>; rel="next"` header when `pageSize` is set;
 *   - proxies everything else byte for byte, rewriting upstream Location/Link URLs to its own.
 * The referrers it knows are only those pushed through it, and it does no auth of its own.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestRegistry } from './registry';

export interface ReferrersDoubleOptions {
  /** apply ?artifactType= filtering and say so (default true) */
  filterSupport?: boolean;
  /** at most this many descriptors per page, with a Link header to the next page */
  pageSize?: number;
}

export interface ReferrersDouble {
  host: string;
  url: string;
  stop(): Promise<void>;
}

interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

interface PushedManifest {
  mediaType?: string;
  artifactType?: string;
  config?: { mediaType?: string };
  subject?: { digest?: string };
  annotations?: Record<string, string>;
}

const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const REFERRERS_PATH = /^\/v2\/(.+)\/referrers\/([^/]+)$/;
const MANIFEST_PATH = /^\/v2\/(.+)\/manifests\/([^/]+)$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const PAGE_PARAM = 'page';

export async function startReferrersDouble(upstream: TestRegistry, opts: ReferrersDoubleOptions = {}): Promise<ReferrersDouble> {
  const filterSupport = opts.filterSupport ?? true;
  const pageSize = opts.pageSize;
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize > 0)) {
    throw new Error(`pageSize must be a positive integer, got ${pageSize}`);
  }
  /** `<repo>@<subject digest>` -> referrer descriptors in push order */
  const referrers = new Map<string, ReferrerDescriptor[]>();
  let selfUrl = '';

  const forward = (req: http.IncomingMessage, body: Buffer | undefined): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const target = new URL(req.url ?? '/', upstream.url);
      const mod = target.protocol === 'https:' ? https : http;
      const headers = { ...req.headers, host: upstream.host };
      const out = mod.request(target, { method: req.method, headers, ca: upstream.caPem, agent: false }, resolve);
      out.on('error', reject);
      if (body) out.end(body);
      else req.pipe(out);
    });

  const relay = (upstreamRes: http.IncomingMessage, res: http.ServerResponse, extra: Record<string, string> = {}): void => {
    const headers: http.OutgoingHttpHeaders = { ...upstreamRes.headers, ...extra };
    for (const name of ['location', 'link']) {
      const value = headers[name];
      if (typeof value === 'string') headers[name] = value.split(upstream.url).join(selfUrl);
    }
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
    upstreamRes.pipe(res);
  };

  const answerReferrers = (req: http.IncomingMessage, res: http.ServerResponse, repo: string, subject: string): void => {
    if (!DIGEST.test(subject)) {
      return json(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'invalid digest' }] });
    }
    const query = new URL(req.url ?? '/', 'http://double.invalid').searchParams;
    const artifactType = query.get('artifactType');
    let list = referrers.get(`${repo}@${subject}`) ?? [];
    const headers: Record<string, string> = { 'content-type': INDEX_MEDIA_TYPE };
    if (artifactType && filterSupport) {
      list = list.filter((d) => d.artifactType === artifactType);
      headers['oci-filters-applied'] = 'artifactType';
    }
    if (pageSize !== undefined) {
      const start = Number(query.get(PAGE_PARAM) ?? '0') || 0;
      const end = start + pageSize;
      if (end < list.length) {
        const next = new URLSearchParams();
        if (artifactType) next.set('artifactType', artifactType);
        next.set(PAGE_PARAM, String(end));
        headers.link = `</v2/${repo}/referrers/${subject}?${next.toString()}>; rel="next"`;
      }
      list = list.slice(start, end);
    }
    json(res, 200, { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: list }, headers, req.method === 'HEAD');
  };

  const putManifest = async (req: http.IncomingMessage, res: http.ServerResponse, repo: string): Promise<void> => {
    const body = await readAll(req);
    const upstreamRes = await forward(req, body);
    const parsed = upstreamRes.statusCode === 201 ? parseManifest(body) : undefined;
    const subject = parsed?.subject?.digest;
    if (!parsed || !subject) return relay(upstreamRes, res);

    const digestHeader = upstreamRes.headers['docker-content-digest'];
    const descriptor: ReferrerDescriptor = {
      mediaType: parsed.mediaType ?? String(req.headers['content-type'] ?? ''),
      digest: typeof digestHeader === 'string' ? digestHeader : `sha256:${createHash('sha256').update(body).digest('hex')}`,
      size: body.length,
    };
    const artifactType = parsed.artifactType ?? parsed.config?.mediaType;
    if (artifactType) descriptor.artifactType = artifactType;
    if (parsed.annotations) descriptor.annotations = parsed.annotations;
    const key = `${repo}@${subject}`;
    const list = (referrers.get(key) ?? []).filter((d) => d.digest !== descriptor.digest);
    list.push(descriptor);
    referrers.set(key, list);
    relay(upstreamRes, res, { 'oci-subject': subject });
  };

  const deleteManifest = async (req: http.IncomingMessage, res: http.ServerResponse, repo: string, ref: string): Promise<void> => {
    const upstreamRes = await forward(req, undefined);
    if (upstreamRes.statusCode === 202 && DIGEST.test(ref)) {
      for (const [key, list] of referrers) {
        if (key.startsWith(`${repo}@`)) referrers.set(key, list.filter((d) => d.digest !== ref));
      }
    }
    relay(upstreamRes, res);
  };

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://double.invalid').pathname;
    const referrersMatch = REFERRERS_PATH.exec(pathname);
    const manifestMatch = MANIFEST_PATH.exec(pathname);
    let work: Promise<void>;
    if (referrersMatch && (req.method === 'GET' || req.method === 'HEAD')) {
      work = Promise.resolve(answerReferrers(req, res, referrersMatch[1], referrersMatch[2]));
    } else if (manifestMatch && req.method === 'PUT') {
      work = putManifest(req, res, manifestMatch[1]);
    } else if (manifestMatch && req.method === 'DELETE') {
      work = deleteManifest(req, res, manifestMatch[1], manifestMatch[2]);
    } else {
      work = forward(req, undefined).then((upstreamRes) => relay(upstreamRes, res));
    }
    work.catch((err: Error) => {
      if (!res.headersSent) json(res, 502, { errors: [{ code: 'UNKNOWN', message: `referrers double: ${err.message}` }] });
      else res.destroy(err);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  selfUrl = `http://${host}`;

  let stopped: Promise<void> | undefined;
  return {
    host,
    url: selfUrl,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function parseManifest(body: Buffer): PushedManifest | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' ? (value as PushedManifest) : undefined;
  } catch {
    return undefined;
  }
}

function readAll(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}, headOnly = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(text),
    'docker-distribution-api-version': 'registry/2.0',
  });
  res.end(headOnly ? undefined : text);
}

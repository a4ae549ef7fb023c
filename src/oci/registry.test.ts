/**
 * The repository client against a hostile / scripted registry on loopback: oversized bodies,
 * wrong digests, pagination, conditional PUTs, relative upload locations, retries.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Digest } from './digest';
import { DigestMismatchError, ResponseTooLargeError } from './errors';
import { OCI_INDEX, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from './media-types';
import { RegistryClient } from './registry';
import { ConflictError, NotFoundError } from './store';

type Route = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => boolean | void;

const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', digest: sha256Digest('c'), size: 1 }, layers: [] }));
const manifestDigest = sha256Digest(manifest);
const otherManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'y', digest: sha256Digest('d'), size: 1 }, layers: [] }));
const blob = Buffer.from('the real blob bytes');
const blobDigest = sha256Digest(blob);

describe('RegistryRepository against a hostile registry', () => {
  let server: http.Server;
  let host: string;
  let client: RegistryClient;
  const requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
  let flaky = 0;
  let linkRace = 0;

  const routes: Record<string, Route> = {
    'GET /v2/h/manifests/huge': (_q, res) => res.end(Buffer.alloc(5 * 1024 * 1024, 32)),
    'GET /v2/h/manifests/huge-chunked': (_q, res) => {
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST });
      for (let i = 0; i < 5; i++) res.write(Buffer.alloc(1024 * 1024, 32));
      res.end();
    },
    [`GET /v2/h/manifests/${manifestDigest}`]: (_q, res) => {
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST });
      res.end(otherManifest);
    },
    'GET /v2/h/manifests/liar': (_q, res) => {
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': manifestDigest });
      res.end(otherManifest);
    },
    'GET /v2/h/manifests/honest': (_q, res) => {
      res.writeHead(200, { 'Content-Type': `${OCI_MANIFEST}; charset=utf-8`, 'Docker-Content-Digest': manifestDigest });
      res.end(manifest);
    },
    'HEAD /v2/h/manifests/bare': (_q, res) => res.end(), // no digest header: the client falls back to GET
    'GET /v2/h/manifests/bare': (_q, res) => res.end(manifest),
    [`GET /v2/h/blobs/${blobDigest}`]: (_q, res) => res.end(Buffer.from('the fake blob bytes')),
    [`GET /v2/h/blobs/${sha256Digest('short')}`]: (_q, res) => {
      res.writeHead(200); // chunked: length unknown until the end
      res.write('short');
      res.end(' and then some more');
    },
    'GET /v2/h/flaky/manifests/v1': (_q, res) => {
      if (flaky++ < 2) {
        res.writeHead(503, { 'Retry-After': '0' });
        res.end();
        return;
      }
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST });
      res.end(manifest);
    },
    'GET /v2/h/tags/list': (req, res) => {
      const last = new URL(req.url ?? '', 'http://x').searchParams.get('last');
      const pages: Record<string, [string[], string | undefined]> = {
        '': [['a', 'b'], '</v2/h/tags/list?n=2&last=b>; rel="next"'],
        b: [['c', 'd'], `<http://${host}/v2/h/tags/list?n=2&last=d>; rel="next"`],
        d: [['e'], undefined],
      };
      const [tags, link] = pages[last ?? '']!;
      if (link) res.setHeader('Link', link);
      res.end(JSON.stringify({ name: 'h', tags }));
    },
    [`GET /v2/h/referrers/${manifestDigest}`]: (_q, res) => {
      res.writeHead(404);
      res.end('404 page not found');
    },
    'PUT /v2/h/manifests/locked': (req, res) => {
      res.writeHead(req.headers['if-match'] === `"${manifestDigest}"` ? 201 : 412, { 'Docker-Content-Digest': sha256Digest(manifest) });
      res.end();
    },
    'PUT /v2/h/manifests/link-race': (_q, res) => {
      // As distribution answers while another client's commit of a named blob rewrites its link.
      if (linkRace++ < 2) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'DIGEST_INVALID', message: 'provided digest did not match uploaded content' }, { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }] }));
        return;
      }
      res.writeHead(201);
      res.end();
    },
    'PUT /v2/h/manifests/blob-missing': (_q, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }] }));
    },
    'PUT /v2/h/manifests/invalid': (_q, res) => {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] }));
    },
    'PUT /v2/h/manifests/fresh': (req, res) => {
      res.writeHead(req.headers['if-none-match'] === '*' ? 412 : 201);
      res.end();
    },
    [`PUT /v2/h/manifests/${manifestDigest}`]: (_q, res) => {
      res.writeHead(201, { 'OCI-Subject': sha256Digest('subject'), 'Docker-Content-Digest': manifestDigest });
      res.end();
    },
    [`HEAD /v2/h/blobs/${sha256Digest('upload me')}`]: (_q, res) => {
      res.writeHead(404);
      res.end();
    },
    'POST /v2/h/blobs/uploads/': (_q, res) => {
      res.writeHead(202, { Location: '/v2/h/blobs/uploads/u1?_state=a%2Bb%3D%3D' });
      res.end();
    },
    'PUT /v2/h/blobs/uploads/u1': (req, res, body) => {
      const q = new URL(req.url ?? '', 'http://x').searchParams;
      const good = q.get('_state') === 'a+b==' && q.get('digest') === sha256Digest('upload me') && body.toString() === 'upload me';
      res.writeHead(good ? 201 : 400);
      res.end();
    },
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        const route = routes[`${req.method} ${new URL(req.url ?? '', 'http://x').pathname}`];
        if (route) route(req, res, Buffer.concat(chunks));
        else {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new RegistryClient({ backoffBaseMs: 1 });
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const repo = () => client.repository(host, 'h');

  it('refuses manifests over 4 MiB, announced or streamed', async () => {
    await expect(repo().getManifest('huge')).rejects.toThrow(ResponseTooLargeError);
    await expect(repo().getManifest('huge-chunked')).rejects.toThrow(/over the 4194304-byte limit/);
  });

  it('refuses a manifest whose bytes do not hash to the digest asked for or announced', async () => {
    await expect(repo().getManifest(manifestDigest)).rejects.toThrow(DigestMismatchError);
    await expect(repo().getManifest('liar')).rejects.toThrow(/GET manifest h:liar: the bytes hash to sha256:[a-f0-9]{64}, expected/);
    const ok = await repo().getManifest('honest');
    expect(ok.descriptor).toEqual({ mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length });
  });

  it('resolves through GET when HEAD leaves out the digest', async () => {
    expect(await repo().resolve('bare')).toEqual({ mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length });
  });

  it('refuses blob bytes that do not match the digest, or run past the size', async () => {
    await expect(repo().getBlob({ digest: blobDigest, size: blob.length })).rejects.toThrow(/GET blob h@sha256:[a-f0-9]{64}: the bytes hash to/);
    await expect(repo().getBlob({ digest: sha256Digest('short'), size: 5 })).rejects.toThrow(/more bytes arrived than the 5/);
  });

  it('retries 503 answers', async () => {
    const got = await client.repository(host, 'h/flaky').getManifest('v1');
    expect(got.descriptor.digest).toBe(manifestDigest);
    expect(flaky).toBe(3);
  });

  it('follows tag pages through Link headers (relative and absolute)', async () => {
    expect(await repo().listTags(2)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('returns undefined from referrersApi on 404', async () => {
    expect(await repo().referrersApi(manifestDigest)).toBeUndefined();
  });

  it('sends conditional PUT headers and maps 412 to ConflictError', async () => {
    await expect(repo().putManifest(manifest, OCI_MANIFEST, 'locked', { ifMatch: sha256Digest('stale') })).rejects.toThrow(ConflictError);
    await expect(repo().putManifest(manifest, OCI_MANIFEST, 'locked', { ifMatch: manifestDigest })).resolves.toMatchObject({ subjectIndexed: false });
    await expect(repo().putManifest(manifest, OCI_MANIFEST, 'fresh', { ifNoneMatch: true })).rejects.toThrow(/PUT manifest h:fresh failed: 412/);
  });

  it('tries a manifest refused for an unknown blob again (distribution link race), then believes it', async () => {
    const puts = (tag: string) => requests.filter((r) => r.method === 'PUT' && r.url === `/v2/h/manifests/${tag}`).length;
    await expect(repo().putManifest(manifest, OCI_MANIFEST, 'link-race')).resolves.toMatchObject({ descriptor: { digest: manifestDigest } });
    expect(puts('link-race')).toBe(3);
    await expect(repo().putManifest(manifest, OCI_MANIFEST, 'blob-missing')).rejects.toThrow(/400 MANIFEST_BLOB_UNKNOWN/);
    expect(puts('blob-missing')).toBe(4);
    await expect(repo().putManifest(manifest, OCI_MANIFEST, 'invalid')).rejects.toThrow(/400 MANIFEST_INVALID/);
    expect(puts('invalid')).toBe(1);
  });

  it('reports subjectIndexed from OCI-Subject', async () => {
    const put = await repo().putManifest(manifest, OCI_MANIFEST);
    expect(put).toEqual({ descriptor: { mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifest.length }, subjectIndexed: true });
  });

  it('uploads to a relative Location keeping its query intact', async () => {
    const desc = await repo().putBlob(Buffer.from('upload me'), OCI_LAYER_TAR_GZIP);
    expect(desc.digest).toBe(sha256Digest('upload me'));
    const put = requests.filter((r) => r.method === 'PUT' && r.url.startsWith('/v2/h/blobs/uploads/u1')).pop();
    expect(put?.url).toBe(`/v2/h/blobs/uploads/u1?_state=a%2Bb%3D%3D&digest=${encodeURIComponent(sha256Digest('upload me'))}`);
  });

  it('maps unknown repositories to NotFoundError and sends the manifest Accept list', async () => {
    await expect(client.repository(host, 'nope').getManifest('v1')).rejects.toThrow(NotFoundError);
    const get = requests.filter((r) => r.url === '/v2/nope/manifests/v1').pop();
    expect(String(get?.headers.accept)).toContain(OCI_INDEX);
    expect(String(get?.headers.accept)).toContain('application/vnd.docker.distribution.manifest.list.v2+json');
  });
});

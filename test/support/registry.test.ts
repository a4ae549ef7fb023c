import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { startReferrersDouble, type ReferrersDouble } from './referrers-double';
import { startRegistry, type TestRegistry } from './registry';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface RequestOptions {
  method?: string;
  headers?: http.OutgoingHttpHeaders;
  ca?: string;
  body?: string;
}

function request(url: string, opts: RequestOptions = {}): Promise<Answer> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method: opts.method ?? 'GET', headers: opts.headers, ca: opts.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Parse `Bearer realm="..",service="..",scope=".."` into its parameters. */
function challenge(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of (header ?? '').matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return params;
}

async function fetchToken(registry: TestRegistry, scope: string, auth?: string): Promise<Answer> {
  const first = await request(`${registry.url}/v2/`);
  const { realm, service } = challenge(first.headers['www-authenticate']);
  const url = `${realm}?service=${encodeURIComponent(service)}&scope=${encodeURIComponent(scope)}`;
  return request(url, { headers: auth ? { authorization: auth } : {} });
}

const EMPTY_BLOB_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function pushBlob(base: string, repo: string, content: string): Promise<string> {
  const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
  const start = await request(`${base}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': 0 } });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.location!, base);
  location.searchParams.set('digest', digest);
  const put = await request(location.toString(), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(content) },
    body: content,
  });
  expect(put.status).toBe(201);
  return digest;
}

async function pushManifest(base: string, repo: string, ref: string, manifest: object): Promise<string> {
  const body = JSON.stringify(manifest);
  const put = await request(`${base}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { 'content-type': OCI_MANIFEST, 'content-length': Buffer.byteLength(body) },
    body,
  });
  expect(put.status).toBe(201);
  return put.headers['docker-content-digest'] as string;
}

function emptyManifest(): object {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_BLOB_DIGEST, size: 2 },
    layers: [],
  };
}

describe('open registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('open');
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('answers /v2/ with 200 on loopback', async () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(registry.url).toBe(`http://${registry.host}`);
    const answer = await request(`${registry.url}/v2/`);
    expect(answer.status).toBe(200);
    expect(answer.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('takes a blob and a manifest, and deletes manifests by default', async () => {
    // distribution 2.8 answers a monolithic POST ?digest= with 202 (an upload session), so POST then PUT
    await pushBlob(registry.url, 'harness', '{}');
    const head = await request(`${registry.url}/v2/harness/blobs/${EMPTY_BLOB_DIGEST}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const digest = await pushManifest(registry.url, 'harness', 'v1', emptyManifest());
    const del = await request(`${registry.url}/v2/harness/manifests/${digest}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
  });

  it('refuses deletes when started with deleteEnabled: false', async () => {
    const frozen = await startRegistry('open', { deleteEnabled: false });
    try {
      await pushBlob(frozen.url, 'harness', '{}');
      const digest = await pushManifest(frozen.url, 'harness', 'v1', emptyManifest());
      const del = await request(`${frozen.url}/v2/harness/manifests/${digest}`, { method: 'DELETE' });
      expect(del.status).toBe(405);
    } finally {
      await frozen.stop();
    }
  });

  it('stop() kills the registry and is idempotent', async () => {
    const other = await startRegistry('open');
    await other.stop();
    await other.stop();
    await expect(request(`${other.url}/v2/`)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('htpasswd-tls registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('htpasswd-tls');
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('serves HTTPS with a certificate from the test CA', async () => {
    expect(registry.url).toBe(`https://${registry.host}`);
    expect(registry.caPem).toContain('BEGIN CERTIFICATE');
    expect(registry.caFile).toBeDefined();
    await expect(request(`${registry.url}/v2/`)).rejects.toThrow(/certificate/i);
  });

  it('asks for basic credentials and accepts the test user', async () => {
    const anonymous = await request(`${registry.url}/v2/`, { ca: registry.caPem });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);

    const wrong = await request(`${registry.url}/v2/`, { ca: registry.caPem, headers: { authorization: basic(registry.username!, 'wrong') } });
    expect(wrong.status).toBe(401);

    const right = await request(`${registry.url}/v2/`, {
      ca: registry.caPem,
      headers: { authorization: basic(registry.username!, registry.password!) },
    });
    expect(right.status).toBe(200);
  });
});

describe('token registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('token');
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('challenges with a Bearer realm on the loopback token server', async () => {
    const answer = await request(`${registry.url}/v2/`);
    expect(answer.status).toBe(401);
    const params = challenge(answer.headers['www-authenticate']);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(params.realm).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/token$/);
    expect(params.service).toBeTruthy();

    const blob = await request(`${registry.url}/v2/some/repo/blobs/${EMPTY_BLOB_DIGEST}`, { method: 'HEAD' });
    expect(blob.status).toBe(401);
    expect(challenge(blob.headers['www-authenticate']).scope).toBe('repository:some/repo:pull');
  });

  it('issues tokens that open the catalog and a repository', async () => {
    const before = registry.tokenRequests!();
    const auth = basic(registry.username!, registry.password!);

    const catalogToken = await fetchToken(registry, 'registry:catalog:*', auth);
    expect(catalogToken.status).toBe(200);
    const body = JSON.parse(catalogToken.body) as { token: string; access_token: string; expires_in: number; issued_at: string };
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(body.issued_at))).toBe(false);
    const catalog = await request(`${registry.url}/v2/_catalog`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(catalog.status).toBe(200);
    expect(JSON.parse(catalog.body)).toEqual({ repositories: [] });

    const repoToken = JSON.parse((await fetchToken(registry, 'repository:team/app:pull,push', auth)).body) as { token: string };
    const blob = await request(`${registry.url}/v2/team/app/blobs/${EMPTY_BLOB_DIGEST}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${repoToken.token}` },
    });
    expect(blob.status).toBe(404);
    expect(registry.tokenRequests!()).toBe(before + 2);
  });

  it('refuses a wrong password and gives anonymous callers no access', async () => {
    const wrong = await fetchToken(registry, 'repository:team/app:pull', basic(registry.username!, 'wrong'));
    expect(wrong.status).toBe(401);

    const anonymous = await fetchToken(registry, 'repository:team/app:pull');
    expect(anonymous.status).toBe(200);
    const { token } = JSON.parse(anonymous.body) as { token: string };
    const blob = await request(`${registry.url}/v2/team/app/blobs/${EMPTY_BLOB_DIGEST}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(blob.status).toBe(401);
  });

  it('lets a test narrow what the user may do', async () => {
    const auth = basic(registry.username!, registry.password!);
    registry.grant!('*', []);
    registry.grant!('team/readonly', ['pull']);
    try {
      const readonly = JSON.parse((await fetchToken(registry, 'repository:team/readonly:pull,push', auth)).body) as { token: string };
      const claims = JSON.parse(Buffer.from(readonly.token.split('.')[1], 'base64url').toString('utf8')) as {
        access: { type: string; name: string; actions: string[] }[];
      };
      expect(claims.access).toEqual([{ type: 'repository', name: 'team/readonly', actions: ['pull'] }]);
      const pull = await request(`${registry.url}/v2/team/readonly/blobs/${EMPTY_BLOB_DIGEST}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${readonly.token}` },
      });
      expect(pull.status).toBe(404);
      const push = await request(`${registry.url}/v2/team/readonly/blobs/uploads/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${readonly.token}`, 'content-length': 0 },
      });
      expect(push.status).toBe(401);

      const other = JSON.parse((await fetchToken(registry, 'repository:team/other:pull', auth)).body) as { token: string };
      const denied = await request(`${registry.url}/v2/team/other/blobs/${EMPTY_BLOB_DIGEST}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${other.token}` },
      });
      expect(denied.status).toBe(401);
    } finally {
      registry.grant!('*', ['*']);
    }
  });
});

describe('referrers double in front of an open registry', () => {
  const SBOM_TYPE = 'application/vnd.example.sbom+json';
  const SIG_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  let registry: TestRegistry;
  let double: ReferrersDouble;
  let unfiltered: ReferrersDouble;
  let paged: ReferrersDouble;
  let subject: { mediaType: string; digest: string; size: number };

  function referrerManifest(artifactType: string, note: string): object {
    return { ...emptyManifest(), artifactType, subject, annotations: { note } };
  }

  async function referrers(base: string, query = ''): Promise<{ answer: Answer; index: { mediaType: string; manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[] } }> {
    const answer = await request(`${base}/v2/app/referrers/${subject.digest}${query}`);
    return { answer, index: JSON.parse(answer.body) };
  }

  /** each double knows only the referrers pushed through it */
  async function pushBothReferrers(through: ReferrersDouble): Promise<void> {
    await pushManifest(through.url, 'app', 'sbom', referrerManifest(SBOM_TYPE, 'sbom'));
    await pushManifest(through.url, 'app', 'sig', referrerManifest(SIG_TYPE, 'signature'));
  }

  beforeAll(async () => {
    registry = await startRegistry('open');
    double = await startReferrersDouble(registry);
    unfiltered = await startReferrersDouble(registry, { filterSupport: false });
    paged = await startReferrersDouble(registry, { pageSize: 1 });
  });
  afterAll(async () => {
    await double?.stop();
    await unfiltered?.stop();
    await paged?.stop();
    await registry?.stop();
  });

  it('answers the referrers endpoint with an empty index', async () => {
    const answer = await request(`${double.url}/v2/app/referrers/${EMPTY_BLOB_DIGEST}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/vnd.oci.image.index.v1+json');
    expect(JSON.parse(answer.body)).toEqual({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] });
    // the real registry behind it has no referrers API
    expect((await request(`${registry.url}/v2/app/referrers/${EMPTY_BLOB_DIGEST}`)).status).toBe(404);
  });

  it('proxies chunked uploads with Location rewritten to itself', async () => {
    const start = await request(`${double.url}/v2/app/blobs/uploads/`, { method: 'POST', headers: { 'content-length': 0 } });
    expect(start.status).toBe(202);
    expect(start.headers.location).toMatch(new RegExp(`^(${double.url})?/v2/app/blobs/uploads/`));
    expect(start.headers.location).not.toContain(registry.host);
    const patch = await request(new URL(start.headers.location!, double.url).toString(), {
      method: 'PATCH',
      headers: { 'content-type': 'application/octet-stream', 'content-length': 1, 'content-range': '0-0' },
      body: '{',
    });
    expect(patch.status).toBe(202);
    const finish = new URL(patch.headers.location!, double.url);
    expect(finish.host).toBe(double.host);
    finish.searchParams.set('digest', EMPTY_BLOB_DIGEST);
    const put = await request(finish.toString(), { method: 'PUT', headers: { 'content-length': 1 }, body: '}' });
    expect(put.status).toBe(201);
    const head = await request(`${double.url}/v2/app/blobs/${EMPTY_BLOB_DIGEST}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('2');
  });

  it('records referrers pushed through it and answers OCI-Subject', async () => {
    const body = JSON.stringify(emptyManifest());
    const digest = await pushManifest(double.url, 'app', 'v1', emptyManifest());
    subject = { mediaType: OCI_MANIFEST, digest, size: Buffer.byteLength(body) };

    const sbom = JSON.stringify(referrerManifest(SBOM_TYPE, 'sbom'));
    const put = await request(`${double.url}/v2/app/manifests/sha256:${createHash('sha256').update(sbom).digest('hex')}`, {
      method: 'PUT',
      headers: { 'content-type': OCI_MANIFEST, 'content-length': Buffer.byteLength(sbom) },
      body: sbom,
    });
    expect(put.status).toBe(201);
    expect(put.headers['oci-subject']).toBe(subject.digest);
    await pushManifest(double.url, 'app', 'sig', referrerManifest(SIG_TYPE, 'signature'));

    const { answer, index } = await referrers(double.url);
    expect(answer.status).toBe(200);
    expect(answer.headers['oci-filters-applied']).toBeUndefined();
    expect(index.manifests.map((d) => d.artifactType)).toEqual([SBOM_TYPE, SIG_TYPE]);
    expect(index.manifests[0]).toEqual({
      mediaType: OCI_MANIFEST,
      digest: put.headers['docker-content-digest'],
      size: Buffer.byteLength(sbom),
      artifactType: SBOM_TYPE,
      annotations: { note: 'sbom' },
    });
  });

  it('filters by artifactType only when filterSupport is on', async () => {
    const filtered = await referrers(double.url, `?artifactType=${encodeURIComponent(SIG_TYPE)}`);
    expect(filtered.answer.headers['oci-filters-applied']).toBe('artifactType');
    expect(filtered.index.manifests.map((d) => d.annotations?.note)).toEqual(['signature']);

    await pushBothReferrers(unfiltered);
    const raw = await referrers(unfiltered.url, `?artifactType=${encodeURIComponent(SIG_TYPE)}`);
    expect(raw.answer.headers['oci-filters-applied']).toBeUndefined();
    expect(raw.index.manifests).toHaveLength(2);
  });

  it('paginates with a Link header when pageSize is set', async () => {
    await pushBothReferrers(paged);
    const first = await referrers(paged.url);
    expect(first.index.manifests).toHaveLength(1);
    const link = /^<([^>]+)>; rel="next"$/.exec(String(first.answer.headers.link));
    expect(link).not.toBeNull();
    const second = await request(new URL(link![1], `${paged.url}/v2/app/referrers/x`).toString());
    expect(second.headers.link).toBeUndefined();
    const manifests = [...first.index.manifests, ...(JSON.parse(second.body) as { manifests: unknown[] }).manifests];
    expect(manifests.map((d) => (d as { artifactType: string }).artifactType)).toEqual([SBOM_TYPE, SIG_TYPE]);
  });

  it('forgets a referrer deleted by digest', async () => {
    const { index } = await referrers(double.url);
    const del = await request(`${double.url}/v2/app/manifests/${index.manifests[1].digest}`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    const after = await referrers(double.url);
    expect(after.index.manifests.map((d) => d.artifactType)).toEqual([SBOM_TYPE]);
  });
});

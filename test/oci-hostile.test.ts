/**
 * The registry client against a hostile registry (a TEST DOUBLE on loopback, see
 * test/support/hostile-registry.ts): no credential reaches another host, nothing hangs (every
 * request ends with the error that names its bound), nothing grows without bound, and what a
 * registry lists wrongly is set aside with a note instead of failing the whole answer.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { discover } from '../src/discover/tree';
import { renderText } from '../src/discover/render';
import { ResponseTooLargeError, RetryAfterTooLongError } from '../src/oci/errors';
import { HttpConnectionError } from '../src/oci/http';
import { OCI_INDEX, OCI_MANIFEST } from '../src/oci/media-types';
import { findReferrers, pushArtifact } from '../src/oci/referrers';
import { NotFoundError } from '../src/oci/store';
import { RegistryClient, type RegistryClientOptions } from '../src/oci/registry';
import { collectAttestations } from '../src/verify/collect';
import { behaviours, carriesSecret, startFaultProxy, startHostileRegistry, type HostileRegistry } from './support/hostile-registry';
import { startRegistry, type TestRegistry } from './support/registry';

const CANARY = 'canary-secret-7f3a9c';
const REPO = 'acme/app';

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256('{}'), size: 2 }, layers: [] }));
const manifestDigest = sha256(manifestBytes);
const referrer = (n: number) => ({
  mediaType: OCI_MANIFEST,
  digest: sha256(`referrer ${n}`),
  size: 100 + n,
  artifactType: 'application/vnd.example+json',
  annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
});
const index = (manifests: unknown[]) => ({ schemaVersion: 2, mediaType: OCI_INDEX, manifests });

let home: HostileRegistry;
let elsewhere: HostileRegistry;
const clients: RegistryClient[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));

/** A client holding the canary as the home registry's password (Basic), with small bounds for the tests. */
function client(extra: RegistryClientOptions = {}): RegistryClient {
  const c = new RegistryClient({
    credentials: { [home.host]: { username: 'user', password: CANARY } },
    dockerConfigDir: path.join(tmp, 'no-docker-config'),
    env: {},
    maxAttempts: 2,
    backoffBaseMs: 1,
    ...extra,
  });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  home = await startHostileRegistry({ challenge: 'Basic realm="home"' });
  elsewhere = await startHostileRegistry({ bindAddress: '127.0.0.2', challenge: 'Basic realm="elsewhere"' });
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  // Whatever the case, the other host never saw the canary.
  expect(carriesSecret(elsewhere.requests, CANARY)).toBe(false);
  await home.stop();
  await elsewhere.stop();
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('credentials stay with their host', () => {
  test('an upload Location on another host is followed without credentials, even when that host asks for them', async () => {
    home.script('HEAD', /\/blobs\/sha256:/, behaviours.status(404));
    home.script('POST', `/v2/${REPO}/blobs/uploads/`, behaviours.uploadAt(`${elsewhere.url}/upload/1?state=x`));
    elsewhere.script('PUT', /^\/upload\/1/, behaviours.status(201), { open: true });
    // Explicit username/password would be sent to any registry that asks: the other host is not "a registry" here.
    const c = client({ username: 'user', password: CANARY });
    const pushed = await c.repository(home.host, REPO).putBlob(Buffer.from('layer bytes'), 'application/octet-stream');
    expect(pushed.digest).toBe(sha256('layer bytes'));
    expect(carriesSecret(home.requests, CANARY)).toBe(true);
    expect(elsewhere.requests.map((r) => r.method)).toEqual(['PUT']);
    expect(elsewhere.requests[0]!.headers.authorization).toBeUndefined();
  });

  test('a challenge from the other host is not obeyed (no credentials, no token request pointed elsewhere)', async () => {
    home.script('HEAD', /\/blobs\/sha256:/, behaviours.status(404));
    home.script('POST', `/v2/${REPO}/blobs/uploads/`, behaviours.uploadAt(`${elsewhere.url}/upload/2`));
    const c = client({ username: 'user', password: CANARY });
    await expect(c.repository(home.host, REPO).putBlob(Buffer.from('x'), 'application/octet-stream')).rejects.toThrow(/PUT blob .*401/);
    expect(elsewhere.requests).toHaveLength(1);
  });

  test.each([
    ['an upload Location', 'POST', `/v2/${REPO}/blobs/uploads/`, behaviours.uploadAt('file:///etc/passwd'), /the upload Location is a file: URL, not http\(s\)/],
    ['a blob redirect', 'GET', /\/blobs\/sha256:/, behaviours.redirect('file:///etc/passwd'), /redirected to a file: URL; only http\(s\) is followed/],
  ])('%s to a file: URL is refused', async (_name, method, where, behaviour, message) => {
    home.script('HEAD', /\/blobs\/sha256:/, behaviours.status(404));
    home.script(method, where, behaviour);
    const repo = client().repository(home.host, REPO);
    const attempt = method === 'POST' ? repo.putBlob(Buffer.from('x'), 'application/octet-stream') : repo.getBlob({ digest: sha256('x'), size: 1 });
    await expect(attempt).rejects.toThrow(message);
  });

  test('a tags page link to another host is refused', async () => {
    home.script('GET', /\/tags\/list/, behaviours.json({ tags: ['a'] }, { headers: { Link: `<${elsewhere.url}/v2/${REPO}/tags/list?last=a>; rel="next"` } }));
    await expect(client().repository(home.host, REPO).listTags()).rejects.toThrow(`the next page link points at another host (${elsewhere.host}); refusing to follow it`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('a referrers page link to another host is refused', async () => {
    home.script('GET', /\/referrers\//, behaviours.json(index([referrer(1)]), { headers: { 'Content-Type': OCI_INDEX, Link: `<${elsewhere.url}/v2/${REPO}/referrers/${manifestDigest}?n=2>; rel="next"` } }));
    await expect(findReferrers(client().repository(home.host, REPO), manifestDigest)).rejects.toThrow(/points at another host/);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('a blob redirect to another host (storage) is followed without credentials', async () => {
    const blob = Buffer.from('stored elsewhere');
    home.script('GET', /\/blobs\/sha256:/, behaviours.redirect(`${elsewhere.url}/storage/blob`));
    elsewhere.script('GET', '/storage/blob', behaviours.bytes(blob, { 'Content-Type': 'application/octet-stream' }), { open: true });
    const got = await client().repository(home.host, REPO).getBlob({ digest: sha256(blob), size: blob.length });
    expect(got.equals(blob)).toBe(true);
    expect(elsewhere.requests).toHaveLength(1);
    expect(elsewhere.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('token realms', () => {
  const bearerHome = async (realm: string) => {
    await home.stop();
    home = await startHostileRegistry({ challenge: `Bearer realm="${realm}",service="hostile"`, accept: (a) => a === 'Bearer good-token' });
    home.script('GET', /\/manifests\//, behaviours.bytes(manifestBytes, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': manifestDigest }));
  };

  test.each([
    ['file:///etc/passwd', 'is not an http(s) URL; refusing to ask it for a token'],
    ['ftp://127.0.0.2/token', 'is not an http(s) URL'],
    ['http://token.example.invalid/token', 'is plain HTTP on a host that is neither loopback nor listed in insecure-registries; refusing to send credentials there'],
  ])('a realm at %s is refused before anything is sent', async (realm, message) => {
    await bearerHome(realm);
    await expect(client().repository(home.host, REPO).getManifest('latest')).rejects.toThrow(message);
  });

  test('a realm on another host over loopback HTTP gets the Basic credentials (the token spec allows it)', async () => {
    await bearerHome(`${elsewhere.url}/token`);
    elsewhere.script('GET', /^\/token/, behaviours.token('good-token'), { open: true });
    const fetched = await client({ credentials: { [home.host]: { username: 'user', password: 'realm-may-see-this' } } }).repository(home.host, REPO).getManifest('latest');
    expect(fetched.descriptor.digest).toBe(manifestDigest);
    expect(carriesSecret(elsewhere.requests, 'realm-may-see-this')).toBe(true);
  });

  test('an identity token is never sent to a realm of another domain', async () => {
    await bearerHome(`${elsewhere.url}/token`);
    elsewhere.script('POST', /^\/token/, behaviours.token('good-token'), { open: true });
    const dockerConfigDir = path.join(tmp, 'identity');
    fs.mkdirSync(dockerConfigDir, { recursive: true });
    fs.writeFileSync(path.join(dockerConfigDir, 'config.json'), JSON.stringify({ auths: { [home.host]: { identitytoken: CANARY } } }));
    const c = new RegistryClient({ dockerConfigDir, env: {}, maxAttempts: 1 });
    clients.push(c);
    await expect(c.repository(home.host, REPO).getManifest('latest')).rejects.toThrow(/is on another domain than the registry; ship-image sends the identity token .* only to the registry's own domain/);
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('nothing hangs', () => {
  test('a manifest that drips one byte at a time ends at the deadline', async () => {
    home.script('GET', /\/manifests\//, behaviours.drip({ intervalMs: 20 }));
    const err = await client({ deadlineMs: 400, timeoutMs: 60_000 }).repository(home.host, REPO).getManifest('latest').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpConnectionError);
    expect((err as HttpConnectionError).code).toBe('EDEADLINE');
    expect((err as Error).message).toMatch(/GET manifest acme\/app:latest: not finished within the 400 ms deadline \(deadlineMs\)/);
  });

  test('a blob that drips ends at its deadline too', async () => {
    home.script('GET', /\/blobs\//, behaviours.drip({ intervalMs: 20, contentType: 'application/octet-stream' }));
    await expect(client({ deadlineMs: 400 }).repository(home.host, REPO).getBlob({ digest: sha256('x'.repeat(1000)), size: 1000 })).rejects.toThrow(/deadline/);
  });

  test('Retry-After: 999999 is not waited for; the error says so', async () => {
    home.script('GET', /\/manifests\//, behaviours.retryAfter(999999));
    const c = client({ maxAttempts: 4 });
    await expect(c.repository(home.host, REPO).getManifest('latest')).rejects.toThrow(
      new RetryAfterTooLongError(`registry ${home.host}: GET manifest ${REPO}:latest: 503: the server asks to retry after 999999 s, longer than the 30 s ship-image waits (maxRetryAfterMs); try again later`),
    );
  });
});

describe('nothing grows without bound', () => {
  test.each([true, false])('a huge manifest is refused at the cap (Content-Length announced: %s)', async (announce) => {
    home.script('GET', /\/manifests\//, behaviours.huge({ bytes: 64 * 1024 * 1024, announce }));
    const c = client();
    await expect(c.repository(home.host, REPO).getManifest('latest')).rejects.toBeInstanceOf(ResponseTooLargeError);
    // Memory: what was read stays near the 4 MiB cap, not the 64 MiB sent.
    expect(c.stats().bytesDown).toBeLessThan(6 * 1024 * 1024);
  });

  test('endless tag pages end at the page limit', async () => {
    home.script('GET', /\/tags\/list/, behaviours.endlessPages((n) => ({ name: REPO, tags: [`t${n}`] })));
    await expect(client({ listLimits: { tagPages: 5 } }).repository(home.host, REPO).listTags()).rejects.toThrow(`GET tags ${REPO}: more than 5 pages; the listing is cut off here (listLimits)`);
  });

  test('endless referrer pages end at the byte limit', async () => {
    const padding = 'x'.repeat(200 * 1024);
    home.script('GET', /\/referrers\//, behaviours.endlessPages((n) => ({ ...index([{ ...referrer(n), annotations: { pad: padding } }]) }), { contentType: OCI_INDEX }));
    await expect(findReferrers(client({ listLimits: { totalBytes: 1024 * 1024 } }).repository(home.host, REPO), manifestDigest)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  test('a page linking to itself is a loop, not an endless listing', async () => {
    home.script('GET', /\/tags\/list/, behaviours.json({ tags: ['a'] }, { headers: { Link: `</v2/${REPO}/tags/list?n=1000>; rel="next"` } }));
    await expect(client().repository(home.host, REPO).listTags()).rejects.toThrow(/pagination loops/);
  });
});

describe('what a registry lists wrongly', () => {
  test.each([
    ['400', behaviours.status(400)],
    ['406', behaviours.status(406)],
    ['200 without an OCI index content type', behaviours.json(index([referrer(1)]))],
  ])('referrers answered with %s: no referrers API, the fallback tag is read', async (_name, answer) => {
    home.script('GET', /\/referrers\//, answer);
    home.script('GET', `/v2/${REPO}/manifests/${manifestDigest.replace(':', '-')}`, behaviours.json(index([referrer(7)]), { headers: { 'Content-Type': OCI_INDEX } }));
    const listing = await findReferrers(client().repository(home.host, REPO), manifestDigest);
    expect(listing.source).toBe('fallback-tag');
    expect(listing.referrers.map((d) => d.digest)).toEqual([referrer(7).digest]);
  });

  const malformed = [
    { ...referrer(2), digest: 'sha256:../../../etc/passwd' },
    { ...referrer(3), mediaType: undefined },
    { ...referrer(4), size: -1 },
    { ...referrer(5), digest: `sha256:${'a'.repeat(64)}\u001b[31m` },
    'not a descriptor',
  ];

  test('malformed descriptors are skipped with a note; the good ones are kept', async () => {
    home.script('GET', /\/referrers\//, behaviours.json(index([referrer(1), ...malformed]), { headers: { 'Content-Type': OCI_INDEX } }));
    const listing = await findReferrers(client().repository(home.host, REPO), manifestDigest);
    expect(listing.referrers).toEqual([referrer(1)]);
    expect(listing.skipped).toHaveLength(5);
    expect(listing.skipped[0]).toBe(`${home.host}/${REPO}: the referrers of ${manifestDigest} lists a malformed descriptor (digest 'sha256:../../../etc/passwd' is not sha256:<64 hex> or sha512:<128 hex>); skipped it`);
    expect(listing.skipped.join('\n').includes('\u001b')).toBe(false);
  });

  test('verify sets them aside with the reason instead of failing every verdict', async () => {
    home.script('GET', /\/referrers\//, behaviours.json(index([referrer(1), ...malformed]), { headers: { 'Content-Type': OCI_INDEX } }));
    const collected = await collectAttestations(client().repository(home.host, REPO), manifestDigest, { trustedRoot: {} as TrustedRoot, keys: [] });
    expect(collected.attestations).toEqual([]);
    expect(collected.rejected.filter((r) => r.referrerDigest === '(malformed descriptor)')).toHaveLength(5);
  });

  test('discover is bounded in fan-out and says what it cut and what it skipped', async () => {
    home.script('HEAD', /\/manifests\//, behaviours.bytes(manifestBytes, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': manifestDigest }));
    home.script('GET', /\/referrers\//, behaviours.json(index([]), { headers: { 'Content-Type': OCI_INDEX } }));
    const many = Array.from({ length: 30 }, (_, i) => referrer(100 + i));
    home.script('GET', `/v2/${REPO}/referrers/${manifestDigest}`, behaviours.json(index([...many, malformed[0]]), { headers: { 'Content-Type': OCI_INDEX } }));
    const tree = await discover(client().repository(home.host, REPO), 'latest', { maxFanOut: 10, legacyTags: false });
    expect(tree.referrers).toHaveLength(10);
    expect(tree.omitted).toBe(20);
    expect(tree.notes).toContain(`20 referrer(s) of ${manifestDigest} not shown: the fan-out limit of 10 per subject`);
    expect(tree.notes.some((n) => n.includes('malformed descriptor'))).toBe(true);
    const text = renderText(tree);
    expect(text).toContain('└── … (20 more not shown)');
    expect(text).toContain('note: 20 referrer(s)');
  });
});

describe('faults injected in front of a real registry', () => {
  let registry: TestRegistry;
  const proxies: HostileRegistry[] = [];
  const proxy = async (...args: Parameters<typeof startFaultProxy>) => {
    const p = await startFaultProxy(...args);
    proxies.push(p);
    return p;
  };
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  /** The image (manifest + its empty config) pushed straight to the real registry. */
  const pushImage = async (repo: string) => {
    const direct = client().repository(registry.host, repo);
    await direct.putBlob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    return (await direct.putManifest(manifestBytes, OCI_MANIFEST, 'v1')).descriptor;
  };

  beforeAll(async () => {
    registry = await startRegistry('open');
  });
  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.stop();
  });
  afterAll(async () => {
    await registry?.stop();
  });

  test('an upload offloaded to another host (chunked) completes there without the credentials', async () => {
    const storage = await proxy(registry.url, { bindAddress: '127.0.0.2' });
    const front = await proxy(registry.url, { challenge: 'Basic realm="front"', accept: (a) => a === basic('user', CANARY), locationBase: () => storage.url });
    const c = new RegistryClient({ credentials: { [front.host]: { username: 'user', password: CANARY } }, dockerConfigDir: path.join(tmp, 'none'), env: {}, chunkSize: 1024 });
    clients.push(c);
    const blob = Buffer.alloc(3000, 7);
    const pushed = await c.repository(front.host, 'offload/app').putBlob(blob, 'application/octet-stream');
    expect(await client().repository(registry.host, 'offload/app').hasBlob(pushed.digest)).toBe(true);
    expect(storage.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH', 'PUT']);
    expect(carriesSecret(front.requests, CANARY)).toBe(true);
    expect(carriesSecret(storage.requests, CANARY)).toBe(false);
  });

  test('malformed entries slipped into a real fallback index are skipped; the real referrer is kept', async () => {
    const subject = await pushImage('faults/malformed');
    const front = await proxy(registry.url, {
      inject: (req) => (req.path.includes('/referrers/') ? behaviours.status(406) : undefined),
      rewriteBody: (req, status, body) => {
        if (req.method !== 'GET' || status !== 200 || !req.path.includes('/manifests/sha256-')) return undefined;
        const parsed = JSON.parse(body.toString('utf8')) as { manifests: unknown[] };
        parsed.manifests.push({ mediaType: OCI_MANIFEST, digest: 'sha256:../../v2/_catalog', size: 1 }, { digest: sha256('no media type'), size: 1 });
        return Buffer.from(JSON.stringify(parsed));
      },
    });
    const store = client().repository(front.host, 'faults/malformed');
    const attached = await pushArtifact(store, { subject, artifactType: 'application/vnd.example+json', layers: [{ content: Buffer.from('x'), mediaType: 'application/octet-stream' }] });
    const listing = await findReferrers(store, subject.digest);
    expect(listing.source).toBe('fallback-tag');
    expect(listing.referrers.map((d) => d.digest)).toEqual([attached.digest]);
    expect(listing.skipped).toHaveLength(2);
    const tree = await discover(store, 'v1', { legacyTags: false });
    expect(tree.referrers.map((n) => n.digest)).toEqual([attached.digest]);
  });

  test('Retry-After: 999999 on a manifest PUT fails the push with the reason; nothing is stored under the tag', async () => {
    await pushImage('faults/retry');
    const front = await proxy(registry.url, { inject: (req) => (req.method === 'PUT' && req.path.includes('/manifests/v2') ? behaviours.retryAfter(999999) : undefined) });
    const store = client({ maxAttempts: 4 }).repository(front.host, 'faults/retry');
    await expect(store.putManifest(manifestBytes, OCI_MANIFEST, 'v2')).rejects.toThrow(/the server asks to retry after 999999 s, longer than the 30 s ship-image waits/);
    await expect(client().repository(registry.host, 'faults/retry').getManifest('v2')).rejects.toBeInstanceOf(NotFoundError);
  });
});

import { randomBytes } from 'node:crypto';
import { sha256Digest } from '../../src/oci/digest';
import { RegistryClient } from '../../src/oci/registry';
import { startRegistry, type TestRegistry } from '../../test/support/registry';
import { startCountingProxy, type CountingProxy } from './counting-proxy';

// A real registry behind the proxy, a real client in front of it.
let registry: TestRegistry;
let proxy: CountingProxy;
beforeAll(async () => {
  registry = await startRegistry('open');
  proxy = await startCountingProxy({ hostname: '127.0.0.1', port: Number(registry.host.split(':')[1]) });
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
  await registry?.stop();
});

test('counts requests and uploads; a blob pushed again by the client is not re-uploaded; a raw re-upload is counted', async () => {
  const blob = randomBytes(4096);
  const client = new RegistryClient({ insecureRegistries: [proxy.host] });
  try {
    const store = client.repository(proxy.host, 'bench/proxy');
    proxy.reset();
    await store.putBlob(blob, 'application/octet-stream');
    const first = proxy.counts();
    expect(first.requests).toBeGreaterThanOrEqual(2);
    expect(first.byClient['ship-image']).toBe(first.requests);
    expect(first.bytesUploaded).toBe(blob.length);
    expect(first.bytesReuploaded).toBe(0);

    proxy.reset();
    await store.putBlob(blob, 'application/octet-stream');
    expect(proxy.counts()).toMatchObject({ bytesUploaded: 0, bytesReuploaded: 0 });
  } finally {
    client.close();
  }

  proxy.reset();
  const base = `http://${proxy.host}/v2/bench/proxy/blobs/uploads/`;
  const started = await fetch(base, { method: 'POST', headers: { 'user-agent': 'raw-test' } });
  expect(started.status).toBe(202);
  const location = new URL(started.headers.get('location')!, base);
  location.searchParams.set('digest', sha256Digest(blob));
  const put = await fetch(location, { method: 'PUT', body: blob, headers: { 'content-type': 'application/octet-stream', 'user-agent': 'raw-test' } });
  expect(put.status).toBe(201);
  expect(proxy.counts()).toMatchObject({ requests: 2, byClient: { other: 2 }, bytesUploaded: blob.length, bytesReuploaded: blob.length, blobsReuploaded: 1 });
}, 120_000);

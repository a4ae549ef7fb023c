/**
 * Registry authentication against a real CNCF distribution 2.8 registry: htpasswd (Basic) over TLS
 * with a test CA, and Docker token auth with a token server in this process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../src/core/errors';
import { redact } from '../src/core/log';
import { sha256Digest } from '../src/oci/digest';
import { RegistryAuthError } from '../src/oci/errors';
import { OCI_CONFIG, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../src/oci/media-types';
import { RegistryClient, type RegistryClientOptions, type RegistryRepository } from '../src/oci/registry';
import type { ImageManifest } from '../src/oci/types';
import { startRegistry, type TestRegistry } from './support/registry';

async function pushImage(repo: RegistryRepository, tag: string, layerText: string) {
  const config = await repo.putBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'), OCI_CONFIG);
  const layer = await repo.putBlob(Buffer.from(layerText), OCI_LAYER_TAR_GZIP);
  const manifest: ImageManifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  return repo.putManifest(Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, tag);
}

const clients: RegistryClient[] = [];
function client(opts: RegistryClientOptions): RegistryClient {
  // An empty environment: no docker config of the machine running the tests leaks in.
  const c = new RegistryClient({ env: { HOME: '/nonexistent', PATH: process.env.PATH }, ...opts });
  clients.push(c);
  return c;
}
afterAll(() => clients.forEach((c) => c.close()));

describe('htpasswd + TLS registry', () => {
  let registry: TestRegistry;
  let tmp: string;
  beforeAll(async () => {
    registry = await startRegistry('htpasswd-tls');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-oci-auth-'));
  });
  afterAll(async () => {
    await registry?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pushes and pulls with Basic credentials, sent preemptively after the first 401', async () => {
    const c = client({ caPems: [registry.caPem!], credentials: { [registry.host]: { username: registry.username!, password: registry.password! } } });
    const repo = c.repository(registry.host, 'acme/api');
    const put = await pushImage(repo, 'v1', 'basic layer');
    // HEAD(401) + HEAD, POST, PUT per blob ×2 + PUT manifest: one 401 in all.
    expect(c.stats().requests).toBe(1 + 3 + 3 + 1);
    expect((await repo.resolve('v1')).digest).toBe(put.descriptor.digest);
  });

  it('reads credentials from the docker config (auths) in DOCKER_CONFIG', async () => {
    const dir = path.join(tmp, 'docker-auths');
    fs.mkdirSync(dir);
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [`https://${registry.host}`]: { auth } } }));
    const c = client({ caPems: [registry.caPem!], env: { HOME: '/nonexistent', DOCKER_CONFIG: dir } });
    await pushImage(c.repository(registry.host, 'acme/from-config'), 'v1', 'config layer');
  });

  it('reads credentials from a credential helper on PATH', async () => {
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    const helper = path.join(bin, 'docker-credential-test');
    fs.writeFileSync(helper, `#!/bin/sh\nread -r server\n[ "$server" = "${registry.host}" ] || { echo "credentials not found"; exit 1; }\necho '{"Username":"${registry.username}","Secret":"${registry.password}"}'\n`);
    fs.chmodSync(helper, 0o755);
    const dir = path.join(tmp, 'docker-helper');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'test' } }));
    const c = client({ caPems: [registry.caPem!], dockerConfigDir: dir, env: { HOME: '/nonexistent', PATH: `${bin}:${process.env.PATH}` } });
    await pushImage(c.repository(registry.host, 'acme/from-helper'), 'v1', 'helper layer');
  });

  it('refuses a wrong password with an auth error that does not show the password', async () => {
    const wrong = 'wrong-password-7c1f';
    const c = client({ caPems: [registry.caPem!], username: registry.username, password: wrong });
    const err = await c.repository(registry.host, 'acme/api').getManifest('v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryAuthError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(new RegExp(`^registry ${registry.host}: GET manifest acme/api:v1 failed: 401 UNAUTHORIZED`));
    expect((err as Error).message).toContain('credentials from the username/password option');
    expect((err as Error).message).not.toContain(wrong);
    expect(redact(`x ${wrong} y`)).not.toContain(wrong);
  });

  it('says so when no credentials are found', async () => {
    const c = client({ caPems: [registry.caPem!] });
    await expect(c.repository(registry.host, 'acme/api').resolve('v1')).rejects.toThrow(/no credentials found for 127\.0\.0\.1:\d+; pass username\/password or run 'docker login/);
  });

  it('refuses the registry certificate without its CA, saying how to fix it', async () => {
    const c = client({ username: registry.username, password: registry.password });
    const err = await c.repository(registry.host, 'acme/api').resolve('v1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
  });
});

describe('token-auth registry', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('token');
  });
  afterAll(async () => registry?.stop());

  const login = () => ({ credentials: { [registry.host]: { username: registry.username!, password: registry.password! } } });

  it('gets one token per scope and reuses it (a push token covers pulls of that repository)', async () => {
    const c = client(login());
    const issued = registry.tokenRequests!;
    const start = issued();
    const repo = c.repository(registry.host, 'acme/api');
    await pushImage(repo, 'v1', 'token layer');
    expect(issued() - start).toBe(1);
    await repo.getManifest('v1');
    expect((await repo.getBlob({ digest: sha256Digest('token layer'), size: 11 })).toString()).toBe('token layer');
    expect(issued() - start).toBe(1);
    const other = c.repository(registry.host, 'acme/other');
    await expect(other.resolve('v1')).rejects.toThrow(/MANIFEST_UNKNOWN|NAME_UNKNOWN|404/);
    expect(issued() - start).toBe(2);
    await expect(other.resolve('v2')).rejects.toThrow(/404/);
    expect(issued() - start).toBe(2);
  });

  it('requests running at once share one token request for their scope', async () => {
    const c = client(login());
    const issued = registry.tokenRequests!;
    const start = issued();
    const repo = c.repository(registry.host, 'acme/parallel');
    // First contact: all six learn the challenge together.
    await Promise.all(Array.from({ length: 6 }, (_, i) => repo.putBlob(Buffer.from(`parallel blob ${i}`), OCI_LAYER_TAR_GZIP)));
    expect(issued() - start).toBe(1);
    // Challenge known, a scope not yet held: six at once still make one request.
    const other = c.repository(registry.host, 'acme/parallel-2');
    await Promise.all(Array.from({ length: 6 }, (_, i) => other.putBlob(Buffer.from(`second blob ${i}`), OCI_LAYER_TAR_GZIP)));
    expect(issued() - start).toBe(2);
  });

  it('mounts across repositories with pull on the source in the same token', async () => {
    const c = client(login());
    const from = c.repository(registry.host, 'acme/mount-src');
    const to = c.repository(registry.host, 'acme/mount-dst');
    const blob = await from.putBlob(Buffer.from('shared layer'), OCI_LAYER_TAR_GZIP);
    expect(await to.mountBlob(blob.digest, 'acme/mount-src')).toBe(true);
    expect(await to.hasBlob(blob.digest)).toBe(true);
  });

  it('fails clearly on a repository outside the grant, while granted ones work', async () => {
    registry.grant!('*', []);
    registry.grant!('acme/granted', ['pull', 'push']);
    try {
      const c = client(login());
      await pushImage(c.repository(registry.host, 'acme/granted'), 'v1', 'granted layer');
      const err = await pushImage(c.repository(registry.host, 'acme/forbidden'), 'v1', 'forbidden layer').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryAuthError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^registry ${registry.host}: HEAD blob acme/forbidden@sha256:[a-f0-9]{64} failed: 401 UNAUTHORIZED ` +
            `\\(credentials from the credentials option for ${registry.host}\\); check the credentials for ${registry.host} and that they grant repository:acme/forbidden:pull,push$`,
        ),
      );
      expect((err as Error).message).not.toContain(registry.password!);
    } finally {
      registry.grant!('*', ['*']);
    }
  });

  it('pulls anonymously nothing: a token without access is refused with a clear error', async () => {
    const c = client({});
    await expect(c.repository(registry.host, 'acme/api').resolve('v1')).rejects.toThrow(/401 UNAUTHORIZED \(no credentials found for/);
  });
});

import { verify } from 'node:crypto';
import { GITHUB_ISSUER, startOidcServer, type OidcServer } from './oidc';

describe('loopback GitHub OIDC token endpoint', () => {
  let server: OidcServer;
  beforeAll(async () => {
    server = await startOidcServer({ repository_visibility: 'private' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test('answers a bearer-authenticated request with a signed GitHub-shaped JWT', async () => {
    const res = await fetch(`${server.requestUrl}&audience=sigstore`, { headers: { authorization: `Bearer ${server.requestToken}` } });
    expect(res.status).toBe(200);
    const { value } = (await res.json()) as { value: string };
    const [header, payload, signature] = value.split('.') as [string, string, string];
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), server.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      iss: GITHUB_ISSUER,
      aud: 'sigstore',
      sub: 'repo:acme/api:ref:refs/heads/main',
      job_workflow_ref: 'acme/api/.github/workflows/ship.yml@refs/heads/main',
      repository_visibility: 'private',
      runner_environment: 'github-hosted',
    });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    expect(server.issued()).toBe(1);
  });

  test('refuses a wrong request token', async () => {
    const res = await fetch(`${server.requestUrl}&audience=sigstore`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });
});

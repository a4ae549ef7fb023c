import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';

/** The claims GitHub's OIDC provider puts in a job token (a subset; enough for Fulcio and provenance). */
export type OidcClaims = Record<string, string | number | boolean>;

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export const DEFAULT_GITHUB_CLAIMS: OidcClaims = {
  iss: GITHUB_ISSUER,
  sub: 'repo:acme/api:ref:refs/heads/main',
  ref: 'refs/heads/main',
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'acme/api',
  repository_owner: 'acme',
  repository_id: '1000001',
  repository_owner_id: '2000002',
  repository_visibility: 'public',
  run_id: '4242',
  run_number: '7',
  run_attempt: '1',
  actor: 'octocat',
  actor_id: '3000003',
  workflow: 'ship',
  workflow_ref: 'acme/api/.github/workflows/ship.yml@refs/heads/main',
  workflow_sha: '0123456789abcdef0123456789abcdef01234567',
  job_workflow_ref: 'acme/api/.github/workflows/ship.yml@refs/heads/main',
  job_workflow_sha: '0123456789abcdef0123456789abcdef01234567',
  event_name: 'push',
  ref_type: 'branch',
  runner_environment: 'github-hosted',
};

export interface OidcServer {
  /** What a job sees in ACTIONS_ID_TOKEN_REQUEST_URL (already carries a query, as GitHub's does). */
  requestUrl: string;
  /** What a job sees in ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string;
  /** The `iss` the tokens carry. */
  issuer: string;
  /** The key that verifies the tokens' RS256 signatures (hand it to the Fulcio of the test stack). */
  publicKey: KeyObject;
  /** How many tokens were handed out. */
  issued(): number;
  /** Claims for the tokens handed out from now on, over the defaults and the start claims (e.g. another job workflow). */
  setClaims(claims: OidcClaims): void;
  stop(): Promise<void>;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * A GitHub-shaped OIDC token endpoint on loopback: `GET <requestUrl>&audience=X` with
 * `Authorization: Bearer <requestToken>` answers `{"value": "<JWT>"}`, an RS256 JWT with GitHub's claims.
 */
export async function startOidcServer(claims: OidcClaims = {}): Promise<OidcServer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomBytes(8).toString('hex');
  const requestToken = randomBytes(24).toString('hex');
  let merged: OidcClaims = { ...DEFAULT_GITHUB_CLAIMS, ...claims };
  const startClaims = merged;
  let issuedCount = 0;

  const mintToken = (audience: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: keyId };
    const payload = { jti: randomUUID(), ...merged, aud: audience, nbf: now - 5, iat: now, exp: now + 300 };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(signingInput), privateKey);
    return `${signingInput}.${base64url(signature)}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    if (req.headers.authorization !== `Bearer ${requestToken}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"bad request token"}');
      return;
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com/acme';
    issuedCount++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: 1, value: mintToken(audience) }));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requestUrl: `http://127.0.0.1:${port}/token?api-version=2.0`,
    requestToken,
    issuer: String(merged.iss),
    publicKey,
    issued: () => issuedCount,
    setClaims: (next) => {
      merged = { ...startClaims, ...next };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

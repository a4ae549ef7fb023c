import { addSecret } from '../../core/log';
import { describeStatus, RegistryAuthError, RegistryError } from '../errors';
import { redactUrl, type HttpTransport } from '../http';
import type { RegistryCredential } from './docker-config';
import { scopesCover } from './scope';

/** A bearer token and the scopes it was issued for. */
export interface CachedToken {
  token: string;
  scopes: string[];
  /** Epoch ms after which we stop using it. */
  expiresAt: number;
}

const DEFAULT_EXPIRES_IN_S = 60;
const MAX_SLACK_MS = 10_000;
const TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024;

/** Tokens per registry; a lookup is satisfied by any live token whose scopes cover the wanted ones. */
export class TokenCache {
  private readonly byRegistry = new Map<string, CachedToken[]>();

  constructor(private readonly now: () => number = Date.now) {}

  find(registry: string, scopes: readonly string[]): CachedToken | undefined {
    const live = (this.byRegistry.get(registry) ?? []).filter((t) => t.expiresAt > this.now());
    this.byRegistry.set(registry, live);
    return live.find((t) => scopesCover(t.scopes, scopes));
  }

  put(registry: string, token: CachedToken): void {
    const list = (this.byRegistry.get(registry) ?? []).filter((t) => t.token !== token.token);
    list.push(token);
    this.byRegistry.set(registry, list);
  }

  drop(registry: string, token: string): void {
    this.byRegistry.set(registry, (this.byRegistry.get(registry) ?? []).filter((t) => t.token !== token));
  }
}

export interface TokenRequest {
  registry: string;
  realm: string;
  service?: string;
  scopes: string[];
  credential?: RegistryCredential;
  clientId: string;
}

/**
 * Get a bearer token from the realm (Docker token spec): GET with Basic credentials (or none),
 * or the OAuth2 refresh-token POST when we hold an identity token.
 */
export async function fetchToken(transport: HttpTransport, req: TokenRequest, now: () => number = Date.now): Promise<CachedToken> {
  let realm: URL;
  try {
    realm = new URL(req.realm);
  } catch {
    throw new RegistryError(`registry ${req.registry}: its token realm '${req.realm}' is not a URL`);
  }
  const what = `registry ${req.registry}: token request to ${redactUrl(realm)} for ${req.scopes.join(' ') || 'no scope'}`;
  const cred = req.credential;
  let res;
  if (cred?.identityToken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: req.clientId });
    if (req.service) form.set('service', req.service);
    if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
    res = await transport.send({
      method: 'POST',
      url: realm,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString()),
      replayable: true,
      maxBytes: TOKEN_RESPONSE_MAX_BYTES,
      what,
    });
  } else {
    const url = new URL(realm);
    if (req.service) url.searchParams.set('service', req.service);
    for (const scope of req.scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (cred?.username !== undefined && cred.password !== undefined) headers.Authorization = basicAuthorization(cred.username, cred.password);
    res = await transport.send({ method: 'GET', url, headers, maxBytes: TOKEN_RESPONSE_MAX_BYTES, what });
  }
  if (res.status === 401 || res.status === 403) {
    const from = cred ? ` (credentials from ${cred.source})` : ' (no credentials found)';
    throw new RegistryAuthError(`${what} failed: ${describeStatus(res.status, res.body)}${from}; check the username and password or token for ${req.registry}`, res.status);
  }
  if (res.status !== 200) throw new RegistryError(`${what} failed: ${describeStatus(res.status, res.body)}`, res.status);
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
  try {
    parsed = JSON.parse(res.body.toString('utf8')) as typeof parsed;
  } catch {
    throw new RegistryError(`${what}: the answer is not JSON`);
  }
  const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : '';
  if (!token) throw new RegistryError(`${what}: the answer holds neither 'token' nor 'access_token'`);
  addSecret(token);
  const expiresInS = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_EXPIRES_IN_S;
  const lifeMs = expiresInS * 1000;
  const slack = Math.min(MAX_SLACK_MS, lifeMs / 4);
  return { token, scopes: [...req.scopes], expiresAt: now() + lifeMs - slack };
}

export function basicAuthorization(username: string, password: string): string {
  const encoded = Buffer.from(`${username}:${password}`).toString('base64');
  addSecret(encoded);
  return `Basic ${encoded}`;
}

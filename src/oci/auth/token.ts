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
  /** The registry's API host (`registry-1.docker.io`, `127.0.0.1:5000`), to judge where the realm is. */
  registryHost?: string;
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
  checkRealm(transport, realm, req, cred);
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

/**
 * Where a registry may send us for tokens. Docker's token spec lets the realm be another host, and
 * real registries use that (Docker Hub: registry-1.docker.io → auth.docker.io), so Basic credentials
 * may go there — but only over https (plain HTTP only to loopback or a host listed as insecure, or
 * the insecure registry's own host), never over another scheme. An identity token (a long-lived
 * refresh token) goes only to a realm of the registry's own registrable domain.
 */
function checkRealm(transport: HttpTransport, realm: URL, req: TokenRequest, cred: RegistryCredential | undefined): void {
  const registryHost = req.registryHost ?? req.registry;
  const where = `registry ${req.registry}: its token realm ${realm.protocol}//${realm.host}`;
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
    throw new RegistryError(`${where} is not an http(s) URL; refusing to ask it for a token`);
  }
  if (realm.protocol === 'http:') {
    const sameInsecureHost = hostname(realm.host) === hostname(registryHost) && transport.plainHttpAllowed(registryHost);
    if (!transport.plainHttpAllowed(realm.host) && !sameInsecureHost) {
      throw new RegistryError(`${where} is plain HTTP on a host that is neither loopback nor listed in insecure-registries; refusing to send credentials there`);
    }
  }
  if (cred?.identityToken && registrableDomain(realm.hostname) !== registrableDomain(hostname(registryHost))) {
    throw new RegistryAuthError(
      `${where} is on another domain than the registry; ship-image sends the identity token (${cred.source}) only to the registry's own domain; log in to ${req.registry} with a username and password instead`,
      401,
    );
  }
}

/** `host[:port]` → host name, lower-cased, IPv6 without brackets. */
function hostname(host: string): string {
  return new URL(`http://${host}`).hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

// Second-level labels under which country domains register names (co.uk, com.au, …).
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go']);

/**
 * The name a registrant controls: the last two labels (three under `co.uk`-style suffixes); an IP
 * address or a one-label name stands for itself. An approximation of the public suffix list: two
 * names under a multi-label public suffix it does not know (`github.io`) count as one domain.
 */
export function registrableDomain(name: string): string {
  const host = name.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
  if (host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host;
  const labels = host.split('.');
  if (labels.length <= 2) return host;
  const keep = labels.at(-1)!.length === 2 && SECOND_LEVEL.has(labels.at(-2)!) ? 3 : 2;
  return labels.slice(-keep).join('.');
}

export function basicAuthorization(username: string, password: string): string {
  const encoded = Buffer.from(`${username}:${password}`).toString('base64');
  addSecret(encoded);
  return `Basic ${encoded}`;
}

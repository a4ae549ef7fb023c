import { silentLogger, type Logger } from '../../core/log';
import type { RegistryOperation } from '../errors';
import { isTlsProtocolError, type HttpRequest, type HttpResponse, type HttpTransport, type StreamedResponse } from '../http';
import { registryApiHost } from '../reference';
import { parseWwwAuthenticate, type AuthChallenge } from './challenge';
import type { CredentialResolver } from './credentials';
import type { RegistryCredential } from './docker-config';
import { mergeScopes } from './scope';
import { basicAuthorization, fetchToken, type CachedToken, type TokenCache } from './token';

/** A request to one registry: a path under its API root (or an absolute URL it gave us) plus the scopes it needs. */
export interface SessionRequest extends Omit<HttpRequest, 'url' | 'what'> {
  /** `/v2/...` with query, or an absolute URL from a `Location` header. */
  target: string | URL;
  /** Token scopes this request needs, e.g. `repository:acme/api:pull`. */
  scopes: string[];
  op: RegistryOperation;
}

export interface SessionDeps {
  transport: HttpTransport;
  credentials: CredentialResolver;
  tokens: TokenCache;
  logger?: Logger;
  /** OAuth2 client_id for refresh-token grants. */
  clientId?: string;
}

/**
 * Speaks to one registry with authentication: learns the challenge from the first 401, then sends
 * Basic preemptively or a bearer token per scope (cached), and retries once with a fresh, wider
 * token when the registry challenges a token we sent. Also learns whether a loopback/insecure
 * registry speaks TLS or plain HTTP.
 */
export class RegistrySession {
  readonly apiHost: string;
  private scheme: 'https' | 'http' = 'https';
  private schemeKnown = false;
  private challenge?: AuthChallenge;
  private readonly tokenRequests = new Map<string, Promise<CachedToken>>();
  private readonly logger: Logger;

  constructor(
    readonly registry: string,
    private readonly deps: SessionDeps,
  ) {
    this.apiHost = registryApiHost(registry);
    this.logger = deps.logger ?? silentLogger;
  }

  /** Absolute URL for an API path on this registry (scheme as learned so far). */
  url(path: string): URL {
    return new URL(`${this.scheme}://${this.apiHost}${path}`);
  }

  /**
   * True when `url` is this registry's own API (same host and port; https, or the plain HTTP this
   * session speaks). Credentials and tokens go only to such URLs.
   */
  isRegistryUrl(url: URL): boolean {
    const own = this.url('/');
    if (url.host.toLowerCase() !== own.host.toLowerCase()) return false;
    return url.protocol === 'https:' || url.protocol === own.protocol;
  }

  send(req: SessionRequest): Promise<HttpResponse> {
    return this.exchange(req, false);
  }

  /** A 2xx body comes back unread in `stream`. */
  stream(req: SessionRequest): Promise<StreamedResponse> {
    return this.exchange(req, true);
  }

  private async exchange(req: SessionRequest, streamBody: boolean): Promise<StreamedResponse> {
    // An upload Location on another host (storage offload): followed, but without our credentials,
    // and its 401 challenges are not learned (they would point our token requests elsewhere).
    if (typeof req.target !== 'string' && !this.isRegistryUrl(req.target)) return this.sendElsewhere(req, req.target, streamBody);
    let scopes = req.scopes;
    let sentToken: string | undefined;
    let challenged = false;
    for (let round = 0; ; round++) {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      const auth = await this.authorization(scopes);
      if (auth) headers.Authorization = auth.header;
      sentToken = auth?.token;
      const res = await this.sendOnce(req, headers, streamBody);
      if (res.status !== 401 || round >= 2) return res;
      const challenge = pickChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
      if (!challenge) return res;
      this.challenge = challenge;
      if (challenge.scheme === 'bearer') {
        if (sentToken) this.deps.tokens.drop(this.registry, sentToken);
        const widened = challenge.params.scope ? mergeScopes(scopes, challenge.params.scope.split(' ')) : scopes;
        // Retry when we sent nothing (first contact), or a token that a wider/fresh one may fix.
        if (auth && challenged && widened.join(' ') === scopes.join(' ')) return res;
        scopes = widened;
      } else if (challenge.scheme === 'basic') {
        // Basic credentials that were sent and refused stay refused; without any there is nothing to try.
        if (auth || !(await this.credential())) return res;
      } else {
        return res;
      }
      challenged = true;
      this.logger.debug(`registry ${this.registry}: ${res.status} challenge ${challenge.scheme}${challenge.params.scope ? ` scope=${challenge.params.scope}` : ''}; retrying with credentials`);
    }
  }

  private async sendOnce(req: SessionRequest, headers: Record<string, string>, streamBody: boolean): Promise<StreamedResponse> {
    const what = `registry ${req.op.registry}: ${req.op.operation}`;
    const build = (): HttpRequest => ({
      method: req.method,
      url: typeof req.target === 'string' ? this.url(req.target) : req.target,
      headers,
      body: req.body,
      replayable: req.replayable,
      maxBytes: req.maxBytes,
      deadlineMs: req.deadlineMs,
      what,
    });
    const first = build();
    try {
      const res = streamBody ? await this.deps.transport.stream(first) : await this.deps.transport.send(first);
      if (typeof req.target === 'string') this.schemeKnown = true;
      return res;
    } catch (err) {
      // Requests sent concurrently before the scheme was known may fail after another one switched it.
      const undecided = !this.schemeKnown || this.scheme === 'http';
      const mayFallBack =
        undecided && first.url.protocol === 'https:' && typeof req.target === 'string' && isTlsProtocolError(err) && this.deps.transport.plainHttpAllowed(this.apiHost);
      if (!mayFallBack) throw err;
      if (this.scheme !== 'http') this.logger.debug(`registry ${this.registry}: no TLS on ${this.apiHost}; using plain HTTP (loopback or insecure registry)`);
      this.scheme = 'http';
      this.schemeKnown = true;
      const second = build();
      return streamBody ? this.deps.transport.stream(second) : this.deps.transport.send(second);
    }
  }

  private sendElsewhere(req: SessionRequest, url: URL, streamBody: boolean): Promise<StreamedResponse> {
    const headers = Object.fromEntries(Object.entries(req.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
    this.logger.debug(`registry ${this.registry}: ${req.op.operation} goes to ${url.host}, another host: sent without credentials`);
    const out: HttpRequest = {
      method: req.method,
      url,
      headers,
      body: req.body,
      replayable: req.replayable,
      maxBytes: req.maxBytes,
      deadlineMs: req.deadlineMs,
      what: `registry ${req.op.registry}: ${req.op.operation} (at ${url.host})`,
    };
    return streamBody ? this.deps.transport.stream(out) : this.deps.transport.send(out);
  }

  /** For 401/403 messages: which credentials were tried (never the secret). */
  async authHint(): Promise<string> {
    const cred = await this.credential().catch(() => undefined);
    if (!cred) return `no credentials found for ${this.registry}; pass username/password or run 'docker login ${this.registry}'`;
    return `credentials from ${cred.source}`;
  }

  private credential(): Promise<RegistryCredential | undefined> {
    return this.deps.credentials.get(this.registry);
  }

  private async authorization(scopes: string[]): Promise<{ header: string; token?: string } | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    const cred = await this.credential();
    if (cred?.registryToken) return { header: `Bearer ${cred.registryToken}` };
    if (challenge.scheme === 'basic') {
      if (!cred || cred.username === undefined || cred.password === undefined) return undefined;
      return { header: basicAuthorization(cred.username, cred.password) };
    }
    if (challenge.scheme !== 'bearer' || !challenge.params.realm) return undefined;
    const { realm, service } = challenge.params;
    const cached = this.deps.tokens.find(this.registry, scopes) ?? (await this.newToken({ realm, service }, scopes, cred));
    return { header: `Bearer ${cached.token}`, token: cached.token };
  }

  /** A fresh token for `scopes`; requests that need the same one at the same time share one token request. */
  private newToken(where: { realm: string; service?: string }, scopes: string[], credential: RegistryCredential | undefined): Promise<CachedToken> {
    const key = scopes.join(' ');
    let pending = this.tokenRequests.get(key);
    if (!pending) {
      pending = fetchToken(this.deps.transport, {
        registry: this.registry,
        realm: where.realm,
        service: where.service,
        scopes,
        credential,
        clientId: this.deps.clientId ?? 'ship-image',
        registryHost: this.apiHost,
      }).then((token) => {
        this.deps.tokens.put(this.registry, token);
        return token;
      });
      this.tokenRequests.set(key, pending);
      const done = () => this.tokenRequests.delete(key);
      pending.then(done, done);
    }
    return pending;
  }
}

/** Bearer when offered (it carries scopes), else Basic. */
function pickChallenge(challenges: AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

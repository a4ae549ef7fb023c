/**
 * A Docker token server (the `auth.token` realm of a registry) on loopback, for tests.
 * GET realm?service=S&scope=repository:NAME:pull,push with Basic credentials (or the OAuth2
 * password grant as a POST form) answers {token, access_token, expires_in, issued_at}: a JWT signed
 * ES256 whose header carries x5c = [the signing certificate], the registry's rootcertbundle.
 * Access holds only the requested actions the user was granted. Wrong password: 401.
 * No credentials: a token with empty access.
 */
import * as crypto from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServerOptions {
  service: string;
  issuer: string;
  /** PEM of the P-256 private key that signs tokens */
  signingKeyPem: string;
  /** PEM of its (self-signed) certificate: the registry's rootcertbundle */
  signingCertPem: string;
  /** username -> password */
  users: Record<string, string>;
  /** token lifetime in seconds (default 300) */
  expiresInSeconds?: number;
}

export interface TokenServer {
  /** the realm URL to put in the registry config */
  realm: string;
  /** set what `user` may do on `repository`; '*' stands for every repository not named */
  grant(user: string, repository: string, actions: string[]): void;
  /** how many tokens were issued */
  issued(): number;
  close(): Promise<void>;
}

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

const ALL_REPOSITORIES = '*';
const ALL_ACTIONS = '*';

/** Start the token server; every user starts with every action on every repository and the catalog. */
export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const grants = new Map<string, Map<string, string[]>>();
  for (const user of Object.keys(opts.users)) {
    grants.set(user, new Map([[ALL_REPOSITORIES, [ALL_ACTIONS]]]));
  }
  const signingKey = crypto.createPrivateKey(opts.signingKeyPem);
  const x5c = [new crypto.X509Certificate(opts.signingCertPem).raw.toString('base64')];
  const expiresIn = opts.expiresInSeconds ?? 300;
  let issued = 0;

  const allowed = (user: string | undefined, entry: AccessEntry): string[] => {
    if (!user) return [];
    const userGrants = grants.get(user);
    if (!userGrants) return [];
    let granted: string[];
    if (entry.type === 'repository') granted = userGrants.get(entry.name) ?? userGrants.get(ALL_REPOSITORIES) ?? [];
    else if (entry.type === 'registry' && entry.name === 'catalog') granted = [ALL_ACTIONS];
    else granted = [];
    if (granted.includes(ALL_ACTIONS)) return entry.actions;
    return entry.actions.filter((a) => granted.includes(a));
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(err.message);
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    if (url.pathname !== '/token') return reply(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });

    let params: URLSearchParams;
    let credentials: { user: string; password: string } | undefined;
    if (req.method === 'GET') {
      params = url.searchParams;
      credentials = basicCredentials(req.headers.authorization);
    } else if (req.method === 'POST') {
      params = new URLSearchParams(await readBody(req));
      if (params.get('grant_type') !== 'password') {
        return reply(res, 400, { error: 'unsupported_grant_type' });
      }
      credentials = { user: params.get('username') ?? '', password: params.get('password') ?? '' };
    } else {
      return reply(res, 405, { error: 'method not allowed' });
    }

    const service = params.get('service');
    if (service && service !== opts.service) return reply(res, 400, { error: `unknown service ${service}` });
    if (credentials && opts.users[credentials.user] !== credentials.password) {
      res.setHeader('www-authenticate', `Basic realm="${opts.service}"`);
      return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'wrong username or password' }] });
    }

    const requested = params.getAll('scope').flatMap(parseScopes);
    const access = requested.map((entry) => ({ ...entry, actions: allowed(credentials?.user, entry) }));
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      { typ: 'JWT', alg: 'ES256', x5c },
      {
        iss: opts.issuer,
        sub: credentials?.user ?? '',
        aud: opts.service,
        exp: now + expiresIn,
        nbf: now - 10,
        iat: now,
        jti: crypto.randomBytes(16).toString('hex'),
        access,
      },
      signingKey,
    );
    issued++;
    return reply(res, 200, {
      token,
      access_token: token,
      expires_in: expiresIn,
      issued_at: new Date(now * 1000).toISOString(),
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // a token server a test forgot to close must not keep the test process alive
  server.unref();
  const { port } = server.address() as AddressInfo;

  return {
    realm: `http://127.0.0.1:${port}/token`,
    grant(user, repository, actions) {
      const userGrants = grants.get(user);
      if (!userGrants) throw new Error(`token server: unknown user ${user}`);
      userGrants.set(repository, [...actions]);
    },
    issued: () => issued,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** 'repository:a/b:pull,push registry:catalog:*' -> entries; the name may itself hold colons. */
export function parseScopes(scopeParam: string): AccessEntry[] {
  const entries: AccessEntry[] = [];
  for (const scope of scopeParam.split(' ').filter(Boolean)) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first <= 0 || last === first) continue;
    entries.push({
      type: scope.slice(0, first),
      name: scope.slice(first + 1, last),
      actions: scope.slice(last + 1).split(',').filter(Boolean),
    });
  }
  return entries;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { user: decoded, password: '' };
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function signJwt(header: object, claims: object, key: crypto.KeyObject): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${base64url(signature)}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: http.ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// The GitHub Actions OIDC token, fetched the way @actions/core's getIDToken does (GET the request
// URL with `audience`, bearer request token, `{"value": JWT}` back) without pulling @actions/core's
// HTTP stack into every bundle that needs one token.
import { oneLine, UserError } from '../core/errors';

const ATTEMPTS = 3;
const TIMEOUT_MS = 30_000;
const MAX_BODY = 64 * 1024;

export interface IdTokenRequest {
  url: string;
  requestToken: string;
  audience: string;
  fetch?: typeof fetch;
}

export async function fetchActionsIdToken(req: IdTokenRequest): Promise<string> {
  const url = new URL(req.url);
  url.searchParams.set('audience', req.audience);
  const doFetch = req.fetch ?? fetch;
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      const res = await doFetch(url, { headers: { Authorization: `Bearer ${req.requestToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = (await res.text()).slice(0, MAX_BODY);
      if (res.ok) {
        const value = (JSON.parse(text) as { value?: unknown }).value;
        if (typeof value !== 'string' || value === '') throw new UserError('the Actions OIDC token endpoint answered without a token');
        return value;
      }
      last = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      if (err instanceof UserError) throw err;
      last = oneLine(err);
    }
    if (attempt < ATTEMPTS) await new Promise((r) => setTimeout(r, 500 * attempt));
  }
  throw new UserError(`could not get the GitHub Actions OIDC token (${last}); give the job 'permissions: id-token: write'`);
}

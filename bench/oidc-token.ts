/**
 * Fetches a GitHub-shaped OIDC token (audience `sigstore`) the way @actions/core does, without
 * printing `::add-mask::` to stdout (which would mix into the benchmark's output).
 */
export async function fetchIdToken(requestUrl: string, requestToken: string, audience = 'sigstore'): Promise<string> {
  const url = `${requestUrl}${requestUrl.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${requestToken}` } });
  if (!response.ok) throw new Error(`OIDC token request failed: HTTP ${response.status}`);
  const body = (await response.json()) as { value?: string };
  if (!body.value) throw new Error('OIDC token response carries no value');
  return body.value;
}

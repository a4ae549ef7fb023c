import * as core from '@actions/core';
import { addSecret } from '../core/log';
import { decodeTokenClaims, GITHUB_ACTIONS_ISSUER, githubClaims, type GitHubTokenClaims } from '../workflow-ref/claims';

/**
 * Where a keyless signer gets its OIDC token: SIGSTORE_ID_TOKEN when set (any CI), else the GitHub
 * Actions token endpoint (needs `permissions: id-token: write`). Undefined when neither is there.
 */
export function identityTokenSource(env: NodeJS.ProcessEnv): (() => Promise<string>) | undefined {
  if (env.SIGSTORE_ID_TOKEN) {
    const token = env.SIGSTORE_ID_TOKEN;
    addSecret(token);
    return async () => token;
  }
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    addSecret(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
    return async () => {
      const token = await core.getIDToken('sigstore');
      addSecret(token);
      return token;
    };
  }
  return undefined;
}

/**
 * The GitHub job claims of the token a keyless run will sign with (visibility, job workflow), or
 * undefined when there is no token, it is no JWT, or another issuer made it.
 */
export async function readTokenClaims(source: (() => Promise<string>) | undefined, issuer: string = GITHUB_ACTIONS_ISSUER): Promise<GitHubTokenClaims | undefined> {
  if (!source) return undefined;
  const token = await source();
  addSecret(token);
  try {
    return githubClaims(decodeTokenClaims(token), issuer);
  } catch {
    return undefined;
  }
}

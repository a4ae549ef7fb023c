import * as core from '@actions/core';
import { addSecret } from '../core/log';

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

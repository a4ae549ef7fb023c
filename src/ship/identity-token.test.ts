import { redact } from '../core/log';
import { identityTokenSource } from './identity-token';

describe('identityTokenSource', () => {
  test('SIGSTORE_ID_TOKEN wins, and is redacted from then on', async () => {
    const source = identityTokenSource({ SIGSTORE_ID_TOKEN: 'eyJ.sigstore-id-token.sig', ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req' });
    expect(source).toBeDefined();
    expect(await source!()).toBe('eyJ.sigstore-id-token.sig');
    expect(redact('token eyJ.sigstore-id-token.sig')).not.toContain('sigstore-id-token');
  });

  test('no token and no Actions token endpoint (or half of one): no source', () => {
    expect(identityTokenSource({})).toBeUndefined();
    expect(identityTokenSource({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x' })).toBeUndefined();
    expect(identityTokenSource({ ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'req' })).toBeUndefined();
  });
});

import { InternalError } from '@sigstore/sign';
import { addSecret } from '../core/log';
import { signingError } from './errors';

describe('signingError', () => {
  test("a Fulcio error body with escapes, the identity token and 1 MB of text becomes one short clean line", () => {
    const token = 'eyJcanary.identity.token-5e6f';
    addSecret(token);
    const cause = new Error(`HTTP 400 \u001b[31m bad token ${token}\n\u202E${'x'.repeat(1024 * 1024)}`);
    const err = signingError(new InternalError({ code: 'CA_CREATE_SIGNING_CERTIFICATE_ERROR', message: 'x', cause }));
    expect(err.message.startsWith('Fulcio refused to issue a signing certificate: HTTP 400 [31m bad token ***')).toBe(true);
    expect(err.message).not.toMatch(/[\u001b\u202e\n]/); // eslint-disable-line no-control-regex
    expect(err.message.length).toBeLessThan(400);
  });
});

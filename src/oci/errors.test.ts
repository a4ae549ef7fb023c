import { UserError } from '../core/errors';
import { addSecret } from '../core/log';
import { describeStatus, errorForStatus, parseDistributionErrors, RegistryAuthError, RegistryError } from './errors';
import { ConflictError, NotFoundError } from './store';

const op = { registry: '127.0.0.1:5000', operation: 'PUT manifest acme/api:latest' };

describe('registry errors', () => {
  it('parses the distribution error body', () => {
    const body = Buffer.from('{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{"reason":"bad layer"}},{"nocode":1}]}');
    expect(parseDistributionErrors(body)).toEqual([{ code: 'MANIFEST_INVALID', message: 'manifest invalid', detail: { reason: 'bad layer' } }]);
    expect(parseDistributionErrors(Buffer.from('<html>'))).toEqual([]);
    expect(describeStatus(400, body)).toBe('400 MANIFEST_INVALID: manifest invalid ({"reason":"bad layer"})');
    expect(describeStatus(502, Buffer.from('Bad\n gateway'))).toBe('502: Bad gateway');
    expect(describeStatus(401, undefined)).toBe('401 UNAUTHORIZED');
  });

  it('maps statuses to the error classes callers test for, naming registry, operation and reference', () => {
    const invalid = errorForStatus(op, 400, Buffer.from('{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid"}]}'));
    expect(invalid).toBeInstanceOf(RegistryError);
    expect(invalid.message).toBe('registry 127.0.0.1:5000: PUT manifest acme/api:latest failed: 400 MANIFEST_INVALID: manifest invalid');
    expect((invalid as RegistryError).codes).toEqual(['MANIFEST_INVALID']);
    expect(errorForStatus(op, 404, undefined)).toBeInstanceOf(NotFoundError);
    expect(errorForStatus(op, 412, undefined)).toBeInstanceOf(ConflictError);
    const denied = errorForStatus({ ...op, scopes: ['repository:acme/api:pull,push'], authHint: 'credentials from test' }, 403, undefined);
    expect(denied).toBeInstanceOf(RegistryAuthError);
    expect(denied).toBeInstanceOf(UserError);
    expect(denied.message).toBe(
      'registry 127.0.0.1:5000: PUT manifest acme/api:latest failed: 403 DENIED (credentials from test); check the credentials for 127.0.0.1:5000 and that they grant repository:acme/api:pull,push',
    );
  });
});

describe('registry error text is untrusted', () => {
  const canary = 'canary-registry-secret-5b1e';
  beforeAll(() => addSecret(canary));

  it('takes escape sequences and bidi overrides out of messages and details', () => {
    const body = Buffer.from(JSON.stringify({ errors: [{ code: 'DENIED\u001b[31m', message: 'no\u001b]0;pwned\u0007 \u202Etxt.exe', detail: 'x\u009b2J' }] }));
    const err = errorForStatus(op, 400, body);
    expect(err.message).toBe('registry 127.0.0.1:5000: PUT manifest acme/api:latest failed: 400 DENIED[31m: no]0;pwned txt.exe (x2J)');
    expect((err as RegistryError).codes).toEqual(['DENIED[31m']);
  });

  it('masks a canary secret the registry echoes back, in messages, details and plain bodies', () => {
    const json = Buffer.from(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: `bad token ${canary}`, detail: { Authorization: `Bearer ${canary}` } }] }));
    expect(errorForStatus(op, 401, json).message).not.toContain(canary);
    expect(describeStatus(500, Buffer.from(`oops ${canary}`))).toBe('500: oops ***');
  });

  it('caps a 1 MB body and a flood of error entries', () => {
    const plain = describeStatus(502, Buffer.alloc(1024 * 1024, 'A'));
    expect(plain.length).toBeLessThan(300);
    expect(plain).toContain('characters cut');
    const many = Buffer.from(JSON.stringify({ errors: Array.from({ length: 1000 }, () => ({ code: 'X'.repeat(500), message: 'm'.repeat(500) })) }));
    const msg = errorForStatus(op, 400, many).message;
    expect(msg.length).toBeLessThan(2500);
    expect(msg).toContain('; and 995 more');
    expect(msg).not.toContain('\n');
  });
});

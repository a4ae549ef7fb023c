import { UserError } from '../core/errors';
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

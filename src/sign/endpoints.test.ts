import { UserError } from '../core/errors';
import { GITHUB_ENDPOINTS, PUBLIC_GOOD_ENDPOINTS, resolveEndpoints } from './endpoints';

describe('Sigstore endpoints', () => {
  test('visibility picks the instance', () => {
    expect(resolveEndpoints({ visibility: 'public' })).toEqual(PUBLIC_GOOD_ENDPOINTS);
    expect(resolveEndpoints({ visibility: 'private' })).toEqual(GITHUB_ENDPOINTS);
    expect(resolveEndpoints({ visibility: 'Internal' })).toEqual(GITHUB_ENDPOINTS);
    expect(GITHUB_ENDPOINTS.rekorURL).toBeUndefined();
  });

  test('explicit URLs override, empty removes a service', () => {
    expect(resolveEndpoints({ visibility: 'public', fulcioURL: 'http://127.0.0.1:8080/', tsaURL: 'http://127.0.0.1:8081' })).toEqual({
      instance: 'custom',
      fulcioURL: 'http://127.0.0.1:8080',
      rekorURL: 'https://rekor.sigstore.dev',
      tsaURL: 'http://127.0.0.1:8081',
    });
    expect(resolveEndpoints({ visibility: 'public', rekorURL: '', tsaURL: 'https://tsa.example' }).rekorURL).toBeUndefined();
  });

  test('unknown visibility fails closed: never the public log by default', () => {
    expect(() => resolveEndpoints()).toThrow(UserError);
    expect(() => resolveEndpoints({ visibility: '' })).toThrow(/visibility is unknown.*sigstore public-good or github/);
    // Explicit URLs alone: exactly those, nothing filled in from either instance.
    expect(resolveEndpoints({ fulcioURL: 'http://127.0.0.1:8080', tsaURL: 'http://127.0.0.1:8081' })).toEqual({
      instance: 'custom',
      fulcioURL: 'http://127.0.0.1:8080',
      rekorURL: undefined,
      tsaURL: 'http://127.0.0.1:8081',
    });
    expect(() => resolveEndpoints({ fulcioURL: 'http://127.0.0.1:8080' })).toThrow(/Rekor nor a timestamp/);
  });

  test('bad input is a user error', () => {
    expect(() => resolveEndpoints({ visibility: 'secret' })).toThrow(UserError);
    expect(() => resolveEndpoints({ fulcioURL: 'ftp://x' })).toThrow(/http/);
    expect(() => resolveEndpoints({ fulcioURL: 'not a url' })).toThrow(UserError);
    expect(() => resolveEndpoints({ visibility: 'private', tsaURL: '' })).toThrow(/Rekor nor a timestamp/);
  });
});

import { registrableDomain } from './token';

describe('registrableDomain', () => {
  it.each([
    ['registry-1.docker.io', 'docker.io'],
    ['auth.docker.io', 'docker.io'],
    ['ghcr.io', 'ghcr.io'],
    ['registry.gitlab.example.co.uk', 'example.co.uk'],
    ['Example.COM.', 'example.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['localhost', 'localhost'],
  ])('%s → %s', (name, domain) => {
    expect(registrableDomain(name)).toBe(domain);
  });

  it('tells registries of different owners apart', () => {
    expect(registrableDomain('registry.acme.com')).not.toBe(registrableDomain('auth.evil.com'));
    expect(registrableDomain('127.0.0.1')).not.toBe(registrableDomain('127.0.0.2'));
  });
});

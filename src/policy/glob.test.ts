import { imageMatchesGlobs } from './glob';
import { identityMatches } from './signer';

describe('image globs', () => {
  it.each([
    ['ghcr.io/acme/*', 'ghcr.io/acme/api:1.2', true],
    ['ghcr.io/acme/*', 'ghcr.io/acme/team/api@sha256:' + 'a'.repeat(64), true],
    ['ghcr.io/acme/*', 'ghcr.io/acmecorp/api:1', false],
    ['ghcr.io/acme/api:*', 'ghcr.io/acme/api:v1', true],
    ['ghcr.io/acme/api', 'ghcr.io/acme/api:v1', false],
    ['ghcr.io/acme.io/*', 'ghcr.io/acmexio/x', false],
  ])('%s vs %s', (glob, image, expected) => expect(imageMatchesGlobs(image, [glob])).toBe(expected));
});

describe('identity matching', () => {
  const issuer = 'https://token.actions.githubusercontent.com';
  it('matches issuer exactly and subject exactly or by regexp', () => {
    const re = { issuer, subjectRegExp: '^https://github\\.com/acme/app/\\.github/workflows/ship\\.yml@refs/tags/v.*$' };
    expect(identityMatches(re, 'https://github.com/acme/app/.github/workflows/ship.yml@refs/tags/v1.0.0', issuer)).toBe(true);
    expect(identityMatches(re, 'https://github.com/acme/app/.github/workflows/ship.yml@refs/heads/main', issuer)).toBe(false);
    expect(identityMatches(re, 'https://github.com/acme/app/.github/workflows/ship.yml@refs/tags/v1.0.0', issuer + '/')).toBe(false);
    const exact = { issuer, subject: 'https://github.com/acme/app/.github/workflows/ship.yml@refs/heads/main' };
    expect(identityMatches(exact, exact.subject, issuer)).toBe(true);
    expect(identityMatches(exact, exact.subject + 'x', issuer)).toBe(false);
  });
});

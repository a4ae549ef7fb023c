import { globMatches, imageMatchesGlobs } from './glob';
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

describe('glob matching is linear', () => {
  // The meaning of the regexp it replaces, as the oracle on small random cases.
  const oracle = (glob: string, text: string) => new RegExp(`^${glob.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`).test(text);

  test('agrees with the regexp meaning on random globs and texts', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pick = (alphabet: string, len: number) => Array.from({ length: len }, () => alphabet[rand(alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const glob = pick('ab*/', rand(7));
      const text = pick('ab/', rand(9));
      expect([glob, text, globMatches(glob, text)]).toEqual([glob, text, oracle(glob, text)]);
    }
  });

  test('a glob of 100 stars against a long string that nearly matches ends at once', () => {
    const glob = Array.from({ length: 100 }, () => 'a').join('*') + '*b';
    const text = 'a'.repeat(200_000);
    // The regexp form of this glob does not finish in any useful time; the matcher scans once.
    expect(globMatches(glob, text)).toBe(false);
    expect(globMatches('*'.repeat(100), text)).toBe(true);
    expect(imageMatchesGlobs(`${text}b`, [glob])).toBe(true);
  });
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

  it("runs subject regexps on a linear-time engine: '^(a+)+$' against a long near-miss ends at once", () => {
    const evil = { issuer, subjectRegExp: '^(a+)+$' };
    expect(identityMatches(evil, 'a'.repeat(100_000) + 'b', issuer)).toBe(false);
    expect(identityMatches(evil, 'a'.repeat(100_000), issuer)).toBe(true);
    expect(identityMatches({ issuer, subjectRegExp: '^(x+x+)+y$' }, 'x'.repeat(50_000), issuer)).toBe(false);
  });
});

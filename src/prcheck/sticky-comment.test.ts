import { nextLink } from './sticky-comment';

describe('Link pagination', () => {
  const base = 'https://api.github.com';
  test('rel="next" among others', () => {
    expect(nextLink('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"', base)).toBe('https://api.github.com/x?page=2');
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev"', base)).toBeUndefined();
    expect(nextLink(null, base)).toBeUndefined();
  });
  test('a next page on another origin is refused: the token would go with it', () => {
    expect(() => nextLink('<https://evil.example/x?page=2>; rel="next"', base)).toThrow(/refusing to send the token there/);
  });
});

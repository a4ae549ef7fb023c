import { parseWwwAuthenticate } from './challenge';
import { mergeScopes, repositoryScope, scopesCover } from './scope';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge with a comma inside a quoted scope', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:acme/api:pull,push",error="insufficient_scope"'),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:acme/api:pull,push', error: 'insufficient_scope' },
      },
    ]);
  });

  it('reads Basic, unquoted values, spaces and escapes', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry \\"Realm\\""')).toEqual([{ scheme: 'basic', params: { realm: 'Registry "Realm"' } }]);
    expect(parseWwwAuthenticate('BEARER  realm = https://a/t , service=svc')).toEqual([{ scheme: 'bearer', params: { realm: 'https://a/t', service: 'svc' } }]);
  });

  it('splits several challenges in one header and across headers', () => {
    const parsed = parseWwwAuthenticate('Negotiate abc==, Basic realm="b", Bearer realm="https://t",scope="repository:x:pull"');
    expect(parsed.map((c) => c.scheme)).toEqual(['negotiate', 'basic', 'bearer']);
    expect(parsed[2]?.params).toEqual({ realm: 'https://t', scope: 'repository:x:pull' });
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="b"']).map((c) => c.params.realm)).toEqual(['a', 'b']);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});

describe('scopes', () => {
  it('merges actions per repository', () => {
    expect(mergeScopes([repositoryScope('a/b', ['pull'])], ['repository:a/b:push', 'repository:c:pull'])).toEqual([
      'repository:a/b:pull,push',
      'repository:c:pull',
    ]);
    expect(mergeScopes(['repository:a:pull repository:b:pull'])).toEqual(['repository:a:pull', 'repository:b:pull']);
  });
  it('keeps names that hold colons (host:port style) intact', () => {
    expect(mergeScopes(['repository:reg:5000/a:pull'], ['repository:reg:5000/a:push'])).toEqual(['repository:reg:5000/a:pull,push']);
  });
  it('knows when held scopes cover wanted ones', () => {
    expect(scopesCover(['repository:a:pull,push'], ['repository:a:pull'])).toBe(true);
    expect(scopesCover(['repository:a:pull'], ['repository:a:pull,push'])).toBe(false);
    expect(scopesCover(['repository:a:*'], ['repository:a:delete'])).toBe(true);
    expect(scopesCover(['repository:a:pull,push'], ['repository:a:push', 'repository:b:pull'])).toBe(false);
    expect(scopesCover([], [])).toBe(true);
  });
});

import { UserError } from '../core/errors';
import { canonicalRegistry, familiarName, formatReference, parseReference, registryApiHost } from './reference';

const HEX = 'a'.repeat(64);

describe('parseReference', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['acme/api', { registry: 'docker.io', repository: 'acme/api' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/acme/api:v1', { registry: 'docker.io', repository: 'acme/api', tag: 'v1' }],
    ['ghcr.io/acme/api:latest', { registry: 'ghcr.io', repository: 'acme/api', tag: 'latest' }],
    ['localhost/api', { registry: 'localhost', repository: 'api' }],
    ['localhost:5000/api:dev', { registry: 'localhost:5000', repository: 'api', tag: 'dev' }],
    ['127.0.0.1:5000/a/b/c', { registry: '127.0.0.1:5000', repository: 'a/b/c' }],
    ['[::1]:5000/repo', { registry: '[::1]:5000', repository: 'repo' }],
    ['[::1]/repo:t', { registry: '[::1]', repository: 'repo', tag: 't' }],
    ['[fe80::1:2]:443/x/y@sha256:' + HEX, { registry: '[fe80::1:2]:443', repository: 'x/y', digest: 'sha256:' + HEX }],
    ['reg.example.com/a.b/c_d/e__f/g-h/i---j', { registry: 'reg.example.com', repository: 'a.b/c_d/e__f/g-h/i---j' }],
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
    ['api:v1@sha256:' + HEX, { registry: 'docker.io', repository: 'library/api', tag: 'v1', digest: 'sha256:' + HEX }],
    ['My-Registry.example:1/x:Tag_1.2-rc', { registry: 'My-Registry.example:1', repository: 'x', tag: 'Tag_1.2-rc' }],
    ['x@sha512:' + 'b'.repeat(128), { registry: 'docker.io', repository: 'library/x', digest: 'sha512:' + 'b'.repeat(128) }],
  ])('parses %s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ['Foo/bar', "repository path component 'Foo' must be lowercase"],
    ['', 'empty'],
    ['a b', 'whitespace'],
    ['acme/Api', "component 'Api' must be lowercase"],
    ['acme/a..b', "component 'a..b'"],
    ['acme/_a', "component '_a'"],
    ['acme/a___b', "component 'a___b'"],
    ['acme//b', 'empty component'],
    ['acme/b/', 'empty component'],
    ['acme/b:-x', "tag '-x'"],
    ['acme/b:.x', "tag '.x'"],
    ['acme/b:' + 't'.repeat(129), 'tag'],
    ['acme/b@sha256:abc', 'sha256 digest must have 64 hex characters, not 3'],
    ['acme/b@sha256:' + 'A'.repeat(64), 'lowercase hexadecimal'],
    ['acme/b@md5:' + HEX, "algorithm 'md5' is not supported"],
    ['acme/b@' + HEX, 'must be <algorithm>:<hex>'],
    ['reg-.example.com/x', "host 'reg-.example.com'"],
    ['reg.example.com:port/x', "port 'port' must be a number"],
    ['reg.example.com:99999/x', 'out of range'],
    ['reg.example.com:0/x', "port '0' is out of range"],
    ['127.0.0.1:00/x', "port '00' is out of range"],
    ['[::1]:0/x', "port '0' is out of range"],
    ['[::1/x', 'unclosed IPv6'],
    ['[zz]:1/x', 'not a valid IPv6'],
    ['reg.example.com/', 'repository name is empty'],
    ['reg.example.com/' + 'a'.repeat(250), 'more than 255'],
  ])('rejects %j naming the problem', (input, problem) => {
    let caught: unknown;
    try {
      parseReference(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toContain(`invalid reference '${input}'`);
    expect((caught as Error).message).toContain(problem);
    expect((caught as Error).message).not.toContain('\n');
  });

  it('counts the default registry in the 255-character limit', () => {
    const path = 'a'.repeat(255 - 'docker.io/'.length);
    expect(() => parseReference('x/' + path.slice(2))).not.toThrow();
    expect(() => parseReference('x/' + path.slice(1))).toThrow(/more than 255/);
  });
});

describe('formatReference / familiarName', () => {
  it('round-trips the canonical form', () => {
    for (const s of ['docker.io/library/nginx:1', 'ghcr.io/a/b@sha256:' + HEX, '[::1]:5000/r:t@sha256:' + HEX]) {
      expect(formatReference(parseReference(s))).toBe(s);
    }
  });
  it('shortens Docker Hub names only', () => {
    expect(familiarName(parseReference('nginx:1'))).toBe('nginx:1');
    expect(familiarName(parseReference('docker.io/acme/api'))).toBe('acme/api');
    expect(familiarName(parseReference('docker.io/library/a/b'))).toBe('library/a/b');
    expect(familiarName(parseReference('ghcr.io/acme/api@sha256:' + HEX))).toBe('ghcr.io/acme/api@sha256:' + HEX);
  });
});

describe('registryApiHost', () => {
  it('maps Docker Hub to its API host and leaves others alone', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('index.docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
    expect(registryApiHost('localhost:5000')).toBe('localhost:5000');
    expect(canonicalRegistry('registry-1.docker.io')).toBe('docker.io');
  });
});

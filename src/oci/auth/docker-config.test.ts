import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../core/errors';
import { redact } from '../../core/log';
import { CredentialResolver } from './credentials';
import { dockerConfigCredential, dockerConfigPaths, normalizeRegistryKey } from './docker-config';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('docker config credentials', () => {
  let dir: string;
  let binDir: string;
  let configDir: string;
  let env: NodeJS.ProcessEnv;
  const writeConfig = (config: object, file = path.join(configDir, 'config.json')) => fs.writeFileSync(file, JSON.stringify(config));

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-image-docker-config-'));
    binDir = path.join(dir, 'bin');
    configDir = path.join(dir, 'docker');
    fs.mkdirSync(binDir);
    fs.mkdirSync(configDir);
    // A fake credential helper: answers by server URL, logs what it was asked.
    const helper = path.join(binDir, 'docker-credential-test');
    fs.writeFileSync(
      helper,
      `#!/bin/sh
[ "$1" = get ] || exit 3
read -r server
echo "$server" >> "${path.join(dir, 'asked.log')}"
case "$server" in
  helper.example) echo '{"ServerURL":"helper.example","Username":"helper-user","Secret":"helper-secret-1"}' ;;
  token.example) echo '{"Username":"<token>","Secret":"identity-token-1"}' ;;
  https://index.docker.io/v1/) echo '{"Username":"hub-user","Secret":"hub-secret-1"}' ;;
  fail.example) echo 'boom: keychain locked' >&2; exit 1 ;;
  *) echo 'credentials not found in native keychain'; exit 1 ;;
esac
`,
    );
    fs.chmodSync(helper, 0o755);
    env = { PATH: `${binDir}:${process.env.PATH ?? ''}`, HOME: dir, DOCKER_CONFIG: configDir };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('normalises config keys', () => {
    expect(normalizeRegistryKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeRegistryKey('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeRegistryKey('https://GHCR.io/v2/')).toBe('ghcr.io');
    expect(normalizeRegistryKey('localhost:5000')).toBe('localhost:5000');
  });

  it('reads auth (base64 user:pass), username/password and identitytoken entries', async () => {
    writeConfig({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub:hub-pass-1') },
        'https://reg.example/v2/': { username: 'u2', password: 'reg-pass-1' },
        'id.example': { auth: b64('u3:'), identitytoken: 'refresh-token-1' },
        'empty.example': {},
      },
    });
    expect(await dockerConfigCredential('docker.io', { env })).toMatchObject({ username: 'hub', password: 'hub-pass-1' });
    expect(await dockerConfigCredential('reg.example', { env })).toMatchObject({ username: 'u2', password: 'reg-pass-1' });
    expect(await dockerConfigCredential('id.example', { env })).toMatchObject({ identityToken: 'refresh-token-1' });
    expect(await dockerConfigCredential('empty.example', { env })).toBeUndefined();
    expect(await dockerConfigCredential('other.example', { env })).toBeUndefined();
    expect(redact('hub-pass-1 reg-pass-1 refresh-token-1')).toBe('*** *** ***');
  });

  it('asks credHelpers[host] first, then credsStore, then auths', async () => {
    writeConfig({
      credHelpers: { 'helper.example': 'test', 'token.example': 'test' },
      credsStore: 'test',
      auths: { 'nothere.example': { auth: b64('file-user:file-pass-1') } },
    });
    expect(await dockerConfigCredential('helper.example', { env })).toEqual({
      username: 'helper-user',
      password: 'helper-secret-1',
      source: 'docker-credential-test',
    });
    expect(await dockerConfigCredential('token.example', { env })).toEqual({ identityToken: 'identity-token-1', source: 'docker-credential-test' });
    // credsStore is asked with Docker Hub's server URL.
    expect(await dockerConfigCredential('docker.io', { env })).toMatchObject({ username: 'hub-user', password: 'hub-secret-1' });
    // The store has nothing: the auths entry is used.
    expect(await dockerConfigCredential('nothere.example', { env })).toMatchObject({ username: 'file-user' });
    expect(fs.readFileSync(path.join(dir, 'asked.log'), 'utf8')).toContain('https://index.docker.io/v1/\n');
    expect(redact('helper-secret-1 identity-token-1')).toBe('*** ***');
  });

  it('reports a failing or missing helper as a user error naming the config entry', async () => {
    writeConfig({ credHelpers: { 'fail.example': 'test', 'gone.example': 'absent' } });
    await expect(dockerConfigCredential('fail.example', { env })).rejects.toThrow(/docker-credential-test .*credHelpers\["fail.example"\].* failed for fail.example \(exit 1: boom: keychain locked\)/);
    const missing = await dockerConfigCredential('gone.example', { env }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UserError);
    expect((missing as Error).message).toMatch(/docker-credential-absent .* is not on PATH/);
  });

  it('prefers REGISTRY_AUTH_FILE over config.json, and falls back to it per host', async () => {
    writeConfig({ auths: { 'a.example': { auth: b64('docker:docker-pass-1') }, 'b.example': { auth: b64('docker-b:docker-pass-2') } } });
    const authFile = path.join(dir, 'auth.json');
    writeConfig({ auths: { 'a.example': { auth: b64('podman:podman-pass-1') } } }, authFile);
    const withAuthFile = { ...env, REGISTRY_AUTH_FILE: authFile };
    expect(dockerConfigPaths({ env: withAuthFile })).toEqual([authFile, path.join(configDir, 'config.json')]);
    expect(await dockerConfigCredential('a.example', { env: withAuthFile })).toMatchObject({ username: 'podman' });
    expect(await dockerConfigCredential('b.example', { env: withAuthFile })).toMatchObject({ username: 'docker-b' });
    expect(await dockerConfigCredential('a.example', { env })).toMatchObject({ username: 'docker' });
  });

  it('defaults to ~/.docker/config.json and tolerates a missing file', async () => {
    expect(dockerConfigPaths({ env: { HOME: '/nowhere' } })).toEqual(['/nowhere/.docker/config.json']);
    expect(await dockerConfigCredential('a.example', { env: { HOME: '/nowhere' } })).toBeUndefined();
  });

  it('refuses a config that is not JSON', async () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(bad);
    fs.writeFileSync(path.join(bad, 'config.json'), '{not json');
    await expect(dockerConfigCredential('a.example', { dockerConfigDir: bad, env })).rejects.toThrow(/is not valid JSON/);
  });

  it('applies precedence: explicit username/password > per-host option > docker config', async () => {
    writeConfig({ auths: { 'a.example': { auth: b64('docker:docker-pass-1') } } });
    const explicit = new CredentialResolver({ env, username: 'me', password: 'explicit-pass', credentials: { 'a.example': { username: 'gh', password: 'gh-token' } } });
    expect(await explicit.get('a.example')).toMatchObject({ username: 'me', password: 'explicit-pass' });
    const perHost = new CredentialResolver({ env, credentials: { 'https://a.example': { username: 'gh', password: 'gh-token' } } });
    expect(await perHost.get('a.example')).toMatchObject({ username: 'gh', password: 'gh-token' });
    expect(await perHost.get('b.example')).toBeUndefined();
    expect(await new CredentialResolver({ env }).get('a.example')).toMatchObject({ username: 'docker' });
    expect(redact('explicit-pass gh-token')).toBe('*** ***');
  });
});

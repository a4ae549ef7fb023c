import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redact } from '../core/log';
import { writeTempRegistryAuth } from './registry-auth';

describe('writeTempRegistryAuth', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-test-'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  test('writes docker config and auth.json with the credentials, private, and removes them', () => {
    const auth = writeTempRegistryAuth('127.0.0.1:5000', { username: 'ci', password: 's3cret-pass' }, { HOME: home });
    const expected = Buffer.from('ci:s3cret-pass').toString('base64');
    const dockerConfig = JSON.parse(fs.readFileSync(path.join(auth.dockerConfigDir, 'config.json'), 'utf8'));
    expect(dockerConfig.auths['127.0.0.1:5000']).toEqual({ auth: expected });
    const authJson = JSON.parse(fs.readFileSync(auth.authFile, 'utf8'));
    expect(authJson.auths['127.0.0.1:5000']).toEqual({ auth: expected });
    expect(fs.statSync(auth.authFile).mode & 0o077).toBe(0);
    expect(redact('pw s3cret-pass b64 ' + expected)).toBe('pw *** b64 ***');
    auth.remove();
    expect(fs.existsSync(auth.dockerConfigDir)).toBe(false);
    expect(fs.existsSync(auth.authFile)).toBe(false);
    auth.remove();
  });

  test("goes under RUNNER_TEMP when set (the runner empties it when the job ends)", () => {
    const runnerTemp = path.join(home, 'runner-temp');
    fs.mkdirSync(runnerTemp);
    const auth = writeTempRegistryAuth('127.0.0.1:5000', { username: 'ci', password: 'pw-runner-temp' }, { HOME: home, RUNNER_TEMP: runnerTemp });
    expect(path.dirname(path.dirname(auth.authFile))).toBe(runnerTemp);
    expect(fs.readdirSync(runnerTemp)).toEqual([expect.stringMatching(/^ship-image-auth-/)]);
    auth.remove();
    expect(fs.readdirSync(runnerTemp)).toEqual([]);
  });

  test("keeps the user's docker config: other registries, buildx builders, and a credsStore bypassed for our host", () => {
    const userDir = path.join(home, 'dockercfg');
    fs.mkdirSync(path.join(userDir, 'buildx'), { recursive: true });
    fs.writeFileSync(
      path.join(userDir, 'config.json'),
      JSON.stringify({ auths: { 'other.io': { auth: 'eDp5' } }, credsStore: 'desktop', currentContext: 'ctx' }),
    );
    const auth = writeTempRegistryAuth('docker.io', { username: 'u', password: 'pw-docker-hub' }, { DOCKER_CONFIG: userDir });
    try {
      const cfg = JSON.parse(fs.readFileSync(path.join(auth.dockerConfigDir, 'config.json'), 'utf8'));
      expect(cfg.auths['other.io']).toEqual({ auth: 'eDp5' });
      expect(cfg.auths['https://index.docker.io/v1/']).toBeDefined();
      expect(cfg.credHelpers['https://index.docker.io/v1/']).toBe('');
      expect(cfg.currentContext).toBe('ctx');
      expect(fs.lstatSync(path.join(auth.dockerConfigDir, 'buildx')).isSymbolicLink()).toBe(true);
    } finally {
      auth.remove();
    }
    expect(fs.existsSync(path.join(userDir, 'buildx'))).toBe(true);
  });

  test('merges REGISTRY_AUTH_FILE into the buildah auth file', () => {
    const existing = path.join(home, 'auth.json');
    fs.writeFileSync(existing, JSON.stringify({ auths: { 'quay.io': { auth: 'cTpx' } } }));
    const auth = writeTempRegistryAuth('ghcr.io', { username: 'u', password: 'pw-ghcr-token' }, { HOME: home, REGISTRY_AUTH_FILE: existing });
    try {
      const cfg = JSON.parse(fs.readFileSync(auth.authFile, 'utf8'));
      expect(Object.keys(cfg.auths).sort()).toEqual(['ghcr.io', 'quay.io']);
    } finally {
      auth.remove();
    }
  });
});

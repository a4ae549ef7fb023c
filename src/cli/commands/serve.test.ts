import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../core/errors';
import { makeServeCommand, parseCacheTtl, parseListen } from './serve';

describe('serve flags', () => {
  test('--listen: [host]:port', () => {
    expect(parseListen(':8443')).toEqual({ host: undefined, port: 8443 });
    expect(parseListen('127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(parseListen('[::1]:443')).toEqual({ host: '::1', port: 443 });
    for (const bad of ['8443', 'host:', ':99999', 'a:b:1']) expect(() => parseListen(bad)).toThrow(UserError);
  });

  test('--cache-ttl: a positive duration of at most 1h', () => {
    expect(parseCacheTtl('5m')).toBe(300_000);
    expect(() => parseCacheTtl('0s')).toThrow(/not a positive duration/);
    expect(() => parseCacheTtl('2h')).toThrow(/over 1h/);
  });

  test('bad input is one UserError line before anything listens', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'serve-flags-'));
    try {
      writeFileSync(path.join(dir, 'junk.pem'), 'not a certificate');
      const command = makeServeCommand({ env: {}, writeStdout: () => undefined, writeStderr: () => undefined, stopped: async () => undefined });
      await expect(command.run(['--tls-cert', 'a', '--tls-key', 'b'])).rejects.toThrow('--policy FILE is required');
      await expect(command.run(['--policy', 'p', '--tls-cert', path.join(dir, 'none.pem'), '--tls-key', 'b'])).rejects.toThrow(/^--tls-cert: /);
      const junk = path.join(dir, 'junk.pem');
      await expect(command.run(['--policy', path.join(dir, 'none.yaml'), '--tls-cert', junk, '--tls-key', junk])).rejects.toThrow(UserError);
      await expect(command.run(['--policy', 'p', '--tls-cert', junk, '--tls-key', junk, '--listen', 'nowhere'])).rejects.toThrow(/--listen 'nowhere' is not \[host\]:port/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

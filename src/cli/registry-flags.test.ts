import { UserError } from '../core/errors';
import { registryOptionsFromFlags, registryTimeout } from './registry-flags';

describe('registry flags', () => {
  test('--timeout is a Go duration that becomes the per-request deadline', () => {
    expect(registryTimeout('30s')).toBe(30_000);
    expect(registryTimeout('1m30s')).toBe(90_000);
    expect(registryOptionsFromFlags({ timeout: '5s' }, {}, () => '').deadlineMs).toBe(5_000);
    expect(registryOptionsFromFlags({}, {}, () => '').deadlineMs).toBeUndefined();
  });

  test.each(['soon', '0s', '-5s', '10'])('--timeout %s is a one-line user error', (text) => {
    expect(() => registryTimeout(text)).toThrow(UserError);
    expect(() => registryTimeout(text)).toThrow(/^--timeout '.*' is not a positive duration; write e\.g\. 30s or 10m$/);
  });

  test('the password comes from stdin only, with a username', () => {
    expect(registryOptionsFromFlags({ username: 'u', 'password-stdin': true }, {}, () => 'secret\n')).toMatchObject({ username: 'u', password: 'secret' });
    expect(() => registryOptionsFromFlags({ username: 'u' }, {}, () => '')).toThrow(/--username needs --password-stdin/);
    expect(() => registryOptionsFromFlags({ 'password-stdin': true }, {}, () => 'x')).toThrow(/--password-stdin needs --username/);
  });
});

import { addSecret } from './log';
import { inertDeep, inertText } from './untrusted-text';

describe('inertText', () => {
  test('takes ANSI escapes, C1 controls and bidi overrides out, folds whitespace onto one line', () => {
    const hostile = 'denied\u001b[2J\u001b[31m red\u0007\u009b31m\r\nnext\tline \u202Egnp.exe\u202C \u2066x\u2069 zero\u200Bwidth\uFEFF';
    const out = inertText(hostile);
    expect(out).toBe('denied[2J[31m red31m next line gnp.exe x zerowidth');
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b\ufeff]/);
  });

  test('keeps ordinary text, accents and emoji as they are', () => {
    expect(inertText('manifest invalid: café ☕ 😀 done')).toBe('manifest invalid: café ☕ 😀 done');
  });

  test('caps the length with a marker saying how much was cut', () => {
    const out = inertText('x'.repeat(1024 * 1024), { max: 100 });
    expect(out).toBe(`${'x'.repeat(100)}… (${1024 * 1024 - 100} characters cut)`);
  });

  test('does not split a surrogate pair at the cap, and mends lone surrogates', () => {
    expect(inertText('ab😀cd', { max: 3 })).toBe('ab… (4 characters cut)');
    expect(inertText('a\uD800b')).toBe('a\uFFFDb');
  });

  test('masks registered secrets, even one that runs past the cap', () => {
    const canary = 'canary-secret-3f9a1c2e';
    addSecret(canary);
    expect(inertText(`token ${canary} rejected`)).toBe('token *** rejected');
    const out = inertText(`${'y'.repeat(95)}${canary}`, { max: 100 });
    expect(out).not.toContain('canary');
    expect(out).not.toContain(canary.slice(0, 5));
    // A secret split by a control character is put back together before it is looked for.
    expect(inertText(`x ${canary.slice(0, 6)}\u001b${canary.slice(6)}`)).not.toContain('secret-3f9a');
  });

  test('multiline keeps line breaks but nothing else', () => {
    expect(inertText('a\u001b]0;title\u0007\n\n\n\nb  c\r\nd', { multiline: true })).toBe('a]0;title\n\nb c\nd');
  });

  test('inertDeep treats every string of a JSON value, keys and other values untouched', () => {
    const canary = 'canary-secret-deep-77';
    addSecret(canary);
    const value = { reason: `bad \u001b[1m${canary}`, n: 3, ok: true, none: null, list: ['\u202Eevil'] };
    expect(inertDeep(value)).toEqual({ reason: 'bad [1m***', n: 3, ok: true, none: null, list: ['evil'] });
  });
});

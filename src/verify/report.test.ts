/* eslint-disable no-control-regex -- these tests look for control characters */
import { addSecret } from '../core/log';
import { reportJson, reportText } from './report';
import type { VerifyReport } from './verify-image';

const canary = 'canary-report-secret-91ad';
addSecret(canary);

// A report whose reasons quote what a hostile registry and bundle said.
const hostile: VerifyReport = {
  image: 'registry.test/acme/api:1\u001b[2J',
  digest: `sha256:${'a'.repeat(64)}`,
  allowed: false,
  mode: 'enforce',
  rules: [{ rule: 'signature', passed: false, reason: `no signature: registry said \u001b[32mOK\u001b[0m \u202Ecanary ${canary} ${'z'.repeat(1024 * 1024)}`, evidence: {} }],
  accepted: [],
  rejected: [{ referrerDigest: `sha256:${'b'.repeat(64)}`, predicateType: 'https://evil\u2066/x', reason: `bundle does not verify: \u009b31m${canary}` }],
  referrersSource: 'referrers-api',
  now: new Date('2026-01-01T00:00:00Z'),
} as unknown as VerifyReport;

describe('verify report with untrusted text', () => {
  test('text: no control or bidi characters, secrets masked, reasons capped', () => {
    const text = reportText(hostile);
    expect(text).not.toMatch(/[\u001b\u009b\u202e\u2066]/);
    expect(text).not.toContain(canary);
    expect(text.length).toBeLessThan(5000);
    expect(text).toContain('characters cut');
  });

  test('--json: the same for every string; the shape is unchanged', () => {
    const json = JSON.stringify(reportJson(hostile));
    expect(json).not.toMatch(/\\u001b|\\u009b|[\u009b\u202e\u2066]/);
    expect(json).not.toContain(canary);
    expect(json.length).toBeLessThan(5000);
    expect(Object.keys(reportJson(hostile))).toEqual(['image', 'digest', 'allowed', 'rules']);
    expect(reportJson(hostile).allowed).toBe(false);
  });
});

import { dedupKey, pagerDutySeverity } from './pagerduty';

test('severities map onto PagerDuty\'s four', () => {
  expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((s) => pagerDutySeverity(s as 'LOW'))).toEqual(['critical', 'error', 'warning', 'info', 'info']);
});

test('dedup_key is the finding key, or within 255 characters a stable head + hash', () => {
  const short = `sha256:${'a'.repeat(64)}/vulnerability/CVE-1`;
  expect(dedupKey(short)).toBe(short);
  const long = `sha256:${'a'.repeat(64)}/drift/${'p'.repeat(400)}`;
  expect(dedupKey(long)).toHaveLength(255);
  expect(dedupKey(long)).toBe(dedupKey(long));
  expect(dedupKey(long)).not.toBe(dedupKey(long + 'x'));
});

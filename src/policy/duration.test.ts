import { formatGoDuration, parseGoDuration, positiveDuration } from './duration';
import { formatRfc3339, parseRfc3339 } from './rfc3339';

const S = 1_000_000_000n;

describe('Go durations', () => {
  it.each([
    ['168h', 168n * 3600n * S],
    ['1h30m', 5400n * S],
    ['1.5h', 5400n * S],
    ['300ms', 300_000_000n],
    ['2h45m10.5s', (2n * 3600n + 45n * 60n + 10n) * S + S / 2n],
    ['1µs', 1000n],
    ['1us', 1000n],
    ['0', 0n],
    ['-1h', -3600n * S],
    ['.5s', S / 2n],
  ])('parses %s', (text, ns) => expect(parseGoDuration(text)).toBe(ns));

  it.each(['', '7d', '1h30', 'h', '1.h2', '1 h', '1H', '.s'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  it('only accepts positive durations from a policy', () => {
    expect(positiveDuration('0')).toBeUndefined();
    expect(positiveDuration('-1h')).toBeUndefined();
    expect(positiveDuration('72h')?.milliseconds).toBe(72 * 3600_000);
  });

  it.each([
    [0n, '0s'],
    [168n * 3600n * S, '168h0m0s'],
    [61n * S, '1m1s'],
    [S + S / 2n, '1.5s'],
    [1_500_000n, '1.5ms'],
    [1500n, '1.5µs'],
    [12n, '12ns'],
    [-3600n * S, '-1h0m0s'],
    [3601n * S + 1n, '1h0m1.000000001s'],
  ])('formats %s ns like Go', (ns, text) => expect(formatGoDuration(ns)).toBe(text));
});

describe('RFC 3339 the Go way', () => {
  it.each([
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00.123456789Z', Date.UTC(2024, 4, 1, 10) + 123],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('parses %s', (text, ms) => expect(parseRfc3339(text)).toBe(ms));

  it.each(['2024-05-01', '2024-05-01 10:00:00Z', '2024-05-01T10:00:00', '2023-02-29T00:00:00Z', '2024-05-01t10:00:00z', '2024-13-01T00:00:00Z', 'null', 42, null])(
    'rejects %j',
    (text) => expect(parseRfc3339(text)).toBeUndefined(),
  );

  it('formats whole seconds in UTC', () => expect(formatRfc3339(Date.UTC(2024, 0, 2, 3, 4, 5) + 999)).toBe('2024-01-02T03:04:05Z'));
});

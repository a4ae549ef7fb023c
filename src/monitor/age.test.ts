import { PREDICATE } from '../oci/media-types';
import type { VerifiedAttestation } from '../policy/types';
import { judgeAge, meaningfulTime, provenanceBuildTime } from './age';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

function provenance(metadata: Record<string, unknown>): VerifiedAttestation {
  return {
    referrerDigest: 'sha256:x',
    predicateType: PREDICATE.slsaProvenance,
    statement: { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: PREDICATE.slsaProvenance, predicate: { runDetails: { metadata } } },
    signer: { kind: 'key', keyId: 'k' },
    signedAt: NOW,
  };
}

describe('image age', () => {
  test('pre-2000 (reproducible builds), unparseable and far-future times are unknown', () => {
    expect(meaningfulTime('1970-01-01T00:00:00Z', NOW)).toBeUndefined();
    expect(meaningfulTime('1999-12-31T23:59:59Z', NOW)).toBeUndefined();
    expect(meaningfulTime('yesterday', NOW)).toBeUndefined();
    expect(meaningfulTime('2030-01-01T00:00:00Z', NOW)).toBeUndefined();
    expect(meaningfulTime('2026-05-01T00:00:00Z', NOW)?.toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });

  test('provenance wins over the label; finishedOn over startedOn', () => {
    const t = provenanceBuildTime([provenance({ startedOn: '2026-05-01T00:00:00Z', finishedOn: '2026-05-02T00:00:00Z' })], NOW);
    expect(t?.toISOString()).toBe('2026-05-02T00:00:00.000Z');
    expect(judgeAge(t, '2020-01-01T00:00:00Z', NOW, 30 * DAY)).toEqual({ builtAt: '2026-05-02T00:00:00.000Z', source: 'provenance', stale: false });
  });

  test('the label when there is no provenance; older than max-age is stale; a 1970 label is never stale', () => {
    expect(judgeAge(undefined, '2026-04-01T00:00:00Z', NOW, 30 * DAY)).toEqual({ builtAt: '2026-04-01T00:00:00.000Z', source: 'label', stale: true });
    expect(judgeAge(undefined, '1970-01-01T00:00:00Z', NOW, 30 * DAY)).toEqual({ stale: false });
    expect(judgeAge(provenanceBuildTime([provenance({ startedOn: '1970-01-01T00:00:01Z' })], NOW), undefined, NOW, DAY)).toEqual({ stale: false });
  });
});

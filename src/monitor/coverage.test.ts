import type { ImageRecord, SweepResult } from './model';
import { coverage, historyEntry, percent, recordFacts, trend } from './coverage';

function record(over: Partial<ImageRecord> & { digest: string }): ImageRecord {
  return {
    repository: 'ghcr.io/acme/app',
    workloads: [{ cluster: 'prod', namespace: 'pay', kind: 'Deployment', name: 'api', pod: 'api-1', container: 'app', containerKind: 'container', image: 'ghcr.io/acme/app:1' }],
    signature: { signed: true, allowed: true, failedRules: [] },
    sbom: true,
    scan: { dbVersion: 'db2', scannedAt: '2026-12-01T00:00:00Z', rescanned: false, counts: { critical: 1, high: 2, medium: 0, low: 0, unknown: 0 }, newIds: [] },
    age: { builtAt: '2026-11-20T00:00:00Z', source: 'provenance', stale: false },
    errors: [],
    ...over,
  };
}

function sweep(records: ImageRecord[], dbVersion: string | null = 'db2'): SweepResult {
  return { sweptAt: '2026-12-02T00:00:00Z', ...(dbVersion ? { dbVersion } : {}), records, findings: [], opened: [], resolved: [], notes: [] };
}

describe('coverage', () => {
  const twoClusters = [
    { cluster: 'prod', namespace: 'pay', kind: 'Deployment', name: 'api', pod: 'p1', container: 'c', containerKind: 'container' as const, image: 'x' },
    { cluster: 'stage', namespace: 'pay', kind: 'Deployment', name: 'api', pod: 'p2', container: 'c', containerKind: 'container' as const, image: 'x' },
    { cluster: 'stage', namespace: 'pay', kind: 'Job', name: 'mig', pod: 'p3', container: 'c', containerKind: 'init' as const, image: 'x' },
  ];
  const s = sweep([
    record({ digest: 'sha256:a' }),
    record({ digest: 'sha256:b', workloads: twoClusters, signature: { signed: false, allowed: false, failedRules: [{ rule: 'keyless', reason: 'no signature' }] }, sbom: false }),
    record({ digest: 'sha256:c', repository: 'ghcr.io/acme/web', age: { stale: false }, scan: undefined, drift: { added: ['pkg:deb/debian/nc@1'], removed: [], changed: [] } }),
    record({ digest: 'sha256:d', repository: 'ghcr.io/acme/web', age: { builtAt: '2025-01-01T00:00:00Z', stale: true }, drift: { added: [], removed: [], changed: [] } }),
  ]);

  test('counts each digest once per cluster, namespace (across clusters) and repository', () => {
    const c = coverage(s);
    expect(c.total).toMatchObject({ digests: 4, signed: 3, sbom: 3, freshScan: 3, stale: 1, ageUnknown: 1, signatureFailures: 1, drifted: 1 });
    expect(c.total.open).toEqual({ critical: 3, high: 6, medium: 0, low: 0, unknown: 0 });
    expect(c.total.withSeverity).toEqual({ critical: 3, high: 3, medium: 0, low: 0, unknown: 0 });
    expect(c.clusters.map((g) => [g.name, g.digests])).toEqual([['prod', 4], ['stage', 1]]);
    expect(c.namespaces.map((g) => [g.name, g.digests, g.records])).toEqual([['pay', 4, [0, 1, 2, 3]]]);
    // Worst first: web has an unscanned, a drifted and a stale digest.
    expect(c.repositories.map((g) => [g.name, g.digests])).toEqual([['ghcr.io/acme/app', 2], ['ghcr.io/acme/web', 2]]);
  });

  test('a fresh scan is one on the sweep DB; without a DB version, one in the last day', () => {
    const old = record({ digest: 'sha256:e', scan: { dbVersion: 'db1', scannedAt: '2026-12-01T23:00:00Z', rescanned: false, counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 }, newIds: [] } });
    expect(recordFacts(old, sweep([])).freshScan).toBe(false);
    expect(recordFacts(old, sweep([], null)).freshScan).toBe(true);
    const older = record({ digest: 'sha256:f', scan: { ...old.scan!, scannedAt: '2026-11-29T00:00:00Z' } });
    expect(recordFacts(older, sweep([], null)).freshScan).toBe(false);
  });

  test('percent rounds down, never to complete', () => {
    expect(percent(999, 1000)).toBe(99);
    expect(percent(1, 3)).toBe(33);
    expect(percent(0, 0)).toBe(0);
  });

  test('the trend is the history plus this sweep, counted as the headline', () => {
    const e = historyEntry(s);
    expect(e).toEqual({ sweptAt: s.sweptAt, digests: 4, open: { critical: 3, high: 6, medium: 0, low: 0, unknown: 0 }, signed: 3, withSbom: 3, stale: 1 });
    const old = { ...e, sweptAt: '2026-12-01T00:00:00Z', signed: 1 };
    const state = { version: 1 as const, open: {}, resolving: {}, scans: {}, history: [old, { ...e, signed: 0 }] };
    expect(trend(s, state)).toEqual([old, e]);
  });
});

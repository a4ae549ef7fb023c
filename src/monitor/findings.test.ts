import { advance, MAX_HISTORY } from './findings';
import { emptyState, findingKey, type Finding } from './model';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const at = (day: number) => new Date(Date.UTC(2026, 0, day));

function f(digest: string, id: string, severity: Finding['severity'] = 'HIGH'): Finding {
  return { key: findingKey(digest, 'vulnerability', id), digest, repository: 'r.test/app', kind: 'vulnerability', id, severity, summary: id };
}

describe('advance', () => {
  test('opens once, keeps first seen, resolves when fixed', () => {
    const one = advance(emptyState(), [f(D1, 'CVE-1')], [D1], at(1));
    expect(one.opened.map((x) => x.id)).toEqual(['CVE-1']);
    const two = advance(one.state, [f(D1, 'CVE-1'), f(D1, 'CVE-1')], [D1], at(2));
    expect(two.opened).toEqual([]);
    expect(two.state.open[f(D1, 'CVE-1').key]).toMatchObject({ firstSeen: at(1).toISOString(), lastSeen: at(2).toISOString() });
    const three = advance(two.state, [], [D1], at(3));
    expect(three.resolved.map((x) => x.id)).toEqual(['CVE-1']);
    expect(three.state.open).toEqual({});
    expect(three.state.resolving).toEqual({}); // never sent: nothing to resolve downstream
  });

  test('a sent finding that resolves waits in resolving; seen again, it reopens without a new trigger', () => {
    const one = advance(emptyState(), [f(D1, 'CVE-1')], [D1], at(1));
    one.state.open[f(D1, 'CVE-1').key]!.sent = { pagerduty: at(1).toISOString() };
    const gone = advance(one.state, [], [], at(2));
    expect(gone.resolved).toHaveLength(1);
    expect(Object.keys(gone.state.resolving)).toEqual([f(D1, 'CVE-1').key]);
    const back = advance(gone.state, [f(D1, 'CVE-1')], [D1], at(3));
    expect(back.opened).toEqual([]);
    expect(back.state.resolving).toEqual({});
    expect(back.state.open[f(D1, 'CVE-1').key]!.sent).toEqual({ pagerduty: at(1).toISOString() });
  });

  test('scans of digests no pod runs are dropped; history is appended and bounded', () => {
    let state = emptyState();
    state.scans[D1] = { dbVersion: 'v1', scannedAt: at(1).toISOString(), counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 }, newIds: [] };
    state.scans[D2] = { ...state.scans[D1]! };
    const entry = { sweptAt: at(2).toISOString(), digests: 1, open: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 }, signed: 1, withSbom: 1, stale: 0 };
    state = advance(state, [f(D2, 'CVE-2', 'CRITICAL')], [D2], at(2), entry).state;
    expect(Object.keys(state.scans)).toEqual([D2]);
    expect(state.history).toEqual([entry]);
    for (let i = 0; i < MAX_HISTORY + 5; i++) state = advance(state, [], [], at(3), { ...entry, sweptAt: at(3).toISOString() }).state;
    expect(state.history).toHaveLength(MAX_HISTORY);
  });
});

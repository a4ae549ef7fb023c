import { emptyState, type MonitorState } from '../model';
import { HISTORY_MAX, parseState, serializeState, stateProblem } from './schema';

const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
const key = `sha256:${'b'.repeat(64)}/stale/max-age`;
const open = {
  [key]: {
    finding: { key, digest: `sha256:${'b'.repeat(64)}`, repository: 'r/x', kind: 'stale', id: 'max-age', severity: 'MEDIUM', summary: 's' },
    firstSeen: 'a',
    lastSeen: 'b',
    sent: { pager: 'c' },
  },
};

test('a well-formed state passes; unknown fields are kept', () => {
  const doc = { ...emptyState(), open, later: { x: 1 } };
  expect(stateProblem(doc)).toBeUndefined();
  expect(parseState(Buffer.from(JSON.stringify(doc)), 'f')).toEqual(doc);
});

test.each([
  [[], 'the document is not a JSON object'],
  [{ ...emptyState(), version: 2 }, 'version is 2, not 1'],
  [{ ...emptyState(), open: [] }, 'open is not an object'],
  [{ ...emptyState(), open: { [key]: { ...open[key], finding: { ...open[key]!.finding, kind: 'weird' } } } }, `open["${key}"].finding.kind is not one of`],
  [{ ...emptyState(), open: { other: open[key] } }, 'open["other"].finding.key differs from the key it is filed under'],
  [{ ...emptyState(), resolving: { [key]: { ...open[key], sent: { p: 1 } } } }, `resolving["${key}"].sent["p"] is not a string`],
  [{ ...emptyState(), scans: { d: { dbVersion: 'x', scannedAt: 'y', counts: { ...counts, high: -1 }, newIds: [] } } }, 'scans["d"].counts.high is not a count'],
  [{ ...emptyState(), history: {} }, 'history is not a list'],
])('%j: %s', (doc, problem) => {
  expect(stateProblem(doc)).toContain(problem);
});

test('history is trimmed to its bound at save, oldest first out', () => {
  const state: MonitorState = { ...emptyState(), history: Array.from({ length: HISTORY_MAX + 5 }, (_, i) => ({ sweptAt: String(i), digests: i, open: counts, signed: 0, withSbom: 0, stale: 0 })) };
  const saved = JSON.parse(serializeState(state, 't').toString()) as MonitorState;
  expect(saved.history).toHaveLength(HISTORY_MAX);
  expect(saved.history[0]!.sweptAt).toBe('5');
  expect(state.history).toHaveLength(HISTORY_MAX + 5);
});

test('a malformed state is never written', () => {
  expect(() => serializeState({ ...emptyState(), history: [{}] } as unknown as MonitorState, 't')).toThrow(/refusing to save a malformed monitor state to t: history\[0\]\.sweptAt/);
});

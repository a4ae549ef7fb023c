import { emptyState, type AlertSink, type Finding, type MonitorState, type StateStore, type SweepChanges } from '../model';
import { deliverAlerts } from './deliver';

const f = (id: string): Finding => ({ key: `sha256:${'c'.repeat(64)}/vulnerability/${id}`, digest: `sha256:${'c'.repeat(64)}`, repository: 'r/x', kind: 'vulnerability', id, severity: 'HIGH', summary: id });

function memoryStore(): StateStore & { saves: MonitorState[] } {
  const saves: MonitorState[] = [];
  return { location: 'memory', saves, load: async () => structuredClone(saves.at(-1) ?? emptyState()), save: async (s) => void saves.push(structuredClone(s)) };
}

function recordingSink(name: string, accept = true): AlertSink & { calls: SweepChanges[] } {
  const calls: SweepChanges[] = [];
  return {
    name,
    calls,
    deliver: async (c) => {
      calls.push(c);
      return accept ? { triggered: c.opened.map((x) => x.key), resolved: c.resolved.map((x) => x.key), errors: [] } : { triggered: [], resolved: [], errors: [`${name}: down`] };
    },
  };
}

test('triggers each open finding once per sink, saving after each sink; files opened findings the lifecycle left out', async () => {
  const store = memoryStore();
  const a = recordingSink('a');
  const b = recordingSink('b', false);
  const { state, errors } = await deliverAlerts(emptyState(), { sweptAt: '2026-12-01T00:00:00Z', opened: [f('CVE-1')], resolved: [] }, [a, b], store, () => 'T');
  expect(errors).toEqual(['b: down']);
  expect(state.open[f('CVE-1').key]!.sent).toEqual({ a: 'T' });
  expect(store.saves).toHaveLength(1);
  await deliverAlerts(state, { sweptAt: '2026-12-01T01:00:00Z', opened: [], resolved: [] }, [a, b], store, () => 'T2');
  expect(a.calls).toHaveLength(1);
  expect(b.calls).toHaveLength(2);
});

test('a resolve goes only to sinks that got the trigger, and the entry is dropped once all are delivered', async () => {
  const store = memoryStore();
  const a = recordingSink('a');
  const b = recordingSink('b');
  const state = emptyState();
  state.resolving[f('CVE-2').key] = { finding: f('CVE-2'), firstSeen: 'x', lastSeen: 'y', sent: { a: 'T' } };
  const out = await deliverAlerts(state, { sweptAt: '2026-12-01T00:00:00Z', opened: [], resolved: [] }, [a, b], store);
  expect(a.calls.map((c) => c.resolved.map((x) => x.id))).toEqual([['CVE-2']]);
  expect(b.calls).toHaveLength(0);
  expect(out.state.resolving).toEqual({});
  expect(store.saves.at(-1)!.resolving).toEqual({});
});

test('nothing to send, nothing saved', async () => {
  const store = memoryStore();
  await deliverAlerts(emptyState(), { sweptAt: 't', opened: [], resolved: [] }, [recordingSink('a')], store);
  expect(store.saves).toHaveLength(0);
});

test('a resolve owed only to a sink no longer configured is dropped after 30 days, with one line', async () => {
  const state = emptyState();
  state.resolving.k = { finding: { ...f('CVE-3'), key: 'k' }, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z', sent: { gone: 'T' } };
  state.resolving.k2 = { finding: { ...f('CVE-4'), key: 'k2' }, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-11-30T00:00:00Z', sent: { gone: 'T' } };
  const store = memoryStore();
  const { errors } = await deliverAlerts(state, { sweptAt: '2026-12-01T00:00:00Z', opened: [], resolved: [] }, [recordingSink('a')], store);
  expect(errors).toEqual(['alerts: 1 resolve(s) owed to sinks no longer in the alerts file (gone) dropped after 30 days']);
  expect(Object.keys(store.saves.at(-1)!.resolving)).toEqual(['k2']);
});

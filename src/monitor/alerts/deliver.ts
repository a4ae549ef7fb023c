import { oneLine } from '../../core/errors';
import { inertText } from '../../core/untrusted-text';
import type { AlertSink, Finding, MonitorState, OpenFinding, StateStore, SweepChanges } from '../model';

/**
 * Delivers to every sink what it has not been sent: each open finding's trigger once (recorded in
 * `open[key].sent[sink]`), and each resolving finding's resolve to exactly the sinks that got its
 * trigger (dropped from `resolving` once none is left). The state is saved after each sink, so a
 * sweep that crashes between sinks, run again, sends nothing twice; what failed is offered again
 * next sweep; when nothing changed nothing is saved (the sweep saved its state before). The state
 * is the source of truth; `changes` supplies the sweep time, and any of its findings the lifecycle
 * has not filed yet (opened but not in `open`, resolved but still in `open`) are filed first.
 */
export async function deliverAlerts(
  state: MonitorState,
  changes: SweepChanges,
  sinks: readonly AlertSink[],
  store: StateStore,
  now: () => string = () => new Date().toISOString(),
): Promise<{ state: MonitorState; errors: string[] }> {
  // Whether the state holds a change made here that is not saved yet.
  let dirty = fileChanges(state, changes);
  const errors: string[] = [];
  const expired = dropExpired(state, changes.sweptAt, sinks);
  if (expired.entries > 0) {
    dirty = true;
    errors.push(`alerts: ${expired.entries} resolve(s) owed to sinks no longer in the alerts file (${[...expired.sinks].slice(0, 5).join(', ')}) dropped after ${RESOLVING_MAX_DAYS} days`);
  }
  for (const sink of sinks) {
    const opened: Finding[] = Object.values(state.open)
      .filter((o) => o.sent[sink.name] === undefined)
      .map((o) => o.finding);
    const resolved: Finding[] = Object.values(state.resolving)
      .filter((o) => o.sent[sink.name] !== undefined)
      .map((o) => o.finding);
    if (opened.length === 0 && resolved.length === 0) continue;
    let result: { triggered: string[]; resolved: string[]; errors: string[] };
    try {
      result = await sink.deliver({ sweptAt: changes.sweptAt, opened, resolved });
    } catch (err) {
      errors.push(`alert sink '${sink.name}': ${inertText(oneLine(err), { max: 300 })}`);
      continue;
    }
    errors.push(...result.errors.map((e) => inertText(e, { max: 400 })));
    const at = now();
    for (const key of result.triggered) {
      const entry = state.open[key];
      if (entry && entry.sent[sink.name] === undefined) entry.sent[sink.name] = at;
    }
    for (const key of result.resolved) {
      const entry = state.resolving[key];
      if (entry) delete entry.sent[sink.name];
    }
    dirty = dropDelivered(state) || dirty;
    if (result.triggered.length > 0 || result.resolved.length > 0 || dirty) {
      await store.save(state);
      dirty = false;
    }
  }
  if (dropDelivered(state) || dirty) await store.save(state);
  return { state, errors };
}

/** A resolve owed only to sinks no longer configured is kept this long (then the state lets it go). */
export const RESOLVING_MAX_DAYS = 30;

/** Drops resolving entries past RESOLVING_MAX_DAYS that no configured sink is owed: how many, and the sinks they were owed to. */
function dropExpired(state: MonitorState, sweptAt: string, sinks: readonly AlertSink[]): { entries: number; sinks: Set<string> } {
  const out = { entries: 0, sinks: new Set<string>() };
  const now = Date.parse(sweptAt);
  if (Number.isNaN(now)) return out;
  const configured = new Set(sinks.map((s) => s.name));
  for (const [key, entry] of Object.entries(state.resolving)) {
    const names = Object.keys(entry.sent);
    const seen = Date.parse(entry.lastSeen);
    if (names.some((n) => configured.has(n)) || Number.isNaN(seen) || now - seen < RESOLVING_MAX_DAYS * 86_400_000) continue;
    delete state.resolving[key];
    out.entries++;
    for (const n of names) out.sinks.add(inertText(n, { max: 60 }));
  }
  return out;
}

/** Files what the lifecycle left unfiled; true when that changed the state. */
function fileChanges(state: MonitorState, changes: SweepChanges): boolean {
  let changed = false;
  for (const f of changes.opened) {
    if (state.open[f.key] || state.resolving[f.key]) continue;
    state.open[f.key] = { finding: f, firstSeen: changes.sweptAt, lastSeen: changes.sweptAt, sent: {} };
    changed = true;
  }
  for (const f of changes.resolved) {
    const entry: OpenFinding | undefined = state.open[f.key];
    if (!entry) continue;
    delete state.open[f.key];
    state.resolving[f.key] = entry;
    changed = true;
  }
  return changed;
}

/** Resolving entries no sink still owes a resolve; true when any was dropped. */
function dropDelivered(state: MonitorState): boolean {
  let dropped = false;
  for (const [key, entry] of Object.entries(state.resolving)) {
    if (Object.keys(entry.sent).length === 0) {
      delete state.resolving[key];
      dropped = true;
    }
  }
  return dropped;
}

// The findings' lifecycle between sweeps, as a pure function of the previous state and what this
// sweep saw: a finding opens once (first seen), stays open while it is seen (last seen), and
// resolves when it is no longer seen, whether fixed or because no pod runs its digest any more.
import type { SeverityCounts } from '../scan/vulnerability';
import type { HistoryEntry } from './coverage';
import type { Finding, MonitorState, OpenFinding } from './model';

/** The dashboard's trend line keeps this many sweeps. */
export const MAX_HISTORY = 500;

export interface Advanced {
  state: MonitorState;
  opened: Finding[];
  resolved: Finding[];
}

export function countFindings(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  for (const f of findings) counts[f.severity.toLowerCase() as keyof SeverityCounts]++;
  return counts;
}

/**
 * The state after a sweep that saw `sweepFindings` over `coveredDigests`; `entry` (this sweep's
 * tally, see historyEntry) is appended to the bounded history the dashboard charts. A finding still waiting
 * for its resolve to be delivered that is seen again goes back to open with what was sent, so it
 * is never triggered twice; a resolved finding that no sink was sent is simply dropped.
 */
export function advance(state: MonitorState, sweepFindings: readonly Finding[], coveredDigests: readonly string[], now: Date, entry?: HistoryEntry): Advanced {
  const at = now.toISOString();
  const open: Record<string, OpenFinding> = {};
  const resolving: Record<string, OpenFinding> = { ...state.resolving };
  const opened: Finding[] = [];
  for (const finding of sweepFindings) {
    if (open[finding.key]) continue; // one finding per key
    const before = state.open[finding.key] ?? state.resolving[finding.key];
    if (before) {
      open[finding.key] = { finding, firstSeen: before.firstSeen, lastSeen: at, sent: { ...before.sent } };
      delete resolving[finding.key];
    } else {
      open[finding.key] = { finding, firstSeen: at, lastSeen: at, sent: {} };
      opened.push(finding);
    }
  }
  const resolved: Finding[] = [];
  for (const [key, entry] of Object.entries(state.open)) {
    if (open[key]) continue;
    resolved.push(entry.finding);
    if (Object.keys(entry.sent).length > 0) resolving[key] = entry;
  }
  const covered = new Set(coveredDigests);
  const scans = Object.fromEntries(Object.entries(state.scans).filter(([digest]) => covered.has(digest)));
  const created = Object.fromEntries(Object.entries(state.created ?? {}).filter(([digest]) => covered.has(digest)));
  const history = (entry ? [...state.history, entry] : state.history).slice(-MAX_HISTORY);
  return { state: { version: 1, open, resolving, scans, created, history }, opened, resolved };
}

/** The state's open findings by digest: each digest's carried-over findings are found without walking the whole estate's. */
export function openByDigest(state: MonitorState): ReadonlyMap<string, readonly Finding[]> {
  const byDigest = new Map<string, Finding[]>();
  for (const { finding } of Object.values(state.open)) {
    const list = byDigest.get(finding.digest);
    if (list) list.push(finding);
    else byDigest.set(finding.digest, [finding]);
  }
  return byDigest;
}

// The estate dashboard: one static HTML file from a sweep and the state's history.
// (Stub: the dashboard work replaces this body.)
import type { MonitorState, SweepResult } from '../monitor/model';

export function renderDashboard(sweep: SweepResult, state: MonitorState): string {
  void state;
  return `<!doctype html><meta charset="utf-8"><title>ship-image estate</title><p>${sweep.records.length} digests</p>`;
}

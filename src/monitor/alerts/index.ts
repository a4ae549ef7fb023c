// Alert routing (`--alerts FILE`) and delivery that records what was sent in the state.
// (Stub: the alerts work replaces these bodies.)
import type { AlertSink, MonitorState, StateStore, SweepChanges } from '../model';

/** Reads the alerts file (sinks and routing); secrets are named by environment variable, never written in it. */
export async function loadAlertSinks(file: string, env: NodeJS.ProcessEnv = process.env): Promise<AlertSink[]> {
  void file;
  void env;
  throw new Error('alerts are not implemented yet');
}

/**
 * Delivers this sweep's changes to every sink, saving the state after each delivery so that a
 * re-run after a crash sends nothing twice. Returns the state as saved and one line per failure.
 */
export async function deliverAlerts(state: MonitorState, changes: SweepChanges, sinks: readonly AlertSink[], store: StateStore): Promise<{ state: MonitorState; errors: string[] }> {
  void changes;
  void sinks;
  void store;
  return { state, errors: [] };
}

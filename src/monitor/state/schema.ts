import { UserError } from '../../core/errors';
import { formatBytes } from '../../core/read-capped';
import { SEVERITY_ORDER } from '../../scan/vulnerability';
import { FINDING_KINDS, type MonitorState } from '../model';

// The state's on-disk (and in-registry) form: checked field by field on load, so a damaged or
// foreign file is refused with one line instead of being taken as "nothing open" (which would
// page everything again) or silently overwritten. Fields this version does not know are kept.

/** Largest state read or written. A state past this is refused at save, so it can always be read back. */
export const STATE_MAX_BYTES = 64 * 1024 * 1024;
/** Sweeps kept in `history` (oldest dropped first): a year of hourly sweeps is ~8,800. */
export const HISTORY_MAX = 2000;

const COUNT_KEYS = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

class Bad extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(ok: boolean, path: string, what: string): void {
  if (!ok) throw new Bad(`${path} ${what}`);
}

function str(v: unknown, path: string): void {
  need(typeof v === 'string', path, 'is not a string');
}

function counts(v: unknown, path: string): void {
  need(isObject(v), path, 'is not an object of severity counts');
  for (const k of COUNT_KEYS) need(Number.isSafeInteger((v as Record<string, unknown>)[k]) && ((v as Record<string, number>)[k] ?? -1) >= 0, `${path}.${k}`, 'is not a count');
}

function record(v: unknown, path: string, each: (value: unknown, path: string, key: string) => void): void {
  need(isObject(v), path, 'is not an object');
  for (const [k, value] of Object.entries(v as Record<string, unknown>)) each(value, `${path}[${JSON.stringify(k.slice(0, 200))}]`, k);
}

function openFinding(v: unknown, path: string, key: string): void {
  need(isObject(v), path, 'is not an object');
  const o = v as Record<string, unknown>;
  need(isObject(o.finding), `${path}.finding`, 'is not an object');
  const f = o.finding as Record<string, unknown>;
  for (const field of ['key', 'digest', 'repository', 'id', 'summary']) str(f[field], `${path}.finding.${field}`);
  need(f.key === key, `${path}.finding.key`, 'differs from the key it is filed under');
  need((FINDING_KINDS as readonly unknown[]).includes(f.kind), `${path}.finding.kind`, `is not one of ${FINDING_KINDS.join(', ')}`);
  need((SEVERITY_ORDER as readonly unknown[]).includes(f.severity), `${path}.finding.severity`, `is not one of ${SEVERITY_ORDER.join(', ')}`);
  str(o.firstSeen, `${path}.firstSeen`);
  str(o.lastSeen, `${path}.lastSeen`);
  record(o.sent, `${path}.sent`, str);
}

function scan(v: unknown, path: string): void {
  need(isObject(v), path, 'is not an object');
  const s = v as Record<string, unknown>;
  str(s.dbVersion, `${path}.dbVersion`);
  str(s.scannedAt, `${path}.scannedAt`);
  counts(s.counts, `${path}.counts`);
  need(Array.isArray(s.newIds) && s.newIds.every((x) => typeof x === 'string'), `${path}.newIds`, 'is not a list of ids');
}

function historyEntry(v: unknown, path: string): void {
  need(isObject(v), path, 'is not an object');
  const h = v as Record<string, unknown>;
  str(h.sweptAt, `${path}.sweptAt`);
  for (const k of ['digests', 'signed', 'withSbom', 'stale']) need(Number.isSafeInteger(h[k]), `${path}.${k}`, 'is not a count');
  counts(h.open, `${path}.open`);
}

/** Why `doc` is not a monitor state (one phrase), or undefined when it is one. */
export function stateProblem(doc: unknown): string | undefined {
  try {
    need(isObject(doc), 'the document', 'is not a JSON object');
    const d = doc as Record<string, unknown>;
    need(d.version === 1, 'version', d.version === undefined ? 'is missing (not a ship-image monitor state)' : `is ${JSON.stringify(d.version)}, not 1 (written by another ship-image version?)`);
    record(d.open, 'open', openFinding);
    record(d.resolving, 'resolving', openFinding);
    record(d.scans, 'scans', scan);
    if (d.created !== undefined) record(d.created, 'created', (v, path) => need(v === null || typeof v === 'string', path, 'is neither a string nor null'));
    need(Array.isArray(d.history), 'history', 'is not a list');
    (d.history as unknown[]).forEach((h, i) => historyEntry(h, `history[${i}]`));
    return undefined;
  } catch (err) {
    if (err instanceof Bad) return err.message;
    throw err;
  }
}

/**
 * The state in `bytes` read from `source`; a UserError naming the source and what to do when it
 * is damaged. Never "repaired": the operator decides whether to restore it or start afresh.
 */
export function parseState(bytes: Buffer, source: string): MonitorState {
  const damaged = (why: string): never => {
    throw new UserError(`${source}: the monitor state is damaged (${why}); restore it from a backup, or move it aside to start afresh (every open finding is then alerted again)`);
  };
  if (bytes.length > STATE_MAX_BYTES) damaged(`${formatBytes(bytes.length)}, more than the ${formatBytes(STATE_MAX_BYTES)} a state may hold`);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    damaged(bytes.length === 0 ? 'the file is empty' : 'not valid JSON');
  }
  const problem = stateProblem(doc);
  if (problem) damaged(problem);
  return doc as MonitorState;
}

/** The bytes to store: history trimmed to its bound; refused when even so the state is over the size bound. */
export function serializeState(state: MonitorState, target: string): Buffer {
  const problem = stateProblem(state);
  if (problem) throw new Error(`refusing to save a malformed monitor state to ${target}: ${problem}`);
  const trimmed: MonitorState = state.history.length > HISTORY_MAX ? { ...state, history: state.history.slice(-HISTORY_MAX) } : state;
  const bytes = Buffer.from(JSON.stringify(trimmed), 'utf8');
  if (bytes.length > STATE_MAX_BYTES) {
    throw new UserError(`${target}: the monitor state would be ${formatBytes(bytes.length)}, more than the ${formatBytes(STATE_MAX_BYTES)} it may hold; split the estate with --shard I/N`);
  }
  return bytes;
}

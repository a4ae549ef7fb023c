// Pure half of `npm run bench`: the rows a benchmark printed, and the one markdown table of them all.
import { mdCode, mdText } from '../../src/core/markdown';
import { ROW_PREFIX, type BenchRow } from './rows';

export interface Machine {
  cpu: string;
  cores: number;
  memoryBytes: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: a busy machine reads slower. */
  load: number;
}

/** One benchmark file's run: its rows, and how it ended. */
export interface BenchResult {
  bench: string;
  rows: BenchRow[];
  exitCode: number | null;
  seconds: number;
  /** Lines starting with the row prefix that were not a valid row. */
  malformed: string[];
}

/** The rows among `output`'s lines; anything else is the benchmark's own report and is left alone. */
export function parseRows(output: string): { rows: BenchRow[]; malformed: string[] } {
  const rows: BenchRow[] = [];
  const malformed: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith(ROW_PREFIX)) continue;
    const row = toRow(line.slice(ROW_PREFIX.length));
    if (row) rows.push(row);
    else malformed.push(line);
  }
  return { rows, malformed };
}

function toRow(json: string): BenchRow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const r = value as Record<string, unknown>;
  if (typeof r.name !== 'string' || typeof r.value !== 'number' || typeof r.unit !== 'string') return undefined;
  if (r.target !== undefined && typeof r.target !== 'string') return undefined;
  if (r.met !== undefined && typeof r.met !== 'boolean') return undefined;
  const row: BenchRow = { name: r.name, value: r.value, unit: r.unit };
  if (r.target !== undefined) row.target = r.target as string;
  if (r.met !== undefined) row.met = r.met as boolean;
  return row;
}

/** `value` as the table shows it: ratios to 2 decimals, counts whole, times to 3 significant digits. */
export function formatValue(value: number, unit: string, escapeUnit: (u: string) => string = (u) => u): string {
  if (!Number.isFinite(value)) return `${String(value)} ${escapeUnit(unit)}`.trim();
  let n: string;
  if (unit === '×') n = value.toFixed(2);
  else if (['requests', 'bytes', 'count', 'findings', 'digests'].includes(unit) || Number.isInteger(value)) n = Math.round(value).toLocaleString('en-US');
  else if (Math.abs(value) >= 100) n = Math.round(value).toLocaleString('en-US');
  else n = value.toPrecision(3);
  return unit === '×' ? `${n}×` : `${n} ${escapeUnit(unit)}`;
}

function verdict(row: BenchRow): string {
  if (row.met === undefined) return '';
  return row.met ? 'met' : '**MISSED**';
}

export function formatMachine(m: Machine): string {
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `${m.cpu}, ${m.cores} cores, ${gib} GiB memory, ${m.os}, node ${m.node}, load ${m.load.toFixed(2)} at start`;
}

/** The whole report: machine and command above one table of every benchmark's rows. */
export function formatReport(input: { machine: Machine; command: string; date: Date; results: BenchResult[] }): string {
  const lines: string[] = [];
  lines.push(`Machine: ${mdText(formatMachine(input.machine))}`);
  lines.push('');
  lines.push(`Command: ${mdCode(input.command)} (${input.date.toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
  lines.push('');
  lines.push('| benchmark | row | value | target | result |');
  lines.push('| --- | --- | ---: | --- | --- |');
  for (const result of input.results) {
    for (const row of result.rows) {
      lines.push(`| ${mdText(result.bench)} | ${mdText(row.name)} | ${formatValue(row.value, row.unit, (u) => mdText(u, 40))} | ${mdText(row.target ?? '')} | ${verdict(row)} |`);
    }
    if (result.exitCode !== 0) {
      lines.push(`| ${mdText(result.bench)} | did not finish (exit ${result.exitCode ?? 'signal'}, ${result.seconds.toFixed(0)} s) | | | **FAILED** |`);
    } else if (result.rows.length === 0) {
      lines.push(`| ${mdText(result.bench)} | printed no rows | | | |`);
    }
    for (const bad of result.malformed) lines.push(`| ${mdText(result.bench)} | malformed row: ${mdCode(bad, 120)} | | | **FAILED** |`);
  }
  const rows = input.results.flatMap((r) => r.rows).filter((r) => r.met !== undefined);
  const missed = rows.filter((r) => r.met === false).length;
  lines.push('');
  lines.push(`${rows.length - missed} of ${rows.length} targets met; ${input.results.length} benchmarks, ${input.results.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s in all.`);
  return lines.join('\n') + '\n';
}

/** `BENCH_ONLY=ship,verify`: the benchmarks to run, in the order found; unknown names are an error. */
export function selectBenchmarks(found: string[], only: string | undefined): string[] {
  if (!only?.trim()) return found;
  const wanted = only.split(',').map((s) => s.trim().replace(/\.ts$/, '')).filter(Boolean);
  const unknown = wanted.filter((w) => !found.includes(w));
  if (unknown.length) throw new Error(`BENCH_ONLY names ${unknown.join(', ')}, not a benchmark; benchmarks: ${found.join(', ')}`);
  return found.filter((f) => wanted.includes(f));
}

/** Whether a bench/*.ts source is a benchmark: it prints table rows (imports ./support/rows). */
export function isBenchmarkSource(source: string): boolean {
  return /from\s+['"]\.\/support\/rows['"]/.test(source);
}

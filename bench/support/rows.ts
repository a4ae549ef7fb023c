// The one protocol between each bench/*.ts and `npm run bench`'s table: a benchmark prints, besides
// its own report, one line per table row, `BENCH-ROW {json}`. bench/run.ts collects them.

export interface BenchRow {
  /** The row as the table names it, e.g. "ship (keyless) ÷ trivy SBOM alone, minbase". */
  name: string;
  /** The measured figure (a median, a ratio, a count). */
  value: number;
  /** Unit shown after the value: "ms", "×", "MB", "digests/s", "requests", "bytes". */
  unit: string;
  /** The target as written in the issue ("≤ 1.10"); absent for rows that only inform. */
  target?: string;
  /** Whether the target was met; absent without a target. */
  met?: boolean;
}

export const ROW_PREFIX = 'BENCH-ROW ';

export function printRow(row: BenchRow): void {
  process.stdout.write(ROW_PREFIX + JSON.stringify(row) + '\n');
}

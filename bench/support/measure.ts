// Small measuring helpers the benchmarks share: medians, percentiles, a clock, child processes timed.
import { spawn } from 'node:child_process';

export const BENCH_RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface TimedRun {
  ms: number;
  /** Time to the first byte on stdout or stderr (the whole run where it printed nothing). */
  firstOutputMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `command args` as a child process, timed to its first output and to its exit. */
export function timeProcess(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; killOnFirstOutput?: boolean } = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = now();
    let first: number | undefined;
    const child = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onData = (into: Buffer[]) => (d: Buffer) => {
      into.push(d);
      if (first === undefined) {
        first = now() - start;
        if (opts.killOnFirstOutput) child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', onData(out));
    child.stderr.on('data', onData(err));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = now() - start;
      resolve({ ms, firstOutputMs: first ?? ms, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

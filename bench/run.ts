/**
 * `npm run bench`: runs every benchmark in bench/ (each bench/*.ts that prints table rows through
 * ./support/rows) one after another as its own node process, passes their own reports through to
 * stderr, and prints one markdown table of every row with the machine and the command above it.
 *
 *   npm run bench                          (every benchmark; BENCH_RUNS sets the repeats, default per benchmark)
 *   BENCH_ONLY=ship,verify npm run bench   (only those)
 *   BENCH_OUT=bench.md npm run bench       (also write the table to a file)
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ROW_PREFIX } from './support/rows';
import { formatReport, isBenchmarkSource, parseRows, selectBenchmarks, type BenchResult, type Machine } from './support/table';

const BENCH_DIR = __dirname;
const REGISTER = path.join(BENCH_DIR, 'register.js');

function benchmarks(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'run.ts')
    .filter((f) => isBenchmarkSource(readFileSync(path.join(BENCH_DIR, f), 'utf8')))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || os.arch(),
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    load: os.loadavg()[0] ?? 0,
  };
}

function command(): string {
  const env = Object.entries(process.env)
    .filter(([k]) => k.startsWith('BENCH_') && k !== 'BENCH_OUT')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v ?? ''}`);
  const run = process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'node --require ./bench/register.js bench/run.ts';
  return [...env, run].join(' ');
}

/** One benchmark as a child process: rows collected from its stdout, everything else passed to our stderr. */
function runOne(name: string): Promise<BenchResult> {
  const started = Date.now();
  process.stderr.write(`\n==> bench/${name}.ts\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', REGISTER, path.join(BENCH_DIR, `${name}.ts`)], {
      cwd: path.join(BENCH_DIR, '..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += line + '\n';
      if (!line.startsWith(ROW_PREFIX)) process.stderr.write(line + '\n');
    });
    const finish = (exitCode: number | null) => {
      const { rows, malformed } = parseRows(output);
      resolve({ bench: name, rows, malformed, exitCode, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (err) => {
      process.stderr.write(`bench/${name}.ts could not start: ${err.message}\n`);
      finish(-1);
    });
    child.on('close', (code) => finish(code));
  });
}

async function main(): Promise<void> {
  const chosen = selectBenchmarks(benchmarks(), process.env.BENCH_ONLY);
  const at = new Date();
  const host = machine();
  const results: BenchResult[] = [];
  // One at a time: every comparison inside a benchmark is side by side; benchmarks must not share the CPU.
  for (const name of chosen) results.push(await runOne(name));
  const report = formatReport({ machine: host, command: command(), date: at, results });
  process.stdout.write('\n' + report);
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, report);
  if (results.some((r) => r.exitCode !== 0 || r.malformed.length)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});

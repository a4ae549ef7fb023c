/**
 * Cold start of every dist/ bundle to its first line of work, beside a bare `node -e 0`: each CLI
 * command bundle (dist/cli/commands/<name>, loaded by the dispatcher) answering `--help`, and each
 * action bundle (dist/<action>/index.js) reaching its first output with no inputs (an immediate
 * "input required" error), in an empty directory. Medians over BENCH_RUNS (default 3) × 3 runs.
 * Without the CLI's code cache (SHIP_IMAGE_CODE_CACHE=off): what the first run after an install costs;
 * bench/verify.ts measures a gate with it.
 *
 *   node --require ./bench/register.js bench/coldstart.ts
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BENCH_RUNS, median, timeProcess } from './support/measure';
import { printRow } from './support/rows';

const DIST = path.join(__dirname, '..', 'dist');
const RUNS = BENCH_RUNS * 3;

interface Case {
  name: string;
  args: string[];
}

function cases(): Case[] {
  const cli = path.join(DIST, 'cli', 'index.js');
  const list: Case[] = [{ name: 'ship-image --help (dist/cli dispatcher)', args: [cli, '--help'] }];
  const commands = path.join(DIST, 'cli', 'commands');
  if (existsSync(commands)) {
    for (const name of readdirSync(commands).sort()) {
      if (existsSync(path.join(commands, name, 'index.js'))) list.push({ name: `ship-image ${name} --help (dist/cli/commands/${name})`, args: [cli, name, '--help'] });
    }
  }
  for (const action of readdirSync(DIST).sort()) {
    if (action === 'cli' || !existsSync(path.join(DIST, action, 'index.js'))) continue;
    list.push({ name: `action dist/${action}/index.js, no inputs`, args: [path.join(DIST, action, 'index.js')] });
  }
  return list;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DIST, 'cli', 'index.js'))) throw new Error('dist/ is missing: run npm run build first');
  const cwd = mkdtempSync(path.join(tmpdir(), 'ship-image-bench-cold-'));
  // An action bundle with no INPUT_* and no GitHub context fails at once; keep the runner's own away from it.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('INPUT_') && !k.startsWith('GITHUB_') && !k.startsWith('ACTIONS_'))), SHIP_IMAGE_CODE_CACHE: 'off' };
  try {
    const all = cases();
    const samples = new Map<string, number[]>(all.map((c) => [c.name, []]));
    const bare: number[] = [];
    // interleaved, so every case sees the same machine load
    for (let i = 0; i < RUNS; i++) {
      bare.push((await timeProcess(process.execPath, ['-e', '0'], { env, cwd })).ms);
      for (const c of all) {
        const run = await timeProcess(process.execPath, c.args, { env, cwd, killOnFirstOutput: true });
        samples.get(c.name)!.push(run.firstOutputMs);
      }
    }
    const bareMs = median(bare);
    process.stdout.write(`cold start to first output, median of ${RUNS}; node -e 0: ${bareMs.toFixed(1)} ms\n`);
    printRow({ name: 'node -e 0 (for scale)', value: bareMs, unit: 'ms' });
    for (const c of all) {
      const ms = median(samples.get(c.name)!);
      process.stdout.write(`${c.name.padEnd(60)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / bareMs).toFixed(2)}× node\n`);
      printRow({ name: `cold start of ${c.name}`, value: ms, unit: 'ms' });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

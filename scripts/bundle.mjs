// Bundles each entry point with ncc into dist/<name>/index.js: one bundle per action, the CLI's
// dispatcher, and one per CLI command (loaded by the dispatcher only when it runs).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const entries = {
  ship: 'src/action/ship.ts',
  verify: 'src/action/verify.ts',
  'pr-comment': 'src/action/pr-comment.ts',
  monitor: 'src/action/monitor.ts',
  cli: 'src/cli/index.ts',
};
for (const file of readdirSync('src/cli/commands').sort()) {
  if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
  if (/^export const command\b/m.test(readFileSync(`src/cli/commands/${file}`, 'utf8'))) {
    entries[`cli/commands/${file.replace(/\.ts$/, '')}`] = `src/cli/commands/${file}`;
  }
}

function ncc(name, entry) {
  const args = ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', `dist/${name}`, '--license', 'licenses.txt', '--target', 'es2022', '-q'];
  return new Promise((resolve, reject) => {
    spawn(process.execPath, args, { stdio: 'inherit' }).on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ncc ${entry} failed (exit ${code})`))));
  });
}

rmSync('dist', { recursive: true, force: true });
const queue = Object.entries(entries);
const workers = Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
  for (let next = queue.shift(); next; next = queue.shift()) await ncc(...next);
});
await Promise.all(workers);

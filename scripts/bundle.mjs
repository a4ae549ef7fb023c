// Bundles each entry point with ncc into dist/<name>/index.js (one bundle per action or CLI).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const entries = {
  ship: 'src/action/ship.ts',
  cli: 'src/cli/index.ts',
  verify: 'src/action/verify.ts',
};

rmSync('dist', { recursive: true, force: true });
for (const [name, entry] of Object.entries(entries)) {
  execFileSync(
    process.execPath,
    ['node_modules/@vercel/ncc/dist/ncc/cli.js', 'build', entry, '-o', `dist/${name}`, '--license', 'licenses.txt', '--target', 'es2022', '-q'],
    { stdio: 'inherit' },
  );
}

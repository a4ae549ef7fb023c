/**
 * A child node process that can `require()` the project's TypeScript sources (transpiled on the
 * fly, CommonJS): for tests that must kill a real process in the middle of something.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const HOOK = `
const fs = require('node:fs');
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (m, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  m._compile(outputText, filename);
};
const SRC = ${JSON.stringify(path.join(ROOT, 'src'))};
`;

/** Runs `script` (JavaScript; `SRC` is the path of src/, `require(SRC + '/x/y')` loads src/x/y.ts). */
export function spawnTsChild(script: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['-e', HOOK + script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

export interface ChildLines {
  /** Every stdout line so far. */
  lines: string[];
  stderr(): string;
  /** The first line (from the start) that `match` accepts, waiting for it; rejects when the child exits first. */
  waitFor(match: (line: string) => boolean, from?: number): Promise<{ line: string; index: number }>;
}

export function childLines(child: ChildProcess): ChildLines {
  const lines: string[] = [];
  let buf = '';
  let stderr = '';
  let exited = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  child.stdout?.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    wake();
  });
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  child.once('exit', () => {
    exited = true;
    wake();
  });
  return {
    lines,
    stderr: () => stderr,
    waitFor: (match, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const index = lines.findIndex((l, i) => i >= from && match(l));
          if (index >= 0) {
            waiters.delete(check);
            resolve({ line: lines[index]!, index });
          } else if (exited) {
            waiters.delete(check);
            reject(new Error(`child exited before the expected line; stderr: ${stderr.slice(-2000)}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

export function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/**
 * Children run in their own process group (so a timeout can stop their helpers), which keeps the
 * terminal's Ctrl-C and a cancelled job's SIGTERM from reaching them: the runner passes those on.
 * Real OS processes: a compiled runner in a child node process, a real `sleep` under it.
 */
import { execFile, spawn } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'exec-signals-'));
  for (const name of ['tools/exec', 'core/log', 'core/untrusted-text']) {
    const source = await fs.readFile(path.join(ROOT, 'src', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    await fs.mkdir(path.join(tmp, path.dirname(name)), { recursive: true });
    await fs.writeFile(path.join(tmp, `${name}.js`), outputText);
  }
});
afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

/** Alive = exists and is not a zombie waiting for a parent that is gone. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.each(['SIGINT', 'SIGTERM'] as const)('%s to the process running a tool stops the tool too, and still ends the process', async (signal) => {
  const pidFile = path.join(tmp, `${signal}.pid`);
  const script = `const { spawnRunner } = require(${JSON.stringify(path.join(tmp, 'tools/exec.js'))});
spawnRunner({ command: 'sh', args: ['-c', 'echo $$ > ${pidFile}.part && mv ${pidFile}.part ${pidFile} && exec sleep 60'] });`;
  const runner = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => runner.on('exit', (_code, s) => resolve(s)));
  const toolPid = await waitFor('the tool to start', async () => {
    const text = await fs.readFile(pidFile, 'utf8').catch(() => '');
    return text.trim() ? Number(text) : undefined;
  });
  expect(alive(toolPid)).toBe(true);

  runner.kill(signal);
  expect(await exited).toBe(signal);
  await waitFor('the tool to stop', () => (alive(toolPid) ? undefined : true));
  expect(alive(toolPid)).toBe(false);
});

test('without a signal the runner leaves nothing behind and the process exits on its own', async () => {
  const script = `const { spawnRunner } = require(${JSON.stringify(path.join(tmp, 'tools/exec.js'))});
spawnRunner({ command: 'sh', args: ['-c', 'echo done'] }).then((r) => process.stdout.write(r.stdout));`;
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
    execFile(process.execPath, ['-e', script], { timeout: 10_000 }, (err, out) => (err ? reject(err) : resolve({ stdout: out }))),
  );
  expect(stdout).toBe('done\n');
});

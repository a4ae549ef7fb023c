import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// Two processes (as two jest workers would) ask for the same directory at once: one builds, the other waits.
const REGISTER = path.join(__dirname, '..', '..', 'bench', 'register.js');
const SCRIPT = `
const { appendFileSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { buildOnce } = require(${JSON.stringify(path.join(__dirname, 'build-once.ts'))});
const [final, log] = process.argv.slice(-2);
buildOnce(final, final + '.lock', async (target) => {
  appendFileSync(log, 'built by ' + process.pid + '\\n');
  mkdirSync(target);
  await new Promise((r) => setTimeout(r, 1500));
  writeFileSync(path.join(target, 'done'), String(process.pid));
}).then((dir) => process.stdout.write(dir));
`;

function run(final: string, log: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', REGISTER, '-e', SCRIPT, final, log], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
  });
}

test('two processes asking at once build the directory once and both get it, whole', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'build-once-'));
  try {
    const final = path.join(dir, 'image', 'rootfs');
    const log = path.join(dir, 'builds.log');
    const [a, b] = await Promise.all([run(final, log), run(final, log)]);
    expect(a).toBe(final);
    expect(b).toBe(final);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(readFileSync(path.join(final, 'done'), 'utf8')).toMatch(/^\d+$/);
    // no temp dirs left beside it
    expect(readdirSync(path.dirname(final)).filter((n) => !n.endsWith('.lock'))).toEqual(['rootfs']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

/**
 * A real docker daemon (Debian's dockerd 20.10) for integration tests: vfs storage, no iptables,
 * no bridge, its own data/exec roots and unix socket in a temp dir. When the suite started a shared
 * one (test/support/dockerd.sh exports SHIP_IMAGE_TEST_DOCKER_HOST), that one is reused. Without
 * root (a GitHub runner user), the machine's own daemon is used when it answers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestDockerd {
  /** `unix:///tmp/sdk-XXXX/d.sock`: what goes in DOCKER_HOST. */
  host: string;
  /** True when this is the suite's shared daemon (stop() then leaves it running). */
  shared: boolean;
  stop(): Promise<void>;
}

const DOCKERD_CANDIDATES = ['/usr/sbin/dockerd', '/usr/bin/dockerd', '/usr/local/bin/dockerd'];
const SYSTEM_DOCKER_HOST = 'unix:///var/run/docker.sock';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const POLL_MS = 200;
const LOG_TAIL_CHARS = 4_000;

/** Why a dockerd cannot be had here (undefined = it can); tests skip with this reason. */
export function dockerdUnavailableReason(): string | undefined {
  if (process.env.SHIP_IMAGE_TEST_DOCKER_HOST) return undefined;
  const binary = dockerdBinary();
  if (binary && isRoot()) return undefined;
  if (systemDaemonAnswers()) return undefined;
  if (!binary) return 'dockerd is not installed (Debian package docker.io) and no docker daemon answers';
  return 'dockerd needs root, the tests do not run as root, and no docker daemon answers';
}

export async function startDockerd(): Promise<TestDockerd> {
  const shared = process.env.SHIP_IMAGE_TEST_DOCKER_HOST;
  if (shared) {
    await waitForDaemon(shared, START_TIMEOUT_MS, () => undefined);
    return { host: shared, shared: true, stop: async () => undefined };
  }
  const binary = dockerdBinary();
  if (!binary || !isRoot()) {
    if (!systemDaemonAnswers()) throw new Error(dockerdUnavailableReason() ?? 'no docker daemon');
    return { host: process.env.DOCKER_HOST || SYSTEM_DOCKER_HOST, shared: true, stop: async () => undefined };
  }

  // Short paths: a unix socket path must stay under ~108 bytes.
  const dir = fs.mkdtempSync('/tmp/sdk-');
  const socket = path.join(dir, 'd.sock');
  const host = `unix://${socket}`;
  const logFile = path.join(dir, 'dockerd.log');
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    binary,
    [
      '--data-root', path.join(dir, 'data'),
      '--exec-root', path.join(dir, 'exec'),
      '-H', host,
      '--pidfile', path.join(dir, 'dockerd.pid'),
      '--storage-driver', 'vfs',
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--insecure-registry', '127.0.0.0/8',
      // If a system containerd is running, dockerd uses it: keep our objects apart from its daemon's.
      '--containerd-namespace', 'ship-image-test',
      '--containerd-plugins-namespace', 'ship-image-test-plugins',
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  fs.closeSync(log);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `dockerd exited (${signal ?? `code ${code}`})`;
  });

  const stop = async (): Promise<void> => {
    await stopDaemon(child, dir);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForDaemon(host, START_TIMEOUT_MS, () => exited);
  } catch (err) {
    const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-LOG_TAIL_CHARS) : '';
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- dockerd log ---\n${tail}`);
  }
  return { host, shared: false, stop };
}

function dockerdBinary(): string | undefined {
  return DOCKERD_CANDIDATES.find((p) => fs.existsSync(p));
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Asks `docker -H host version` for the server part: whether a daemon answers there, else what the CLI said. */
function askDaemon(host: string): { answers: boolean; said: string } {
  const r = spawnSync('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 10_000 });
  return { answers: r.status === 0 && r.stdout.trim().length > 0, said: (r.stderr || r.stdout || '').trim() };
}

function systemDaemonAnswers(): boolean {
  return askDaemon(process.env.DOCKER_HOST || SYSTEM_DOCKER_HOST).answers;
}

async function waitForDaemon(host: string, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) throw new Error(gone);
    const { answers, said } = askDaemon(host);
    if (answers) return;
    last = said;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`dockerd at ${host} did not answer within ${timeoutMs} ms: ${last}`);
}

async function stopDaemon(child: ChildProcess, dir: string): Promise<void> {
  // dockerd runs its own containerd; read its pid before dockerd goes, to be sure it is gone too.
  const containerdPid = readPid(path.join(dir, 'exec', 'containerd', 'containerd.pid'));
  if (child.exitCode === null && child.signalCode === null) {
    const exitedNow = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS).unref());
    if ((await Promise.race([exitedNow, timer])) === 'timeout') {
      child.kill('SIGKILL');
      await exitedNow;
    }
  }
  if (containerdPid !== undefined) await killAndWait(containerdPid);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function killAndWait(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  if (alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

import { spawn } from 'node:child_process';
import { redact } from '../core/log';

/** One external command: program and its arguments as an array (never a shell string). */
export interface CommandSpec {
  command: string;
  args: readonly string[];
  /** Full environment for the child (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Bytes written to the child's stdin, then stdin is closed. */
  input?: string | Buffer;
  /** Kill the child (and its process group) after this long. Default 30 minutes. */
  timeoutMs?: number;
  /** Called with every complete output line (stdout and stderr), e.g. to stream build logs. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra values to mask in error messages, besides those registered with addSecret(). */
  secrets?: readonly string[];
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and resolves with its output whatever the exit code (a missing program rejects). */
export type CommandRunner = (spec: CommandSpec) => Promise<CommandResult>;

/** How an adapter runs its tool: environment, runner (tests inject one), output lines, timeout. */
export interface ToolRunContext {
  env?: NodeJS.ProcessEnv;
  runner?: CommandRunner;
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

/** A spec for `command args` under `ctx` (its env unless `env` is given). */
export function toolSpec(command: string, args: readonly string[], ctx: ToolRunContext, env: NodeJS.ProcessEnv | undefined = ctx.env): CommandSpec {
  return { command, args, env, timeoutMs: ctx.timeoutMs, onLine: ctx.onLine };
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const KILL_GRACE_MS = 5_000;
const ERROR_OUTPUT_CHARS = 2_000;

/** The command failed: exit code, or the program could not be started, or it timed out. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly stdout: string,
    readonly stderr: string,
    /** The errno code when the program could not be started (`ENOENT`: not found). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Mask registered secrets and the given extras in `text`. */
export function maskSecrets(text: string, extras: readonly string[] = []): string {
  let out = redact(text);
  for (const s of extras) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

/** `docker build --file F .` as a readable one-liner for logs (quoted where needed, secrets masked). */
export function formatCommandLine(command: string, args: readonly string[], secrets: readonly string[] = []): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return maskSecrets([command, ...args].map(quote).join(' '), secrets);
}

/** Process groups of the children still running, so an interrupt of this process reaches them. */
const runningGroups = new Set<number>();
let forwardingSignals = false;

/**
 * A child in its own process group no longer gets the terminal's Ctrl-C, nor the SIGINT/SIGTERM a
 * cancelled job sends us: pass those on to every running group, then let the signal act on this
 * process as it would have (end it, unless someone else listens for it).
 */
function forwardSignalsToChildren(): void {
  if (forwardingSignals) return;
  forwardingSignals = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const group of runningGroups) signalGroup(group, signal);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // already gone
  }
}

/** The real runner: spawn without a shell, capture output, enforce the timeout. */
export const spawnRunner: CommandRunner = (spec) =>
  new Promise((resolve, reject) => {
    forwardSignalsToChildren();
    const child = spawn(spec.command, [...spec.args], {
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group, so a timeout can stop the child's children (builders fork helpers).
      detached: true,
    });
    const group = child.pid;
    if (group !== undefined) runningGroups.add(group);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    const feed = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
      (stream === 'stdout' ? stdout : stderr).push(chunk);
      if (!spec.onLine) return;
      const lines = (pending[stream] + chunk.toString('utf8')).split(/\r?\n/);
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) spec.onLine(line, stream);
    };
    child.stdout.on('data', (c: Buffer) => feed('stdout', c));
    child.stderr.on('data', (c: Buffer) => feed('stderr', c));

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stopGroup = (signal: NodeJS.Signals) => {
      if (group !== undefined) signalGroup(group, signal);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup('SIGTERM');
      killTimer = setTimeout(() => stopGroup('SIGKILL'), KILL_GRACE_MS);
    }, spec.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const finished = () => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      if (group !== undefined) runningGroups.delete(group);
    };

    child.on('error', (err: NodeJS.ErrnoException) => {
      finished();
      const why = err.code === 'ENOENT' ? `'${spec.command}' was not found on PATH` : err.message;
      reject(new CommandError(maskSecrets(`cannot run ${spec.command}: ${why}`, spec.secrets), undefined, '', '', err.code));
    });
    child.on('close', (code, signal) => {
      finished();
      if (spec.onLine) {
        for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) spec.onLine(pending[stream], stream);
      }
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (timedOut) {
        const line = formatCommandLine(spec.command, spec.args, spec.secrets);
        reject(new CommandError(`${line} timed out after ${spec.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, undefined, out, err));
        return;
      }
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: out, stderr: err });
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading stdin
    child.stdin.end(spec.input ?? '');
  });

/** Throws a CommandError naming the command line and the tail of its output unless it exited 0. */
export function checkResult(spec: CommandSpec, result: CommandResult): CommandResult {
  if (result.exitCode !== 0) {
    const line = formatCommandLine(spec.command, spec.args, spec.secrets);
    const output = (result.stderr.trim() || result.stdout.trim()).slice(-ERROR_OUTPUT_CHARS);
    throw new CommandError(
      maskSecrets(`${line} failed with exit code ${result.exitCode}${output ? `: ${output}` : ''}`, spec.secrets),
      result.exitCode,
      result.stdout,
      result.stderr,
    );
  }
  return result;
}

/** Run and insist on exit code 0 (see checkResult). */
export async function runChecked(spec: CommandSpec, runner: CommandRunner = spawnRunner): Promise<CommandResult> {
  return checkResult(spec, await runner(spec));
}

/** stdout of a short probe (`docker buildx version`, ...) that exited 0; undefined when it failed or could not run. */
export async function probeOutput(spec: CommandSpec, runner: CommandRunner = spawnRunner): Promise<string | undefined> {
  try {
    const r = await runner({ timeoutMs: 30_000, ...spec });
    return r.exitCode === 0 ? r.stdout : undefined;
  } catch {
    return undefined;
  }
}

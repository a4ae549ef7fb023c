import { inertText } from './untrusted-text';

/** Where progress and diagnostics go. The CLI writes to stderr; the action maps to @actions/core. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

// Shared through globalThis: the CLI's commands are separate bundles, and a secret registered in one
// must be masked by the error printer of another.
const SECRETS = Symbol.for('ship-image.secrets');
const holder = globalThis as typeof globalThis & { [SECRETS]?: Set<string> };
const secrets: Set<string> = (holder[SECRETS] ??= new Set<string>());

/** Register a value that must never be printed; every logger built by this module masks it. */
export function addSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };

export function stderrLogger(opts: { debug?: boolean } = {}): Logger {
  // Messages quote registries and tools: made inert (multi-line kept, e.g. a tool's output tail).
  const write = (prefix: string, m: string) => process.stderr.write(`${prefix}${inertText(m, { max: 8000, multiline: true })}\n`);
  return {
    info: (m) => write('', m),
    warn: (m) => write('warning: ', m),
    debug: (m) => {
      if (opts.debug) write('debug: ', m);
    },
  };
}

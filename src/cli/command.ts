import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors';

/** A CLI command; its one-line summary lives in the command table of main.ts. */
export interface Command {
  /** Returns the process exit code. Throw UserError for bad input (exit 2). */
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors turned into one-line UserErrors that name the flag. */
export function parseFlags<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message.replace(/\.$/, '')}; usage: ${usage}`);
  }
}

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

export interface FlagCommandSpec<O extends Options> {
  flags: O;
  usage: string;
  /** Printed for --help. */
  help: string;
  writeStdout(text: string): void;
}

type Parsed<O extends Options> = ReturnType<typeof parseFlags<O>>;

/** A command that parses its flags and answers --help with `help` before `run` sees them. */
export function flagCommand<O extends Options>(
  spec: FlagCommandSpec<O>,
  run: (values: Parsed<O>['values'], positionals: string[]) => Promise<number>,
): Command {
  return {
    async run(argv: string[]): Promise<number> {
      const { values, positionals } = parseFlags(argv, spec.flags, spec.usage);
      if ((values as { help?: boolean }).help) {
        spec.writeStdout(spec.help);
        return 0;
      }
      return run(values, positionals);
    },
  };
}

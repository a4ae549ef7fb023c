import { oneLine, UserError } from '../core/errors';
import { redact } from '../core/log';
import type { Command } from './command';
import { discoverCommand } from './commands/discover';
import { shipCommand } from './commands/ship';
import { demoCommand } from './commands/demo';
import { policyCommand } from './commands/policy';
import { fixtureDbCommand } from './commands/fixture-db';
import { verifyCommand } from './commands/verify';
import { verifyBundleCommand } from './commands/verify-bundle';

const commands: Record<string, Command> = {
  discover: discoverCommand,
  ship: shipCommand,
  demo: demoCommand,
  policy: policyCommand,
  'fixture-db': fixtureDbCommand,
  verify: verifyCommand,
  'verify-bundle': verifyBundleCommand,
};

const USAGE = `usage: ship-image <command> [options]

commands:
${Object.entries({ ...commands })
  .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
  .join('\n')}

Run 'ship-image <command> --help' for a command's options.`;

/** Runs one CLI command and returns its exit code: 0 ok, 1 denied/failed gate, 2 bad input, 1 other failure. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`ship-image: unknown command '${name}': run 'ship-image --help' for the list\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const code = typeof (err as { exitCode?: unknown }).exitCode === 'number' ? (err as { exitCode: number }).exitCode : 1;
    process.stderr.write(`ship-image ${name}: ${redact(oneLine(err))}\n`);
    if (process.env.SHIP_IMAGE_DEBUG && !(err instanceof UserError) && err instanceof Error && err.stack) {
      process.stderr.write(redact(err.stack) + '\n');
    }
    return code;
  }
}

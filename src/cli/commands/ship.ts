import { READ_CAPS, readStdinCapped } from '../../core/read-capped';
import { stderrLogger } from '../../core/log';
import { identityTokenSource } from '../../ship/identity-token';
import { gate, ship } from '../../ship/run';
import { summaryText } from '../../ship/summary';
import type { Command } from '../command';
import { parseShipArgs, SHIP_USAGE } from './ship-args';

export const shipCommand: Command = {
  async run(argv) {
    const args = parseShipArgs(argv, process.env, () => readStdinCapped(READ_CAPS.stdin));
    if (args.help) {
      process.stdout.write(SHIP_USAGE + '\n');
      return 0;
    }
    const logger = stderrLogger({ debug: !!process.env.SHIP_IMAGE_DEBUG });
    const result = await ship(args.inputs, {
      env: process.env,
      cwd: process.cwd(),
      logger,
      identityToken: identityTokenSource(process.env),
    });
    if (args.json) process.stdout.write(JSON.stringify(result.outputs, null, 2) + '\n');
    else process.stdout.write(summaryText(result.outputs) + '\n');
    gate(result, args.inputs.failOn);
    return 0;
  },
};

/** What src/cli/main.ts loads. */
export const command = shipCommand;

import * as path from 'node:path';
import { stderrLogger } from '../../core/log';
import { runDemo } from '../../ship/demo';
import { parseFlags, type Command } from '../command';

const USAGE = 'ship-image demo [--dir DIR]   (default DIR: .demo)';

export const demoCommand: Command = {
  async run(argv) {
    const { values } = parseFlags(argv, { dir: { type: 'string' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    const dir = path.resolve(values.dir ?? '.demo');
    const { result, discoverText } = await runDemo(dir, { env: process.env, cwd: process.cwd(), logger: stderrLogger() });
    process.stdout.write('outputs:\n' + JSON.stringify(result.outputs, null, 2) + '\n\n');
    process.stdout.write(`ship-image discover oci-layout:${path.relative(process.cwd(), dir)}/registry@${result.outputs.digest}\n`);
    process.stdout.write(discoverText + '\n');
    return 0;
  },
};

/** What src/cli/main.ts loads. */
export const command = demoCommand;

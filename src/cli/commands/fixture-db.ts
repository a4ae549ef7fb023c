import * as path from 'node:path';
import { UserError } from '../../core/errors';
import { writeFixtureImageLayout } from '../../fixture-db/fixture-image';
import { writeFixtureDb } from '../../fixture-db/write-fixture-db';
import { parseFlags, type Command } from '../command';

const USAGE = 'ship-image fixture-db DIR [--advisories FILE] [--image-layout LAYOUT_DIR [--tag TAG]]';

const FLAGS = {
  advisories: { type: 'string' },
  'image-layout': { type: 'string' },
  tag: { type: 'string' },
} as const;

/**
 * `ship-image fixture-db DIR`: writes a trivy vulnerability DB built from the fixture advisories
 * (bundled, or --advisories FILE) into the trivy cache dir DIR, for offline scans in tests and
 * demos. With --image-layout, also writes the fixture image those advisories match.
 */
export const fixtureDbCommand: Command = {
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, FLAGS, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UserError(`fixture-db takes exactly one DIR (the trivy cache dir), got ${positionals.length}; usage: ${USAGE}`);
    if (values.tag && !values['image-layout']) throw new UserError(`--tag needs --image-layout; usage: ${USAGE}`);
    const cacheDir = path.resolve(positionals[0]);
    await writeFixtureDb(values.advisories ? path.resolve(values.advisories) : undefined, cacheDir);
    process.stdout.write(`trivy DB written to ${path.join(cacheDir, 'db')} (use --cache-dir ${cacheDir} --skip-db-update)\n`);
    if (values['image-layout']) {
      const layout = path.resolve(values['image-layout']);
      const tag = values.tag ?? 'latest';
      const { digest } = await writeFixtureImageLayout(layout, tag);
      process.stdout.write(`fixture image written to oci-layout:${layout}:${tag} (${digest})\n`);
    }
    return 0;
  },
};

/** What src/cli/main.ts loads. */
export const command = fixtureDbCommand;

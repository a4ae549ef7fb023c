import { readFileSync } from 'node:fs';
import type { Command } from '../command';
import { parseFlags } from '../command';
import { UserError } from '../../core/errors';
import { addSecret } from '../../core/log';
import { renderJson, renderText } from '../../discover/render';
import { discover } from '../../discover/tree';
import { openImage } from '../../oci/open';
import type { RegistryClientOptions } from '../../oci/registry';
import { NotFoundError } from '../../oci/store';

const USAGE =
  'ship-image discover IMAGE [--json] [--depth N] [--artifact-type TYPE] [--no-cosign-tags] ' +
  '[--insecure-registry HOST]... [--username U --password-stdin]  (IMAGE: [registry/]repo[:tag|@digest] or oci-layout:DIR[:tag|@digest]; env SHIP_IMAGE_CA_FILE: extra CA PEM file)';

const FLAGS = {
  json: { type: 'boolean' },
  depth: { type: 'string' },
  'artifact-type': { type: 'string' },
  'no-cosign-tags': { type: 'boolean' },
  'insecure-registry': { type: 'string', multiple: true },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const;

export interface DiscoverCommandDeps {
  env: NodeJS.ProcessEnv;
  readStdin(): string;
  writeStdout(text: string): void;
}

/** `ship-image discover`: what is attached to an image (referrers, fallback index, cosign tags). */
export function makeDiscoverCommand(deps: DiscoverCommandDeps): Command {
  return {
    async run(argv: string[]): Promise<number> {
      const { values, positionals } = parseFlags(argv, FLAGS, USAGE);
      if (values.help) {
        deps.writeStdout(`usage: ${USAGE}\n`);
        return 0;
      }
      if (positionals.length !== 1) throw new UserError(`discover takes exactly one IMAGE, got ${positionals.length}; usage: ${USAGE}`);
      const maxDepth = parseDepth(values.depth);
      const registryOptions = readRegistryOptions(values, deps);

      const image = openImage(positionals[0], registryOptions);
      try {
        let tree;
        try {
          tree = await discover(image.store, image.reference, {
            display: image.display,
            maxDepth,
            artifactType: values['artifact-type'],
            legacyTags: !values['no-cosign-tags'],
          });
        } catch (err) {
          if (err instanceof NotFoundError) throw new UserError(`${image.display} not found (${err.message}); check the image reference`);
          throw err;
        }
        deps.writeStdout(values.json ? renderJson(tree) : renderText(tree));
        return 0;
      } finally {
        image.close();
      }
    },
  };
}

function parseDepth(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const depth = Number(text);
  if (!Number.isInteger(depth) || depth < 1 || depth > 20) throw new UserError(`--depth '${text}' must be a whole number from 1 to 20`);
  return depth;
}

function readRegistryOptions(
  values: { username?: string; 'password-stdin'?: boolean; 'insecure-registry'?: string[] },
  deps: DiscoverCommandDeps,
): RegistryClientOptions {
  const opts: RegistryClientOptions = { insecureRegistries: values['insecure-registry'] ?? [] };
  if (values['password-stdin']) {
    if (!values.username) throw new UserError('--password-stdin needs --username; give both or neither');
    const password = deps.readStdin().replace(/\r?\n$/, '');
    if (!password) throw new UserError('--password-stdin read an empty password; pipe the password into ship-image');
    addSecret(password);
    opts.username = values.username;
    opts.password = password;
  } else if (values.username) {
    throw new UserError('--username needs --password-stdin (the password is read from stdin, never from a flag)');
  }
  const caFile = deps.env.SHIP_IMAGE_CA_FILE;
  if (caFile) {
    try {
      opts.caPems = [readFileSync(caFile, 'utf8')];
    } catch {
      throw new UserError(`SHIP_IMAGE_CA_FILE '${caFile}' cannot be read; point it at a PEM file of CA certificates`);
    }
  }
  return opts;
}

export const discoverCommand: Command = makeDiscoverCommand({
  env: process.env,
  readStdin: () => readFileSync(0, 'utf8'),
  writeStdout: (text) => process.stdout.write(text),
});

/** What src/cli/main.ts loads. */
export const command = discoverCommand;

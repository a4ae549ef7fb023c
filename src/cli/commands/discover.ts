import { READ_CAPS, readStdinCapped } from '../../core/read-capped';
import { flagCommand, type Command } from '../command';
import { REGISTRY_FLAGS, registryOptionsFromFlags } from '../registry-flags';
import { UserError } from '../../core/errors';
import { renderJson, renderText } from '../../discover/render';
import { discover } from '../../discover/tree';
import { openImage } from '../../oci/open';
import { NotFoundError } from '../../oci/store';

const USAGE =
  'ship-image discover IMAGE [--json] [--depth N] [--artifact-type TYPE] [--no-cosign-tags] ' +
  '[--insecure-registry HOST]... [--username U --password-stdin] [--timeout 10m]  (IMAGE: [registry/]repo[:tag|@digest] or oci-layout:DIR[:tag|@digest]; env SHIP_IMAGE_CA_FILE: extra CA PEM file)';

const FLAGS = {
  json: { type: 'boolean' },
  depth: { type: 'string' },
  'artifact-type': { type: 'string' },
  'no-cosign-tags': { type: 'boolean' },
  ...REGISTRY_FLAGS,
} as const;

export interface DiscoverCommandDeps {
  env: NodeJS.ProcessEnv;
  readStdin(): string;
  writeStdout(text: string): void;
}

/** `ship-image discover`: what is attached to an image (referrers, fallback index, cosign tags). */
export function makeDiscoverCommand(deps: DiscoverCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: `usage: ${USAGE}\n`, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (positionals.length !== 1) throw new UserError(`discover takes exactly one IMAGE, got ${positionals.length}; usage: ${USAGE}`);
    const maxDepth = parseDepth(values.depth);
    const registryOptions = registryOptionsFromFlags(values, deps.env, deps.readStdin);

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
  });
}

function parseDepth(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const depth = Number(text);
  if (!Number.isInteger(depth) || depth < 1 || depth > 20) throw new UserError(`--depth '${text}' must be a whole number from 1 to 20`);
  return depth;
}


export const discoverCommand: Command = makeDiscoverCommand({
  env: process.env,
  readStdin: () => readStdinCapped(READ_CAPS.stdin),
  writeStdout: (text) => process.stdout.write(text),
});

/** What src/cli/main.ts loads. */
export const command = discoverCommand;

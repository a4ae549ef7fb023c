import { UserError } from '../../core/errors';
import { inertText } from '../../core/untrusted-text';
import { loadPolicy } from '../../policy/load';
import { ENGINES, renderHeader, renderPolicy, toYaml, type Engine } from '../../policy/render';
import { parseFlags, type Command } from '../command';

const USAGE = `ship-image policy render --policy FILE --engine ${ENGINES.join('|')}
       ship-image policy check --policy FILE`;

const HELP = `usage: ${USAGE}

  render   print the admission manifests for the engine (multi-document YAML) on stdout;
           what the engine cannot express is printed as warnings on stderr
  check    load and validate the policy file, print a one-line summary

options:
  --policy FILE   the ship-image policy (see docs/policy.md)
  --engine NAME   kyverno (ClusterPolicy), kyverno-ivp (ImageValidatingPolicy),
                  policy-controller (sigstore ClusterImagePolicy)
`;

export const policyCommand: Command = {
  async run(argv: string[]): Promise<number> {
    const { values, positionals } = parseFlags(argv, { policy: { type: 'string' }, engine: { type: 'string' } }, USAGE);
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'render' && sub !== 'check') throw new UserError(`expected a subcommand, render or check; usage: ${USAGE}`);
    if (extra.length > 0) throw new UserError(`unexpected argument '${extra[0]}'; usage: ${USAGE}`);
    if (!values.policy) throw new UserError(`--policy FILE is required; usage: ${USAGE}`);
    const policy = loadPolicy(values.policy);
    if (sub === 'check') {
      const rules = Object.entries(policy.require)
        .filter(([, on]) => on)
        .map(([rule]) => rule);
      const where = inertText(values.policy, { max: 1000 });
      process.stdout.write(
        `${where}: ok: policy ${policy.name} (${policy.mode}) for ${policy.images.join(', ')}; requires ${rules.join(', ') || 'nothing'}; ` +
          `${policy.identities.length} identity(ies), ${policy.keys.length} key(s)\n`,
      );
      return 0;
    }
    const engine = values.engine;
    if (!engine || !(ENGINES as readonly string[]).includes(engine)) {
      throw new UserError(`--engine must be one of ${ENGINES.join(', ')}${engine ? ` (got '${engine}')` : ''}; usage: ${USAGE}`);
    }
    const rendered = renderPolicy(policy, engine as Engine);
    for (const w of rendered.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(toYaml(rendered.documents, renderHeader(engine as Engine, values.policy)));
    return 0;
  },
};

/** What src/cli/main.ts loads. */
export const command = policyCommand;

import * as path from 'node:path';
import { stderrLogger } from '../../core/log';
import type { DemoImage } from '../../ship/demo';
import { runDemo } from '../../ship/demo';
import { reportText } from '../../verify/report';
import { parseFlags, type Command } from '../command';

const USAGE = 'ship-image demo [--dir DIR]   (default DIR: .demo)';

/** Every command printed here runs as printed from the current directory (npx finds this package's bin). */
export const demoCommand: Command = {
  async run(argv) {
    const { values } = parseFlags(argv, { dir: { type: 'string' } }, USAGE);
    if (values.help) {
      process.stdout.write(`usage: ${USAGE}\n`);
      return 0;
    }
    const dir = path.resolve(values.dir ?? '.demo');
    const demo = await runDemo(dir, { env: process.env, cwd: process.cwd(), logger: stderrLogger() });
    const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
    const ref = (image: DemoImage): string => `oci-layout:${rel(image.registry)}@${image.result.outputs.digest}`;
    const policy = rel(demo.policyFile);
    const out: string[] = [];
    const step = (title: string, command: string, body: string): void => {
      out.push(`== ${title}`, `$ ${command}`, body.trimEnd(), '');
    };

    step(
      '1. shipped the fixture image (Debian 12 + an npm tree, known-vulnerable versions): pushed, SBOM, scan, signed, attested',
      `npx ship-image discover ${ref(demo.vulnerable)}`,
      demo.discoverText,
    );
    step(`2. verified it against the sample policy ${policy}: ${verdictWord(demo.vulnerable)}`, `npx ship-image verify ${ref(demo.vulnerable)} --policy ${policy}`, reportText(demo.vulnerable.verdict));
    step(
      `3. shipped the patched variant (lodash, minimist and zlib fixed) and verified it: ${verdictWord(demo.patched)}`,
      `npx ship-image verify ${ref(demo.patched)} --policy ${policy}`,
      reportText(demo.patched.verdict),
    );
    const lines = demo.kyvernoYaml.split('\n').length - 1;
    step(
      '4. rendered the same policy file for Kyverno (admission enforces what verify decided)',
      `npx ship-image policy render --policy ${policy} --engine kyverno > ${rel(demo.kyvernoFile)}`,
      `(${lines} lines written to ${rel(demo.kyvernoFile)}; apply it with kubectl in a cluster that runs Kyverno)`,
    );
    const scan = (image: DemoImage): string => rel(path.join(image.outputDir, 'sbom', 'vulnerabilities.trivy.json'));
    out.push(
      '== next',
      `npx ship-image verify ${ref(demo.patched)} --policy ${policy} --json   # the verdict as JSON`,
      `npx ship-image summarize --scan ${scan(demo.patched)} --base ${scan(demo.vulnerable)}   # what the patch changes, as a PR comment`,
      `npx ship-image policy render --policy ${policy} --engine kyverno-ivp   # Kyverno's ImageValidatingPolicy (CEL); policy-controller takes keyless identities only`,
      `npx ship-image ship --help   # ship your own image to a registry`,
      '',
    );
    process.stdout.write(out.join('\n'));
    return 0;
  },
};

function verdictWord(image: DemoImage): string {
  return image.verdict.allowed ? 'ALLOWED' : `DENIED (${image.verdict.rules.filter((r) => !r.passed).map((r) => r.rule).join(', ')})`;
}

/** What src/cli/main.ts loads. */
export const command = demoCommand;

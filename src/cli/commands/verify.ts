import { READ_CAPS, readStdinCapped } from '../../core/read-capped';
import { oneLine, UserError } from '../../core/errors';
import type { Logger } from '../../core/log';
import { inertText } from '../../core/untrusted-text';
import { loadPolicy } from '../../policy/load';
import { reportJson, reportText } from '../../verify/report';
import { loadTrustedRoot } from '../../verify/trusted-root';
import { verifyImage } from '../../verify/verify-image';
import { flagCommand, type Command } from '../command';
import { REGISTRY_FLAGS, registryOptionsFromFlags } from '../registry-flags';

const USAGE =
  'ship-image verify IMAGE --policy FILE [--json] [--insecure-registry HOST]... [--username U --password-stdin] [--timeout 10m] [--trusted-root FILE]  ' +
  '(IMAGE: [registry/]repo[:tag|@digest] or oci-layout:DIR[:tag|@digest]; env SHIP_IMAGE_CA_FILE: extra CA PEM file)';

const HELP = `usage: ${USAGE}

Verifies every Sigstore bundle attached to the image digest against the policy's Sigstore root and
signers, then evaluates the policy's rules (signature, SBOM, vulnerabilities). A tag is resolved to
its digest first: the verdict is about that digest.

exit codes: 0 allowed, 1 denied, 2 error (bad policy or flags, unknown image, unreachable registry)

options:
  --policy FILE            the ship-image policy (see docs/policy.md)
  --json                   print {"image","digest","allowed","rules":[...]} instead of text
  --trusted-root FILE      Sigstore trusted_root.json (or 'gh attestation trusted-root' output) to use
                           instead of the policy's; needed for sigstore: github
  --insecure-registry HOST allow plain HTTP / unverified TLS for HOST (repeatable)
  --username U             registry user; the password is read from stdin (--password-stdin)
`;

const FLAGS = {
  policy: { type: 'string' },
  json: { type: 'boolean' },
  'trusted-root': { type: 'string' },
  ...REGISTRY_FLAGS,
} as const;

export interface VerifyCommandDeps {
  env: NodeJS.ProcessEnv;
  readStdin(): string;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  now?: () => Date;
}

/** `ship-image verify`: the deploy gate. Anything that prevents a verdict exits 2, never 1. */
export function makeVerifyCommand(deps: VerifyCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (positionals.length !== 1) throw new UserError(`verify takes exactly one IMAGE, got ${positionals.length}; usage: ${USAGE}`);
    if (!values.policy) throw new UserError(`--policy FILE is required; usage: ${USAGE}`);
    const policy = loadPolicy(values.policy);
    const trustedRoot = values['trusted-root'] ? loadTrustedRoot({ kind: 'file', path: values['trusted-root'] }) : undefined;
    const registry = registryOptionsFromFlags(values, deps.env, deps.readStdin);
    const line = (m: string) => inertText(m, { max: 8000, multiline: true });
    const logger: Logger = { info: (m) => deps.writeStderr(`${line(m)}\n`), warn: (m) => deps.writeStderr(`warning: ${line(m)}\n`), debug() {} };
    let report;
    try {
      report = await verifyImage(positionals[0], policy, { registry: { ...registry, logger }, trustedRoot, now: deps.now?.(), logger });
    } catch (err) {
      if (err instanceof UserError) throw err;
      // An unreachable registry or a broken answer leaves no verdict: an error (2), not a denial (1).
      throw new UserError(oneLine(err));
    }
    if (values.json) {
      deps.writeStdout(JSON.stringify(reportJson(report), null, 2) + '\n');
      for (const r of report.rejected) deps.writeStderr(`verify: set aside ${inertText(`${r.referrerDigest}: ${r.reason}`, { max: 2000 })}\n`);
    } else {
      deps.writeStdout(reportText(report));
    }
    return report.allowed ? 0 : 1;
  });
}


export const verifyCommand: Command = makeVerifyCommand({
  env: process.env,
  readStdin: () => readStdinCapped(READ_CAPS.stdin),
  writeStdout: (text) => process.stdout.write(text),
  writeStderr: (text) => process.stderr.write(text),
});

/** What src/cli/main.ts loads. */
export const command = verifyCommand;

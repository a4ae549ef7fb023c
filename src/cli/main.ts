import { oneLine, UserError } from '../core/errors';
import { redact } from '../core/log';
import { inertText } from '../core/untrusted-text';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import type { Command } from './command';
import { codeCacheDir, loadWithCodeCache } from './code-cache';
import { loadModule } from './load-module';

/**
 * Each command is loaded only when it runs, and in dist/ each is its own bundle
 * (dist/cli/commands/<name>/index.js): a `verify` in a deploy pipeline does not parse the builders,
 * trivy adapters and signers of `ship`, which is most of a cold start.
 */
const SUMMARIES: Record<string, string> = {
  ship: 'build, SBOM, scan, sign and attest an image; push it with its referrers',
  discover: 'list signatures, attestations and SBOMs attached to an image',
  verify: 'check an image against a policy file (exit 0 allow, 1 deny, 2 error)',
  'verify-bundle': 'verify one Sigstore bundle for a file or digest (sigstore-conformance protocol)',
  policy: 'validate a policy file or render it for Kyverno / policy-controller / Gatekeeper / a webhook',
  'fixture-db': 'write the offline fixture trivy DB into DIR/db',
  summarize: 'summarize a scan for a pull request: counts, new/fixed against a base, gate (fail-on-new), policy verdict',
  drift: 'compare what runs (an SBOM, a directory, a process) with the attested SBOM (exit 0 none, 1 drift, 2 error)',
  'workflow-ref': "print the running workflow's own repository and commit from the job's OIDC token, or check a checkout against them",
  monitor: 'sweep what runs: verify, re-scan when the DB moves, stale images; findings open once and resolve (exit 1 at --fail-on)',
  serve: 'serve the policy over HTTPS: Gatekeeper external data provider and validating admission webhook',
  demo: 'ship the fixture image end to end into an OCI layout (key signing, fixture DB, no network)',
};

/** The gates a pipeline runs once per image, where compiling the bundle is a large part of the run. */
const CODE_CACHED = new Set(['verify', 'verify-bundle', 'summarize', 'discover', 'policy']);

/**
 * Every commands/<name>.ts exports `command`. In dist/ (commands/<name>/index.js) a gate's bundle
 * is loaded with V8's code cache, written after its first run.
 */
function loadCommand(name: string): { command: Command; save(): void } {
  const bundled = path.join(__dirname, 'commands', name, 'index.js');
  if (CODE_CACHED.has(name) && existsSync(bundled)) {
    const loaded = loadWithCodeCache(bundled, codeCacheDir());
    return { command: (loaded.exports as { command: Command }).command, save: () => loaded.save() };
  }
  return { command: (loadModule(path.join(__dirname, 'commands', name)) as { command: Command }).command, save: () => undefined };
}

const USAGE = `usage: ship-image <command> [options]

commands:
${Object.entries(SUMMARIES)
  .map(([name, summary]) => `  ${name.padEnd(14)} ${summary}`)
  .join('\n')}

Run 'ship-image <command> --help' for a command's options.`;

/** Runs one CLI command and returns its exit code: 0 ok, 1 denied/failed gate, 2 bad input, 1 other failure. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (!Object.hasOwn(SUMMARIES, name)) {
    process.stderr.write(`ship-image: unknown command '${inertText(name, { max: 100 })}': run 'ship-image --help' for the list\n`);
    return 2;
  }
  let loaded: ReturnType<typeof loadCommand> | undefined;
  try {
    loaded = loadCommand(name);
    return await loaded.command.run(rest);
  } catch (err) {
    const code = typeof (err as { exitCode?: unknown }).exitCode === 'number' ? (err as { exitCode: number }).exitCode : 1;
    // The last line is often a registry's or a file's words: untrusted text.
    process.stderr.write(`ship-image ${name}: ${inertText(oneLine(err), { max: 4000 })}\n`);
    if (process.env.SHIP_IMAGE_DEBUG && !(err instanceof UserError) && err instanceof Error && err.stack) {
      process.stderr.write(redact(err.stack) + '\n');
    }
    return code;
  } finally {
    // After the run, so the cache holds the functions it compiled, not only the top level.
    loaded?.save();
  }
}

import { writeFileSync } from 'node:fs';
import { UserError } from '../../core/errors';
import { toArtifact } from '../../prcheck/artifact';
import { attestedBaseSbom, rescanSbom } from '../../prcheck/base-sbom';
import { readScanDocument, type ScanInput } from '../../prcheck/read-scan';
import { loadPolicy } from '../../policy';
import { resolveTool } from '../../tools/resolve-tool';
import { loadTrustedRoot } from '../../verify/trusted-root';
import { REGISTRY_FLAGS, registryOptionsFromFlags } from '../registry-flags';
import { readStdinCapped, READ_CAPS } from '../../core/read-capped';
import { parseFailOn } from '../../prcheck/gate';
import { summaryJson, summaryMarkdown } from '../../prcheck/render';
import { summarize } from '../../prcheck/summarize';
import { flagCommand, type Command } from '../command';

const USAGE =
  'ship-image summarize --scan HEAD [--base BASE] [--policy FILE] [--image NAME] [--format markdown|json] [--db-metadata FILE] [--fail-on-new LEVEL] [--fail-on LEVEL] [--fixable-only] [--full-report NAME] [--full-report-url URL] [--result FILE --head-sha SHA [--pull-request N] [--platforms LIST]] [--base-image REF --policy FILE --trivy-cache DIR [--trivy PATH] [--trusted-root FILE] [--insecure-registry HOST]...]';

const HELP = `usage: ${USAGE}

Summarizes a vulnerability scan for a pull request: counts by severity and, with a base scan, the
findings the change adds, fixes and keeps (matched by vulnerability id, package and installed
version). HEAD and BASE are each a trivy JSON report, a grype JSON report, or a vuln attestation
(Sigstore bundle, in-toto statement or bare predicate), told apart by content.

exit codes: 0 ok (gate passed or no gate), 1 gate failed, 2 bad flags or unreadable files

options:
  --scan FILE            the scan of the change (head); repeat it for each platform of one image
  --base FILE            the scan of the base image (repeatable); without it every finding counts as new
  --policy FILE          also say what verify's vulnerability rule would decide once shipped
  --image NAME           the image (and platforms) named in the summary
  --format FORMAT        markdown (default) or json
  --db-metadata FILE     trivy's <cache-dir>/db/metadata.json: the DB version and age of a trivy report
  --fail-on-new LEVEL    fail when the change adds a finding at or above LEVEL (critical, high, medium, low, none)
  --fail-on LEVEL        fail when the head has any finding at or above LEVEL (as ship's fail-on)
  --fixable-only         findings without a fixed version never fail the gate
  --full-report NAME     where the full report is (the run's artifact name), said when the summary is cut
  --full-report-url URL  an https link to that run
  --base-image REF       the base as shipped: its SBOM attestation, verified against --policy's
                         identities, re-scanned offline with --trivy-cache (the head scan's DB
                         snapshot). Without one, --base is used if given, else no base (said so)
  --trivy-cache DIR      with --base-image: the trivy cache dir the head was scanned with
  --trivy PATH           with --base-image: the trivy binary (default: the pinned one)
  --trusted-root FILE    with --base-image: the Sigstore root (default: the policy's)
  --insecure-registry HOST, --username U --password-stdin: registry access for --base-image
  --result FILE          also write the pr-check result (what the pr-comment job posts) to FILE
  --head-sha SHA         with --result: the commit checked
  --pull-request N       with --result: the pull request (omit in a merge queue)
  --platforms LIST       with --result: comma-separated platforms of the image
`;

const FLAGS = {
  scan: { type: 'string', multiple: true },
  base: { type: 'string', multiple: true },
  policy: { type: 'string' },
  image: { type: 'string' },
  format: { type: 'string' },
  'db-metadata': { type: 'string' },
  'fail-on-new': { type: 'string' },
  'fail-on': { type: 'string' },
  'fixable-only': { type: 'boolean' },
  'full-report': { type: 'string' },
  'full-report-url': { type: 'string' },
  result: { type: 'string' },
  'head-sha': { type: 'string' },
  'pull-request': { type: 'string' },
  platforms: { type: 'string' },
  'base-image': { type: 'string' },
  'trivy-cache': { type: 'string' },
  trivy: { type: 'string' },
  'trusted-root': { type: 'string' },
  ...REGISTRY_FLAGS,
} as const;

export interface SummarizeCommandDeps {
  writeStdout(text: string): void;
  now(): Date;
}

export function makeSummarizeCommand(deps: SummarizeCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    if (positionals.length > 0) throw new UserError(`summarize takes no positional arguments; usage: ${USAGE}`);
    if (!values.scan || values.scan.length === 0) throw new UserError(`--scan FILE is required; usage: ${USAGE}`);
    const format = values.format ?? 'markdown';
    if (format !== 'markdown' && format !== 'json') throw new UserError(`--format '${format}' is not markdown or json`);
    const failOnNew = parseFailOn(values['fail-on-new'], '--fail-on-new');
    const failOn = parseFailOn(values['fail-on'], '--fail-on');
    const gated = failOnNew !== 'none' || failOn !== 'none';
    let baseInput: ScanInput | undefined;
    let baseNote: string | undefined;
    if (values['base-image']) {
      if (!values.policy) throw new UserError('--base-image needs --policy: the attested SBOM is taken only from a signer the policy allows');
      if (!values['trivy-cache']) throw new UserError('--base-image needs --trivy-cache DIR, the cache the head was scanned with (the same DB snapshot)');
      const policy = loadPolicy(values.policy);
      const found = await attestedBaseSbom(values['base-image'], policy, {
        registry: registryOptionsFromFlags(values, process.env, () => readStdinCapped(READ_CAPS.stdin, { what: 'the registry password' })),
        trustedRoot: values['trusted-root'] ? loadTrustedRoot({ kind: 'file', path: values['trusted-root'] }) : undefined,
        now: deps.now(),
      });
      if (found.found) {
        const trivy = values.trivy ?? (await resolveTool('trivy')).path;
        baseInput = readScanDocument(await rescanSbom(found.document, trivy, values['trivy-cache']), `the re-scanned SBOM of ${values['base-image']}`);
        baseNote = `the SBOM attested for ${found.digest} (${found.predicateType}, signed by ${found.signedBy}), re-scanned with this scan's DB`;
      } else {
        baseNote = `${values['base-image']} has no usable attested SBOM (${found.reason}); ${values.base?.length ? 'compared with the base scan given instead' : 'compared with nothing'}`;
      }
    }
    const summary = summarize({
      scan: values.scan,
      base: values.base,
      baseInput,
      baseNote,
      policy: values.policy,
      image: values.image,
      dbMetadata: values['db-metadata'],
      gate: gated ? { failOnNew, failOn, fixableOnly: !!values['fixable-only'] } : undefined,
      now: deps.now(),
    });
    if (values.result) {
      const headSha = values['head-sha'] ?? '';
      if (!/^[0-9a-f]{40}$/.test(headSha)) throw new UserError('--result needs --head-sha, the 40-hex commit SHA checked');
      const pr = values['pull-request'];
      if (pr !== undefined && pr !== '' && !/^[1-9]\d{0,9}$/.test(pr)) throw new UserError(`--pull-request '${pr}' is not a pull request number`);
      if (!values.image) throw new UserError('--result needs --image');
      const platforms = (values.platforms ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      const result = toArtifact(summary, summaryJson(summary), { pullRequest: pr ? Number(pr) : null, headSha, image: values.image, platforms });
      writeFileSync(values.result, JSON.stringify(result) + '\n');
    }
    deps.writeStdout(
      format === 'json'
        ? JSON.stringify(summaryJson(summary), null, 2) + '\n'
        : summaryMarkdown(summary, { fullReport: values['full-report'], fullReportUrl: values['full-report-url'] }),
    );
    return summary.gate && !summary.gate.passed ? 1 : 0;
  });
}

export const summarizeCommand: Command = makeSummarizeCommand({ writeStdout: (text) => process.stdout.write(text), now: () => new Date() });

/** What src/cli/main.ts loads. */
export const command = summarizeCommand;

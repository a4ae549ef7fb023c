import { PREDICATE } from '../oci/media-types';
import { evaluate } from '../policy';
import type { Policy, RuleResult } from '../policy/types';
import { toResultsShape, type Vulnerability } from '../scan/model';

/** What `verify` would say about the image once shipped, as far as a PR check can tell. */
export interface PolicyVerdict {
  policy: string;
  mode: Policy['mode'];
  /** The vulnerability rule on this scan; undefined when the policy turns the rule off. */
  vulnerabilities?: Pick<RuleResult, 'passed' | 'reason'>;
  /** Rules that need the shipped image (signature, SBOM attestation): not judged here. */
  notJudged: Array<'signature' | 'sbom'>;
}

const UNSHIPPED = 'sha256:' + '0'.repeat(64);
const PR_CHECK_SIGNER = { kind: 'key' as const, keyId: 'ship-image-pr-check (not signed)' };

/**
 * The policy's own vulnerability rule (src/policy evaluate) run on this scan as if ship had
 * attested it now: the same Results shape, scan time and signer the policy accepts. Signature and
 * SBOM rules depend on what ship attaches, so they are named as not judged rather than guessed.
 */
export function policyVerdict(policy: Policy, vulns: readonly Vulnerability[], scannedAt: Date, now: Date): PolicyVerdict {
  const notJudged = (['signature', 'sbom'] as const).filter((r) => policy.require[r]);
  const req = policy.require.vulnerabilities;
  if (!req) return { policy: policy.name, mode: policy.mode, notJudged };
  const only: Policy = {
    ...policy,
    identities: [],
    keys: [{ path: '', pem: '', keyId: PR_CHECK_SIGNER.keyId, requireTlog: false }],
    require: { signature: false, sbom: false, vulnerabilities: req },
  };
  const result = evaluate(only, {
    imageDigest: UNSHIPPED,
    now,
    rejected: [],
    attestations: [
      {
        referrerDigest: UNSHIPPED,
        predicateType: PREDICATE.vuln,
        signer: PR_CHECK_SIGNER,
        signedAt: scannedAt,
        statement: {
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ digest: { sha256: '0'.repeat(64) } }],
          predicateType: PREDICATE.vuln,
          predicate: { scanner: { result: toResultsShape(vulns, 'pr-check') }, metadata: { scanFinishedOn: scannedAt.toISOString() } },
        },
      },
    ],
  });
  const rule = result.rules.find((r) => r.rule === 'vulnerabilities');
  return { policy: policy.name, mode: policy.mode, vulnerabilities: rule && { passed: rule.passed, reason: rule.reason }, notJudged };
}

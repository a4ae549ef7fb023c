// The rule engine: pure, no I/O. `verify` gathers and cryptographically verifies the attestations;
// this decides whether they satisfy the policy. Any doubt (missing or unreadable data) denies.
import { PREDICATE, SBOM_PREDICATE_TYPES } from '../oci/media-types';
import { readResultsShape } from '../scan/results-shape';
import { formatMillis } from './duration';
import { parseRfc3339 } from './rfc3339';
import { describeSigner, signerAllowed } from './signer';
import type {
  AttestationEvidence,
  CveEvidence,
  EvaluationInput,
  EvaluationResult,
  Policy,
  RejectedAttestation,
  RuleResult,
  VerifiedAttestation,
  VulnerabilityRequirement,
} from './types';

const STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1']);

export function evaluate(policy: Policy, input: EvaluationInput): EvaluationResult {
  const rejected: RejectedAttestation[] = [...input.rejected];
  const accepted: VerifiedAttestation[] = [];
  for (const att of input.attestations) {
    const why = rejectionReason(policy, input.imageDigest, att);
    if (why) rejected.push({ referrerDigest: att.referrerDigest, predicateType: att.predicateType, reason: why });
    else accepted.push(att);
  }
  const ofType = (types: readonly string[]) => accepted.filter((a) => types.includes(a.predicateType));
  const rules: RuleResult[] = [];
  const setAside = rejected.length > 0 ? ` (${rejected.length} attestation(s) set aside: see rejected)` : '';

  if (policy.require.signature) {
    const found = ofType([PREDICATE.signature]);
    rules.push(
      found.length > 0
        ? { rule: 'signature', passed: true, reason: `signed by ${describeSigner(found[0].signer)}`, evidence: { attestations: found.map(evidenceOf) } }
        : { rule: 'signature', passed: false, reason: `no ${PREDICATE.signature} statement for ${input.imageDigest} from an allowed signer${setAside}`, evidence: {} },
    );
  }
  if (policy.require.sbom) {
    const found = ofType(SBOM_PREDICATE_TYPES);
    rules.push(
      found.length > 0
        ? { rule: 'sbom', passed: true, reason: `SBOM ${found[0].predicateType} from ${describeSigner(found[0].signer)}`, evidence: { attestations: found.map(evidenceOf) } }
        : { rule: 'sbom', passed: false, reason: `no SBOM attestation (${SBOM_PREDICATE_TYPES.join(' or ')}) for ${input.imageDigest} from an allowed signer${setAside}`, evidence: {} },
    );
  }
  if (policy.require.vulnerabilities) {
    rules.push(vulnerabilityRule(policy.require.vulnerabilities, ofType([PREDICATE.vuln]), input, setAside));
  }
  const failed = rules.some((r) => !r.passed);
  return { allowed: !failed || policy.mode === 'audit', mode: policy.mode, rules, accepted, rejected };
}

function rejectionReason(policy: Policy, imageDigest: string, att: VerifiedAttestation): string | undefined {
  const st = att.statement;
  if (!st || typeof st !== 'object' || !STATEMENT_TYPES.has(st._type)) return 'not an in-toto statement';
  if (st.predicateType !== att.predicateType) return `statement predicateType ${String(st.predicateType)} differs from the bundle's ${att.predicateType}`;
  const [alg, hex] = imageDigest.split(':');
  const subjects = Array.isArray(st.subject) ? st.subject : [];
  if (!subjects.some((s) => s && typeof s.digest === 'object' && s.digest !== null && s.digest[alg] === hex)) {
    return `statement subject is not ${imageDigest}`;
  }
  if (!signerAllowed(policy, att.signer)) return `signer ${describeSigner(att.signer)} is not allowed by the policy`;
  return undefined;
}

function evidenceOf(att: VerifiedAttestation): AttestationEvidence {
  return { referrerDigest: att.referrerDigest, predicateType: att.predicateType, signer: att.signer, signedAt: att.signedAt.toISOString() };
}

interface ScanPredicate {
  metadata?: { scanFinishedOn?: unknown };
  scanner?: { result?: unknown };
}

function vulnerabilityRule(
  req: VulnerabilityRequirement,
  scans: VerifiedAttestation[],
  input: EvaluationInput,
  setAside: string,
): RuleResult {
  const fail = (reason: string, evidence: RuleResult['evidence'] = {}): RuleResult => ({ rule: 'vulnerabilities', passed: false, reason, evidence });
  if (scans.length === 0) return fail(`no ${PREDICATE.vuln} attestation for ${input.imageDigest} from an allowed signer${setAside}`);

  const dated = scans.map((att) => ({ att, finished: parseRfc3339((att.statement.predicate as ScanPredicate | undefined)?.metadata?.scanFinishedOn) }));
  const undated = dated.find((d) => d.finished === undefined);
  if (undated) {
    // Without its date we cannot tell whether this scan is the newest one, so it cannot be ignored.
    return fail(`scan attestation ${undated.att.referrerDigest} has no valid RFC 3339 metadata.scanFinishedOn`, { attestations: [evidenceOf(undated.att)] });
  }
  const newestTime = Math.max(...dated.map((d) => d.finished!));
  // Scans that finished at the same instant are all "the newest": each must pass.
  const newest = dated.filter((d) => d.finished === newestTime);
  const now = input.now.getTime();
  const age = now - newestTime;
  const scanEvidence = { ...evidenceOf(newest[0].att), scanFinishedOn: new Date(newestTime).toISOString(), age: formatMillis(age) };
  if (age > req.maxScanAge.milliseconds) {
    return fail(`newest scan finished ${formatMillis(age)} ago, more than maxScanAge ${req.maxScanAge.text}; rescan the image`, { scan: scanEvidence });
  }

  const offending: CveEvidence[] = [];
  const withinGrace: CveEvidence[] = [];
  for (const { att } of newest) {
    // The one reader of the predicate (src/scan): the same findings whichever scanner made them.
    const read = readResultsShape((att.statement.predicate as ScanPredicate | undefined)?.scanner?.result);
    if (!read.ok) return fail(`scan attestation ${att.referrerDigest} ${read.error}`, { scan: scanEvidence });
    for (const v of read.vulnerabilities) {
      if (v.severity !== 'CRITICAL') continue;
      const published = parseRfc3339(v.publishedDate);
      const cve: CveEvidence = {
        id: v.id,
        package: v.packageName || undefined,
        severity: 'CRITICAL',
        publishedDate: v.publishedDate,
        age: published === undefined ? undefined : formatMillis(now - published),
      };
      if (published === undefined || now - published > req.criticalGrace.milliseconds) offending.push(cve);
      else withinGrace.push(cve);
    }
  }
  const evidence = { scan: scanEvidence, offending, withinGrace };
  if (offending.length > 0) {
    const list = offending
      .slice(0, 5)
      .map((c) => (c.age ? `${c.id} (published ${c.age} ago)` : `${c.id} (no usable PublishedDate)`))
      .join(', ');
    const more = offending.length > 5 ? ` and ${offending.length - 5} more` : '';
    return fail(`${offending.length} CRITICAL vulnerability(ies) known for more than criticalGrace ${req.criticalGrace.text} or undated: ${list}${more}`, evidence);
  }
  const graced = withinGrace.length > 0 ? `; ${withinGrace.length} CRITICAL still within the ${req.criticalGrace.text} grace` : '';
  return { rule: 'vulnerabilities', passed: true, reason: `newest scan ${formatMillis(age)} old, no CRITICAL older than ${req.criticalGrace.text}${graced}`, evidence };
}

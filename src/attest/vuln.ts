import { UserError } from '../core/errors';
import { PREDICATE } from '../oci/media-types';
import type { SuppressionsRecord } from '../scan/suppressions';
import { makeStatement, type JsonObject, type Statement, type SubjectInput } from './statement';

/** cosign's vuln attestation predicate (specs/COSIGN_VULN_ATTESTATION_SPEC.md). */
export interface VulnPredicate {
  invocation: { parameters: string[]; uri: string; event_id: string; 'builder.id': string };
  scanner: {
    uri: string;
    version: string;
    db: { uri: string; version: string };
    /** The scanner's native report, unchanged (trivy JSON: `Results[].Vulnerabilities[]`). */
    result: JsonObject;
  };
  metadata: { scanStartedOn: string; scanFinishedOn: string };
  /**
   * ship-image's addition: the accepted risks and VEX applied to this scan (their digests and
   * entries), `{}` when none. Always present, so "nothing was suppressed" is signed too.
   */
  suppressions: SuppressionsRecord;
}

export interface VulnScanInput {
  /** Scanner name as in its GitHub purl: `trivy` (aquasecurity) or `grype` (anchore), or a full `scannerUri`. */
  scanner: 'trivy' | 'grype';
  scannerVersion: string;
  scannerUri?: string;
  db?: { uri?: string; version?: string };
  report: JsonObject;
  startedOn: Date | string;
  finishedOn: Date | string;
  invocation?: { parameters?: string[]; uri?: string; eventId?: string; builderId?: string };
  suppressions?: SuppressionsRecord;
}

const SCANNER_OWNERS: Record<VulnScanInput['scanner'], string> = {
  trivy: 'aquasecurity',
  grype: 'anchore',
};

function rfc3339(value: Date | string, what: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new UserError(`${what} '${String(value)}' is not a valid time; pass an RFC 3339 timestamp`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function vulnPredicate(input: VulnScanInput): VulnPredicate {
  const version = input.scannerVersion.trim();
  return {
    invocation: {
      parameters: input.invocation?.parameters ?? [],
      uri: input.invocation?.uri ?? '',
      event_id: input.invocation?.eventId ?? '',
      'builder.id': input.invocation?.builderId ?? '',
    },
    scanner: {
      uri: input.scannerUri ?? `pkg:github/${SCANNER_OWNERS[input.scanner]}/${input.scanner}@${version}`,
      version,
      db: { uri: input.db?.uri ?? '', version: input.db?.version ?? '' },
      result: input.report,
    },
    metadata: {
      scanStartedOn: rfc3339(input.startedOn, 'scan start time'),
      scanFinishedOn: rfc3339(input.finishedOn, 'scan finish time'),
    },
    suppressions: input.suppressions ?? {},
  };
}

export function vulnStatement(subject: SubjectInput | SubjectInput[], input: VulnScanInput): Statement<VulnPredicate> {
  return makeStatement(subject, PREDICATE.vuln, vulnPredicate(input));
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { oneLine, UserError } from '../core/errors';
import { SBOM_PREDICATE_TYPES } from '../oci/media-types';
import { describeSigner } from '../policy';
import type { Policy } from '../policy/types';
import { scanSbom } from '../tools/trivy';
import { verifyImage, type VerifyImageOptions, type VerifyReport } from '../verify/verify-image';

// The fair baseline: the base image as it was shipped, i.e. its signed SBOM attestation (verified
// against the policy's identities by `verify`'s own code), re-scanned with the head's DB snapshot
// so a "new" finding is one the change introduced, not one the DB learned about since.

export type BaseSbom =
  | { found: true; digest: string; predicateType: string; signedBy: string; document: unknown }
  | { found: false; reason: string };

/** The newest SBOM attestation `verify` accepted (allowed signer, subject is the image). */
export function newestAttestedSbom(report: Pick<VerifyReport, 'digest' | 'accepted' | 'rejected'>): BaseSbom {
  const sboms = report.accepted.filter((a) => SBOM_PREDICATE_TYPES.includes(a.predicateType) && a.statement.predicate !== undefined);
  if (sboms.length === 0) {
    const setAside = report.rejected.length > 0 ? ` (${report.rejected.length} attestation(s) set aside)` : '';
    return { found: false, reason: `no SBOM attestation for ${report.digest} from a signer the policy allows${setAside}` };
  }
  const newest = [...sboms].sort((a, b) => b.signedAt.getTime() - a.signedAt.getTime())[0]!;
  return { found: true, digest: report.digest, predicateType: newest.predicateType, signedBy: describeSigner(newest.signer), document: newest.statement.predicate };
}

/** Verifies `imageRef` with the policy and takes its attested SBOM; an image that cannot be read is "not found", with the reason. */
export async function attestedBaseSbom(imageRef: string, policy: Policy, opts: VerifyImageOptions): Promise<BaseSbom> {
  let report: VerifyReport;
  try {
    report = await verifyImage(imageRef, policy, opts);
  } catch (err) {
    if (err instanceof UserError) return { found: false, reason: oneLine(err) };
    throw err;
  }
  return newestAttestedSbom(report);
}

/** The SBOM scanned offline with trivy and the head's cache dir (the same DB snapshot): trivy's JSON report. */
export async function rescanSbom(document: unknown, trivy: string, cacheDir: string): Promise<unknown> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ship-image-base-sbom-'));
  try {
    const sbomPath = path.join(dir, 'base.sbom.json');
    await writeFile(sbomPath, JSON.stringify(document));
    const result = await scanSbom({ binary: trivy, sbomPath, cacheDir, offline: true, ignoreUnfixed: false });
    return result.report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

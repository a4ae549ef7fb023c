import type { Logger } from '../../core/log';
import { ANNOTATION, PREDICATE, SIGSTORE_BUNDLE_V03 } from '../../oci/media-types';
import { listReferrers, removeReferrer } from '../../oci/referrers';
import type { RepositoryStore } from '../../oci/store';
import { expectedReferrers, type SignedAttestation } from './attest';

/**
 * Kyverno's ClusterPolicy judges *every* scan attestation of an image, so a scan superseded by a
 * newer one would keep failing admission once it ages. After a new scan is attached, older scan
 * referrers of the same subject are unlinked (fallback index) or deleted (referrers API).
 * Best effort: a registry that refuses deletes keeps them, with a warning.
 */
export async function supersedeOldScans(store: RepositoryStore, pushed: SignedAttestation[], indexDigest: string, logger: Logger): Promise<number> {
  // subject digest → the scan referrers this run attached to it (the index carries one per platform)
  const current = new Map<string, Set<string>>();
  for (const { subject, referrer } of expectedReferrers(pushed.filter((p) => p.kind === 'vulnerabilities'), indexDigest)) {
    current.set(subject, (current.get(subject) ?? new Set()).add(referrer));
  }
  let removed = 0;
  for (const [subject, ours] of current) {
    const referrers = await listReferrers(store, subject, { artifactType: SIGSTORE_BUNDLE_V03 });
    const stale = referrers.filter((r) => !ours.has(r.digest) && r.annotations?.[ANNOTATION.bundlePredicateType] === PREDICATE.vuln);
    for (const old of stale) {
      try {
        await removeReferrer(store, subject, old.digest, { logger });
        removed++;
      } catch (err) {
        logger.warn(`attest: could not remove superseded scan ${old.digest}: ${(err as Error).message}`);
      }
    }
  }
  if (removed > 0) logger.info(`attest: ${removed} superseded scan attestation(s) removed`);
  return removed;
}

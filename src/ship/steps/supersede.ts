import type { Logger } from '../../core/log';
import { PREDICATE } from '../../oci/media-types';
import { removeReferrer } from '../../oci/referrers';
import type { RepositoryStore } from '../../oci/store';
import type { BundleSigner } from '../../sign/bundle-signer';
import { expectedReferrers, type SignedAttestation } from './attest';
import { ownReferrers } from './own-referrers';

/**
 * Kyverno's ClusterPolicy judges *every* scan attestation of an image, so a scan superseded by a
 * newer one would keep failing admission once it ages. After a new scan is attached, older scan
 * referrers of the same subject made by the SAME signer (same key, or same certificate SAN and
 * issuer) are unlinked (fallback index) or deleted (referrers API). Another signer's scans are its
 * evidence, never ours to erase. Best effort: a registry that refuses deletes keeps them, with a warning.
 */
export async function supersedeOldScans(store: RepositoryStore, pushed: SignedAttestation[], indexDigest: string, signer: BundleSigner | undefined, logger: Logger): Promise<number> {
  if (!signer) {
    logger.warn('attest: superseded scans kept: the signer of this run could not be told from its bundles');
    return 0;
  }
  // subject digest → the scan referrers this run attached to it
  const current = new Map<string, Set<string>>();
  for (const { subject, referrer } of expectedReferrers(pushed.filter((p) => p.kind === 'vulnerabilities'), indexDigest)) {
    current.set(subject, (current.get(subject) ?? new Set()).add(referrer));
  }
  let removed = 0;
  for (const [subject, ours] of current) {
    const stale = (await ownReferrers(store, subject, PREDICATE.vuln, signer)).filter((r) => !ours.has(r.descriptor.digest));
    for (const old of stale) {
      try {
        await removeReferrer(store, subject, old.descriptor.digest, { logger });
        removed++;
      } catch (err) {
        logger.warn(`attest: could not remove superseded scan ${old.descriptor.digest}: ${(err as Error).message}`);
      }
    }
  }
  if (removed > 0) logger.info(`attest: ${removed} superseded scan attestation(s) of this signer removed`);
  return removed;
}

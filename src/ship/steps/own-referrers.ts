import type { Logger } from '../../core/log';
import { ANNOTATION, SIGSTORE_BUNDLE_V03 } from '../../oci/media-types';
import { listReferrers } from '../../oci/referrers';
import type { RepositoryStore } from '../../oci/store';
import type { Descriptor, ImageManifest } from '../../oci/types';
import { signedBy, type BundleSigner } from '../../sign/bundle-signer';

/** Kyverno ClusterPolicy refuses a bundle layer larger than this (cpol/cosign/sigstore.go). */
export const KYVERNO_MAX_BUNDLE_BYTES = 10_000_000;
/** ... and an image with more referrers than this. */
export const KYVERNO_MAX_REFERRERS = 50;

export interface OwnReferrer {
  descriptor: Descriptor;
  /** The signed statement (DSSE payload, parsed), or undefined when it is not JSON. */
  statement: unknown;
  bundle: unknown;
}

/**
 * The bundle referrers of `subject` with `predicateType` that `signer` made (see BundleSigner):
 * what a ship may supersede or reuse. Another signer's referrers are never returned. A referrer
 * that cannot be read (gone, oversized, not a bundle) is not ours.
 */
export async function ownReferrers(store: RepositoryStore, subject: string, predicateType: string, signer: BundleSigner, listed?: Promise<Descriptor[]>): Promise<OwnReferrer[]> {
  const candidates = (await (listed ?? listBundleReferrers(store, subject))).filter((d) => d.annotations?.[ANNOTATION.bundlePredicateType] === predicateType);
  const out: OwnReferrer[] = [];
  for (const descriptor of candidates) {
    try {
      const manifest = (await store.getManifest(descriptor.digest)).manifest as ImageManifest;
      const layer = manifest.layers?.[0];
      if (!layer || layer.size > KYVERNO_MAX_BUNDLE_BYTES) continue;
      const bundle = JSON.parse((await store.getBlob(layer, KYVERNO_MAX_BUNDLE_BYTES)).toString('utf8')) as { dsseEnvelope?: { payload?: string } };
      if (!signedBy(bundle, signer)) continue;
      let statement: unknown;
      try {
        statement = JSON.parse(Buffer.from(bundle.dsseEnvelope?.payload ?? '', 'base64').toString('utf8'));
      } catch {
        statement = undefined;
      }
      out.push({ descriptor, statement, bundle });
    } catch {
      continue;
    }
  }
  return out;
}

/** The Sigstore bundle referrers of `subject` (one listing, which several predicate types can share). */
export function listBundleReferrers(store: RepositoryStore, subject: string): Promise<Descriptor[]> {
  return listReferrers(store, subject, { artifactType: SIGSTORE_BUNDLE_V03 });
}

/**
 * Kyverno ClusterPolicy fails every rule of an image with more than 50 referrers. Another signer's
 * referrers are not ours to remove, so ship says so rather than pruning; returns the subjects over.
 * `listed`: each subject's referrers as last listed (by ensureReferrersListed).
 */
export function warnOverReferrerLimit(listed: ReadonlyMap<string, readonly Descriptor[]>, logger: Logger): string[] {
  const over: string[] = [];
  for (const [subject, descriptors] of listed) {
    const count = descriptors.length;
    if (count <= KYVERNO_MAX_REFERRERS) continue;
    over.push(subject);
    logger.warn(
      `attest: ${subject} has ${count} referrers, more than the ${KYVERNO_MAX_REFERRERS} Kyverno ClusterPolicy reads: it will refuse the image; remove attestations nobody needs (ship-image discover lists them)`,
    );
  }
  return over;
}

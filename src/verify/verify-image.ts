import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { isDigest } from '../oci/digest';
import { openImage } from '../oci/open';
import type { ReferrersSource } from '../oci/referrers';
import type { RegistryClient, RegistryClientOptions } from '../oci/registry';
import { NotFoundError } from '../oci/store';
import { evaluate } from '../policy/evaluate';
import { imageMatchesGlobs } from '../policy/glob';
import type { Policy, RejectedAttestation, RuleResult, VerifiedAttestation } from '../policy/types';
import { collectAttestations } from './collect';
import { trustedRootForPolicy } from './policy-root';

export interface VerifyImageOptions {
  /** Share one client (connections, tokens) across calls; otherwise one is made from `registry` and closed. */
  client?: RegistryClient;
  registry?: RegistryClientOptions;
  /** Overrides the policy's Sigstore root (required for `sigstore: github`). */
  trustedRoot?: TrustedRoot;
  /** The clock the rules use (scan age, CRITICAL grace). */
  now?: Date;
  logger?: Logger;
  /** Read cosign's legacy tags only to list them as set aside (default true; see CollectOptions.legacyTags). */
  legacyTags?: boolean;
}

/** What `verify` concluded about one image digest. */
export interface VerifyReport {
  /** The image as named (for a tag: the tag, resolved to `digest`). */
  image: string;
  digest: string;
  /** Set when `image` named a tag: the verdict is about `digest`, whatever the tag points at later. */
  resolvedFromTag?: string;
  allowed: boolean;
  mode: Policy['mode'];
  rules: RuleResult[];
  /** Attestations that verified and that the rules accepted (allowed signer, subject is the image). */
  accepted: VerifiedAttestation[];
  /** Everything set aside, with the reason: bundles that do not verify, other signers, other subjects, legacy tags. */
  rejected: RejectedAttestation[];
  referrersSource: ReferrersSource;
  now: Date;
}

/**
 * Verify an image against a policy: resolve the reference to a digest, verify every Sigstore bundle
 * referrer of that digest against the policy's trusted root, and evaluate the rules. Throws
 * UserError for what prevents a verdict (unknown image, image outside the policy, bad root).
 */
export async function verifyImage(imageRef: string, policy: Policy, opts: VerifyImageOptions = {}): Promise<VerifyReport> {
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? new Date();
  const trustedRoot = trustedRootForPolicy(policy, opts.trustedRoot);
  const image = openImage(imageRef, opts.registry ?? {}, opts.client);
  try {
    if (!imageMatchesGlobs(imageRef, policy.images) && !imageMatchesGlobs(image.display, policy.images)) {
      throw new UserError(`${image.display} is not covered by ${policy.source} (spec.images: ${policy.images.join(', ')}); verify it against the policy that applies to it`);
    }
    const collectOptions = { trustedRoot, keys: policy.keys, legacyTags: opts.legacyTags };
    // A digest names where its referrers are: they are asked for while the manifest's existence is
    // checked, one round trip instead of two (what a monitor sweep and a cold CLI wait on).
    const early = isDigest(image.reference) ? collectAttestations(image.store, image.reference, collectOptions) : undefined;
    early?.catch(() => undefined); // judged below, after the existence check
    let digest: string;
    try {
      digest = (await image.store.resolve(image.reference)).digest;
    } catch (err) {
      if (err instanceof NotFoundError) throw new UserError(`${image.display} not found; check the image reference`);
      throw err;
    }
    const resolvedFromTag = isDigest(image.reference) ? undefined : image.reference;
    if (resolvedFromTag) logger.info(`verify: ${image.display} is ${digest} now; the verdict is about that digest, not the tag`);

    const collected = await (early && digest === image.reference ? early : collectAttestations(image.store, digest, collectOptions));
    const result = evaluate(policy, { imageDigest: digest, now, attestations: collected.attestations, rejected: collected.rejected });
    return {
      image: image.display,
      digest,
      resolvedFromTag,
      allowed: result.allowed,
      mode: result.mode,
      rules: result.rules,
      accepted: result.accepted,
      rejected: result.rejected,
      referrersSource: collected.source,
      now,
    };
  } finally {
    image.close();
  }
}

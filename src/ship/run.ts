import { DeniedError } from '../core/errors';
import { applyTags } from '../build/apply-tags';
import { splitWorkflowRef } from '../attest/statements';
import { PREDICATE } from '../oci/media-types';
import { ensureReferrersListed } from '../oci/referrers';
import { isIndex, type Descriptor } from '../oci/types';
import { countBySeverity, failOnExceeded, type Vulnerability } from '../scan/vulnerability';
import type { Suppressions } from '../scan/suppressions';
import type { ShipInputs } from './inputs';
import { verifyCommands, type ShipOutputs, type VerifyHintInput } from './outputs';
import { oidcIssuer, planShip, type ShipEnvironment, type ShipPlan } from './plan';
import { bundleOwner, type ChosenSigner } from './signer';
import { preflight } from './preflight';
import { analyzeStep } from './steps/analyze';
import { checkBundleSizes, expectedReferrers, planAttestations, pushReferrers, signStatements, type SignedAttestation } from './steps/attest';
import { buildStep } from './steps/build';
import { legacyStep } from './steps/legacy';
import { warnOverReferrerLimit } from './steps/own-referrers';
import { supersedeOldScans } from './steps/supersede';

export interface ShipResult {
  outputs: ShipOutputs;
  /** Vulnerabilities at or above fail-on (after ignore-unfixed): non-empty means the gate failed. */
  offenders: Vulnerability[];
  vulnerabilities: Vulnerability[];
  /** The ignore-file and vex inputs as applied (and attested). */
  suppressions: Suppressions;
}

/** inputs → plan → preflight → build → SBOM + scan → sign + attest + push → extra tags → outputs. */
export async function ship(inputs: ShipInputs, world: ShipEnvironment): Promise<ShipResult> {
  const plan = await planShip(inputs, world);
  try {
    // Every input that can be checked without the registry is checked before the first push.
    const ready = await preflight(plan, world);
    const chosen = ready.signer;
    const built = await buildStep(plan, world);
    world.logger.info(`build: ${plan.target.name}:${plan.tags.immutableTag} is ${built.digest}`);

    // The SBOM pass is most of a ship: what does not feed it runs beside it, once it is on its way:
    // the image's descriptors, and what signing needs that does not depend on the image (a keyless
    // signer's token and certificate; a failed request is made again at signing, one that would
    // expire first is renewed).
    const analyzing = analyzeStep(plan, built, ready.scanner, world);
    void chosen?.signer.prepare?.().catch(() => undefined);
    const [described, analysed] = await Promise.allSettled([Promise.all([plan.store.resolve(built.digest), platformManifests(plan, built.digest)]), analyzing]);
    if (described.status === 'rejected') throw described.reason;
    if (analysed.status === 'rejected') throw analysed.reason;
    const [imageDescriptor, platformDescriptors] = described.value;
    const analysis = analysed.value;
    const vulnerabilities = analysis.platforms.flatMap((p) => p.vulnerabilities);
    const counts = countBySeverity(vulnerabilities);
    world.logger.info(`scan: ${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low, ${counts.unknown} unknown`);

    let attestations: SignedAttestation[] = [];
    if (chosen) {
      const planned = planAttestations(plan, built, analysis, imageDescriptor, platformDescriptors);
      attestations = await signStatements(plan, planned, chosen.signer, world);
      if (inputs.signatureFormat !== 'legacy') checkBundleSizes(attestations);
      const owner = bundleOwner(chosen, attestations);
      if (inputs.signatureFormat !== 'legacy') {
        attestations = await pushReferrers(plan, attestations, world, owner);
        world.logger.info(`attest: ${attestations.length} referrers in place on ${plan.target.name}`);
        await supersedeOldScans(plan.store, attestations, built.digest, owner, world.logger);
        const expected = expectedReferrers(attestations, built.digest);
        const listed = new Map<string, Descriptor[]>();
        await ensureReferrersListed(plan.store, expected, { logger: world.logger, listed });
        warnOverReferrerLimit(listed, world.logger);
      }
      if (inputs.signatureFormat !== 'bundle') await legacyStep(plan, built.digest, attestations, chosen.signer, world);
    } else {
      world.logger.warn('sign: none — the image carries no signature or attestation and will not pass a verify gate');
    }

    // Mutable tags last: they only ever name an image whose attestations are already in place.
    const extra = plan.tags.tags.filter((t) => t !== plan.tags.immutableTag);
    await applyTags(plan.store, built.digest, extra);

    const imageRef = `${plan.target.name}@${built.digest}`;
    const outputs: ShipOutputs = {
      image: plan.target.name,
      tag: plan.tags.immutableTag,
      digest: built.digest,
      platforms: built.platforms,
      referrers: referrerOutputs(attestations),
      vulnerabilities: counts,
      bundles: attestations.map((p) => p.bundlePath),
      verify: verifyCommands(verifyHintInput(plan, world, chosen, imageRef, attestations)),
    };
    const offenders = failOnExceeded(vulnerabilities, inputs.failOn, inputs.ignoreUnfixed);
    return { outputs, offenders, vulnerabilities, suppressions: plan.suppressions };
  } finally {
    plan.client?.close();
  }
}

/** The gate, decided after everything is attested: a failing image is still fully recorded. */
export function gate(result: ShipResult, failOn: ShipInputs['failOn']): void {
  if (result.offenders.length === 0) return;
  const ids = [...new Set(result.offenders.map((v) => v.id))];
  const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, and ${ids.length - 5} more` : '');
  throw new DeniedError(
    `${ids.length} vulnerabilit${ids.length === 1 ? 'y' : 'ies'} at or above ${failOn}: ${shown} (the image is pushed and attested; fix or raise fail-on)`,
  );
}

function verifyHintInput(plan: ShipPlan, world: ShipEnvironment, chosen: ChosenSigner | undefined, imageRef: string, attestations: SignedAttestation[]): VerifyHintInput {
  const { inputs, buildContext: ctx } = plan;
  const bundle = attestations[0]?.bundle;
  const job = ctx?.jobWorkflowRef ? splitWorkflowRef(ctx.jobWorkflowRef) : undefined;
  const signerWorkflow = job && ctx && job.repository.toLowerCase() !== ctx.repository.toLowerCase() ? `${job.repository}/${job.path}` : undefined;
  return {
    imageRef,
    ociLayout: plan.target.kind === 'oci-layout',
    plainHttp: plan.target.kind === 'registry' && plan.target.insecure,
    signatureFormat: inputs.signatureFormat,
    identity: chosen?.mode === 'keyless' && chosen.signer.identity ? { san: chosen.signer.identity, issuer: oidcIssuer(world.env) } : undefined,
    instance: chosen?.instance,
    keyPath: chosen?.publicKeyFile,
    rekor: (bundle?.verificationMaterial?.tlogEntries?.length ?? 0) > 0,
    timestamps: (bundle?.verificationMaterial?.timestampVerificationData?.rfc3161Timestamps?.length ?? 0) > 0,
    sbomPredicateType: inputs.sbomFormat === 'spdx' ? PREDICATE.spdx : PREDICATE.cyclonedx,
    provenance: attestations.some((a) => a.kind === 'provenance'),
    repository: ctx?.ci === 'github' ? ctx.repository : undefined,
    signerWorkflow,
  };
}

async function platformManifests(plan: ShipPlan, digest: string): Promise<Record<string, Descriptor>> {
  const fetched = await plan.store.getManifest(digest);
  if (!isIndex(fetched.manifest)) return {};
  const out: Record<string, Descriptor> = {};
  for (const d of fetched.manifest.manifests) {
    if (!d.platform || d.platform.os === 'unknown') continue; // buildx attestation manifests
    const key = [d.platform.os, d.platform.architecture, d.platform.variant].filter(Boolean).join('/');
    out[key] = d;
  }
  return out;
}

/**
 * kind → referrer digest; per-platform kinds of a multi-platform image as `platform=digest` pairs,
 * and the index's own scan (covering every platform) as `index=digest`.
 */
function referrerOutputs(attestations: SignedAttestation[]): ShipOutputs['referrers'] {
  const out: ShipOutputs['referrers'] = {};
  for (const p of attestations) {
    if (!p.referrerDigest) continue; // signature-format legacy: signed, but no referrer pushed
    const perPlatform = attestations.some((o) => o.kind === p.kind && o.platform);
    const value = p.platform ? `${p.platform}=${p.referrerDigest}` : perPlatform ? `index=${p.referrerDigest}` : p.referrerDigest;
    out[p.kind] = out[p.kind] ? `${out[p.kind]},${value}` : value;
  }
  return out;
}

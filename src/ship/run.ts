import { DeniedError } from '../core/errors';
import { applyTags } from '../build/apply-tags';
import { PREDICATE } from '../oci/media-types';
import { ensureReferrersListed } from '../oci/referrers';
import { isIndex, type Descriptor } from '../oci/types';
import { countBySeverity, failOnExceeded, type Vulnerability } from '../scan/vulnerability';
import type { ShipInputs } from './inputs';
import { verifyCommands, type ShipOutputs } from './outputs';
import { planShip, type ShipEnvironment, type ShipPlan } from './plan';
import { preflight } from './preflight';
import { analyzeStep } from './steps/analyze';
import { expectedReferrers, planAttestations, pushReferrers, signStatements, type SignedAttestation } from './steps/attest';
import { buildStep } from './steps/build';
import { legacyStep } from './steps/legacy';
import { supersedeOldScans } from './steps/supersede';

export interface ShipResult {
  outputs: ShipOutputs;
  /** Vulnerabilities at or above fail-on (after ignore-unfixed): non-empty means the gate failed. */
  offenders: Vulnerability[];
  vulnerabilities: Vulnerability[];
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

    const imageDescriptor = await plan.store.resolve(built.digest);
    const platformDescriptors = await platformManifests(plan, built.digest);
    const analysis = await analyzeStep(plan, built, ready.scanner, world);
    const vulnerabilities = analysis.platforms.flatMap((p) => p.vulnerabilities);
    const counts = countBySeverity(vulnerabilities);
    world.logger.info(`scan: ${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low, ${counts.unknown} unknown`);

    let attestations: SignedAttestation[] = [];
    if (chosen) {
      const planned = planAttestations(plan, built, analysis, imageDescriptor, platformDescriptors);
      attestations = await signStatements(plan, planned, chosen.signer, world);
      if (inputs.signatureFormat !== 'legacy') {
        attestations = await pushReferrers(plan, attestations, world);
        world.logger.info(`attest: ${attestations.length} referrers pushed to ${plan.target.name}`);
        await supersedeOldScans(plan.store, attestations, built.digest, world.logger);
        await ensureReferrersListed(plan.store, expectedReferrers(attestations, built.digest), { logger: world.logger });
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
      verify: verifyCommands({
        imageRef,
        identity: chosen?.mode === 'keyless' && chosen.signer.identity ? { san: chosen.signer.identity, issuer: issuerFor(world) } : undefined,
        keyPath: chosen?.publicKeyFile,
        sbomPredicateType: inputs.sbomFormat === 'spdx' ? PREDICATE.spdx : PREDICATE.cyclonedx,
        repository: plan.buildContext?.ci === 'github' ? plan.buildContext.repository : undefined,
      }),
    };
    const offenders = failOnExceeded(vulnerabilities, inputs.failOn, inputs.ignoreUnfixed);
    return { outputs, offenders, vulnerabilities };
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

function issuerFor(world: ShipEnvironment): string {
  return world.env.SHIP_IMAGE_OIDC_ISSUER ?? 'https://token.actions.githubusercontent.com';
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

/** kind → referrer digest; per-platform kinds of a multi-platform image as `platform=digest` pairs. */
function referrerOutputs(attestations: SignedAttestation[]): ShipOutputs['referrers'] {
  const out: ShipOutputs['referrers'] = {};
  for (const p of attestations) {
    if (!p.referrerDigest) continue; // signature-format legacy: signed, but no referrer pushed
    const value = p.platform ? `${p.platform}=${p.referrerDigest}` : p.referrerDigest;
    out[p.kind] = out[p.kind] ? `${out[p.kind]},${value}` : value;
  }
  return out;
}

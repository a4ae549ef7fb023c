import { UserError } from '../../core/errors';
import { parseJsonDocuments } from '../../core/json-documents';
import { PREDICATE } from '../../oci/media-types';
import type { Policy, PolicyIdentity } from '../types';

/** Engines the policy is translated for: the engine itself verifies. */
export type Engine = 'kyverno' | 'kyverno-ivp' | 'policy-controller';
export const ENGINES: readonly Engine[] = ['kyverno', 'kyverno-ivp', 'policy-controller'];

/** Integrations that call `ship-image serve`, which runs the verify core on the policy file itself. */
export type ServedEngine = 'gatekeeper' | 'webhook';
export const SERVED_ENGINES: readonly ServedEngine[] = ['gatekeeper', 'webhook'];

/** Kubernetes manifests (plain objects) plus what the engine could not express. */
export interface Rendered {
  documents: Array<Record<string, unknown>>;
  /** One line each; the CLI prints them to stderr. */
  warnings: string[];
}

export const MANAGED_BY_LABELS = { 'app.kubernetes.io/managed-by': 'ship-image' };
export const PUBLIC_GOOD_FULCIO = 'https://fulcio.sigstore.dev';
export const PUBLIC_GOOD_REKOR = 'https://rekor.sigstore.dev';
export const WEBHOOK_TIMEOUT_SECONDS = 30;

/** Every predicate type `verify` takes as SBOM evidence, with the short name renderers give it. */
export const SBOM_FORMATS: ReadonlyArray<{ name: string; predicateType: string }> = [
  { name: 'cyclonedx', predicateType: PREDICATE.cyclonedx },
  { name: 'spdx', predicateType: PREDICATE.spdx },
  { name: 'spdx23', predicateType: PREDICATE.spdxV23 },
];

export function requireSomething(policy: Policy, engine: Engine | ServedEngine): void {
  const r = policy.require;
  if (!r.signature && !r.sbom && !r.vulnerabilities) {
    throw new UserError(`${policy.source}: spec.require: every rule is off, so there is nothing to render for ${engine}; turn at least one on`);
  }
}

export function sbomEitherWarning(policy: Policy, engine: string): string[] {
  return policy.require.sbom
    ? [`${engine} cannot accept "CycloneDX or SPDX": the rendered policy requires a CycloneDX SBOM (https://cyclonedx.org/bom), which is what ship-image attests; SPDX-only images (https://spdx.dev/Document or .../v2.3) will be refused at admission`]
    : [];
}

/**
 * None of the engines' Sigstore-bundle paths reads certificate extensions: Kyverno (ClusterPolicy
 * SigstoreBundle and ImageValidatingPolicy) matches only issuer and subject, policy-controller's
 * identities have no such field. Rendering without the pins would admit what `verify` denies.
 */
export function refuseExtensionPins(policy: Policy, engine: string): void {
  const i = policy.identities.findIndex((id) => id.extensions && Object.keys(id.extensions).length > 0);
  if (i < 0) return;
  throw new UserError(
    `${policy.source}: spec.identities[${i}].extensions: ${engine} checks only the issuer and subject of a keyless signature, so it cannot enforce pinned certificate extensions; ` +
      `keep the pins in the policy 'ship-image verify' uses and render admission from a copy without them (see docs/admission.md)`,
  );
}

/** A keyless identity as the engines spell it: the issuer, and the subject or its regexp. */
export function identityFields(id: PolicyIdentity): { issuer: string; subject: string } | { issuer: string; subjectRegExp: string } {
  return id.subject !== undefined ? { issuer: id.issuer, subject: id.subject } : { issuer: id.issuer, subjectRegExp: id.subjectRegExp };
}

/** The policy's trusted roots, one JSON document each (a trusted_root.json, or each line of `gh attestation trusted-root`). */
export function trustedRootDocuments(policy: Policy): Array<{ json: string; hasTlogs: boolean }> {
  if (policy.sigstore.kind !== 'trustedRoot') return [];
  const docs = parseJsonDocuments(policy.sigstore.json) ?? [];
  return docs.map((doc) => {
    const tlogs = (doc as { tlogs?: unknown[] } | null)?.tlogs;
    return { json: JSON.stringify(doc), hasTlogs: Array.isArray(tlogs) && tlogs.length > 0 };
  });
}

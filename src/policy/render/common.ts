import { UserError } from '../../core/errors';
import type { Policy, PolicyIdentity } from '../types';

export type Engine = 'kyverno' | 'kyverno-ivp' | 'policy-controller';
export const ENGINES: readonly Engine[] = ['kyverno', 'kyverno-ivp', 'policy-controller'];

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

export function requireSomething(policy: Policy, engine: Engine): void {
  const r = policy.require;
  if (!r.signature && !r.sbom && !r.vulnerabilities) {
    throw new UserError(`${policy.source}: spec.require: every rule is off, so there is nothing to render for ${engine}; turn at least one on`);
  }
}

export function sbomEitherWarning(policy: Policy, engine: string): string[] {
  return policy.require.sbom
    ? [`${engine} cannot accept "CycloneDX or SPDX": the rendered policy requires a CycloneDX SBOM (https://cyclonedx.org/bom), which is what ship-image attests; SPDX-only images will be refused at admission`]
    : [];
}

/** A keyless identity as the engines spell it: the issuer, and the subject or its regexp. */
export function identityFields(id: PolicyIdentity): { issuer: string; subject: string } | { issuer: string; subjectRegExp: string } {
  return id.subject !== undefined ? { issuer: id.issuer, subject: id.subject } : { issuer: id.issuer, subjectRegExp: id.subjectRegExp };
}

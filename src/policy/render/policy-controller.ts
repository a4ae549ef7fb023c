// sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1, >= 0.13 for signatureFormat: bundle).
import { PREDICATE } from '../../oci/media-types';
import type { Policy, VulnerabilityRequirement } from '../types';
import { UserError } from '../../core/errors';
import { identityFields, MANAGED_BY_LABELS, PUBLIC_GOOD_FULCIO, refuseExtensionPins, requireSomething, SBOM_FORMATS, type Rendered } from './common';

/**
 * Rego (v0 syntax, package sigstore, rule isCompliant: what cosign's evaluator queries) over the whole
 * in-toto statement. A builtin error (missing or unparseable date) leaves a rule undefined, so
 * isCompliant stays false: no false allow.
 */
export function vulnerabilityRego(req: VulnerabilityRequirement): string {
  return `package sigstore

default isCompliant = false

max_scan_age_ns = ${req.maxScanAge.nanoseconds}

critical_grace_ns = ${req.criticalGrace.nanoseconds}

scan_fresh {
  time.now_ns() - time.parse_rfc3339_ns(input.predicate.metadata.scanFinishedOn) <= max_scan_age_ns
}

results_listed {
  is_array(input.predicate.scanner.result.Results)
}

malformed_vulnerability_lists[i] {
  r := input.predicate.scanner.result.Results[i]
  r.Vulnerabilities != null
  not is_array(r.Vulnerabilities)
}

published_within_grace(v) {
  time.now_ns() - time.parse_rfc3339_ns(v.PublishedDate) <= critical_grace_ns
}

old_criticals[v] {
  v := input.predicate.scanner.result.Results[_].Vulnerabilities[_]
  v.Severity == "CRITICAL"
  not published_within_grace(v)
}

isCompliant {
  scan_fresh
  results_listed
  count(malformed_vulnerability_lists) == 0
  count(old_criticals) == 0
}
`;
}

/** policy-controller's `*` stops at `/`; ours does not, and its `**` is ours. */
export function policyControllerGlob(glob: string): string {
  return glob.replace(/\*+/g, '**');
}

export function renderClusterImagePolicy(policy: Policy): Rendered {
  requireSomething(policy, 'policy-controller');
  const warnings: string[] = [];
  const trustRootRef = policy.sigstore.kind === 'public-good' ? undefined : `${policy.name}-trust-root`;
  if (trustRootRef) {
    warnings.push(`policy-controller needs a TrustRoot resource named ${trustRootRef} for spec.sigstore ${policy.sigstore.kind}; see docs/admission.md`);
  }
  if (policy.excludeNamespaces.length > 0) {
    warnings.push(`policy-controller cannot exclude namespaces in the policy: it only checks namespaces labelled policy.sigstore.dev/include=true; do not label ${policy.excludeNamespaces.join(', ')}`);
  }
  refuseExtensionPins(policy, 'policy-controller');
  if (policy.keys.length > 0) {
    throw new UserError(
      `${policy.source}: spec.keys: policy-controller verifies Sigstore bundles (signatureFormat: bundle) for keyless signers only, so it cannot admit a key-signed image; render --engine kyverno or kyverno-ivp, or drop spec.keys from the policy rendered for policy-controller`,
    );
  }
  // One authority per identity (cosign's bundle path checks one identity at a time), times one per
  // SBOM format. Authorities are OR'ed and the attestations inside one are AND'ed, which gives
  // "signature AND vuln AND (CycloneDX OR SPDX)" from any one allowed identity.
  const sbomFormats: Array<{ name: string; predicateType?: string }> = policy.require.sbom ? [...SBOM_FORMATS] : [{ name: '' }];
  const authorities: unknown[] = [];
  policy.identities.forEach((id, i) => {
    const keyless = { url: PUBLIC_GOOD_FULCIO, identities: [identityFields(id)], ...(trustRootRef ? { trustRootRef } : {}) };
    for (const format of sbomFormats) {
      const attestations: unknown[] = [];
      if (policy.require.signature) attestations.push({ name: 'signature', predicateType: PREDICATE.signature });
      if (format.predicateType) attestations.push({ name: 'sbom', predicateType: format.predicateType });
      if (policy.require.vulnerabilities) {
        attestations.push({ name: 'vuln', predicateType: PREDICATE.vuln, policy: { type: 'rego', data: vulnerabilityRego(policy.require.vulnerabilities) } });
      }
      authorities.push({ name: format.name ? `keyless${i}-${format.name}` : `keyless${i}`, keyless, signatureFormat: 'bundle', attestations });
    }
  });
  const document = {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: policy.name, labels: MANAGED_BY_LABELS },
    spec: {
      images: policy.images.map((g) => ({ glob: policyControllerGlob(g) })),
      mode: policy.mode === 'enforce' ? 'enforce' : 'warn',
      authorities,
    },
  };
  if (policy.require.vulnerabilities) {
    warnings.push('policy-controller admits an image when ANY verified scan passes (not the newest): prune superseded scans');
  }
  return { documents: [document], warnings };
}

// sigstore policy-controller ClusterImagePolicy (policy.sigstore.dev/v1beta1, >= 0.13 for signatureFormat: bundle).
import { PREDICATE } from '../../oci/media-types';
import type { Policy, VulnerabilityRequirement } from '../types';
import { identityFields, MANAGED_BY_LABELS, PUBLIC_GOOD_FULCIO, requireSomething, type Rendered } from './common';

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
  const signers: Array<{ name: string; signer: Record<string, unknown> }> = [];
  if (policy.identities.length > 0) {
    signers.push({
      name: 'keyless',
      signer: {
        keyless: {
          url: PUBLIC_GOOD_FULCIO,
          identities: policy.identities.map(identityFields),
          ...(trustRootRef ? { trustRootRef } : {}),
        },
      },
    });
  }
  policy.keys.forEach((k, i) =>
    signers.push({ name: `key${i}`, signer: { key: { data: k.pem, hashAlgorithm: 'sha256', ...(trustRootRef ? { trustRootRef } : {}) } } }),
  );

  // Authorities are OR'ed and the attestations inside one are AND'ed: one authority per
  // (signer, SBOM format) pair gives "signature AND vuln AND (CycloneDX OR SPDX)".
  const sbomFormats: Array<[string, string | undefined]> = policy.require.sbom
    ? [
        ['cyclonedx', PREDICATE.cyclonedx],
        ['spdx', PREDICATE.spdx],
      ]
    : [['', undefined]];
  const authorities: unknown[] = [];
  for (const { name, signer } of signers) {
    for (const [format, sbomType] of sbomFormats) {
      const attestations: unknown[] = [];
      if (policy.require.signature) attestations.push({ name: 'signature', predicateType: PREDICATE.signature });
      if (sbomType) attestations.push({ name: 'sbom', predicateType: sbomType });
      if (policy.require.vulnerabilities) {
        attestations.push({ name: 'vuln', predicateType: PREDICATE.vuln, policy: { type: 'rego', data: vulnerabilityRego(policy.require.vulnerabilities) } });
      }
      authorities.push({ name: format ? `${name}-${format}` : name, ...signer, signatureFormat: 'bundle', attestations });
    }
  }
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

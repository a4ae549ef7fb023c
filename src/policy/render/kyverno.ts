// Kyverno ClusterPolicy (kyverno.io/v1) with verifyImages type SigstoreBundle (Kyverno >= 1.13).
import { UserError } from '../../core/errors';
import { PREDICATE } from '../../oci/media-types';
import type { Policy, VulnerabilityRequirement } from '../types';
import { identityFields, MANAGED_BY_LABELS, PUBLIC_GOOD_REKOR, refuseExtensionPins, requireSomething, sbomEitherWarning, WEBHOOK_TIMEOUT_SECONDS, type Rendered } from './common';

export interface KyvernoCondition {
  key: string;
  operator: string;
  value: unknown;
  message?: string;
}

/**
 * JMESPath conditions over the vuln predicate. Kyverno evaluates them on EVERY verified statement of
 * the type, so a stale scan that was not pruned fails the pod. A CRITICAL without a parseable
 * PublishedDate makes time_before() error, and an erroring condition fails the rule: no false allow.
 */
function kyvernoVulnerabilityConditions(req: VulnerabilityRequirement): KyvernoCondition[] {
  const cutoff = `time_add(time_now_utc(), '-${req.criticalGrace.text}')`;
  return [
    {
      key: "{{ time_since('','{{metadata.scanFinishedOn}}','') }}",
      operator: 'LessThanOrEquals',
      value: req.maxScanAge.text,
      message: `the vulnerability scan is older than ${req.maxScanAge.text}; rescan the image`,
    },
    {
      key: `{{ scanner.result.Results[].Vulnerabilities[] | [?Severity=='CRITICAL' && time_before(PublishedDate, ${cutoff})] | length(@) }}`,
      operator: 'Equals',
      value: 0,
      message: `the image has a CRITICAL vulnerability published more than ${req.criticalGrace.text} ago`,
    },
  ];
}

function attestorSets(policy: Policy): unknown[] {
  const entries = [
    ...policy.identities.map((id) => ({
      // Kyverno's admission check wants a Rekor URL or roots on every keyless entry.
      keyless: { ...identityFields(id), rekor: { url: PUBLIC_GOOD_REKOR } },
    })),
    // Kyverno's bundle verifier demands a Rekor entry and an observer timestamp unless told otherwise
    // (pkg/cosign/sigstore.go buildVerifyOptions): a key whose signatures need no log says so.
    ...policy.keys.map((k) => ({
      keys: k.requireTlog
        ? { publicKeys: k.pem, rekor: { url: PUBLIC_GOOD_REKOR } }
        : { publicKeys: k.pem, rekor: { ignoreTlog: true }, ctlog: { ignoreSCT: true } },
    })),
  ];
  // count 1: any one allowed signer is enough (without it Kyverno requires every entry).
  return [{ count: 1, entries }];
}

export function renderKyvernoClusterPolicy(policy: Policy): Rendered {
  requireSomething(policy, 'kyverno');
  refuseExtensionPins(policy, 'Kyverno ClusterPolicy (type SigstoreBundle)');
  if (policy.sigstore.kind !== 'public-good') {
    throw new UserError(
      `${policy.source}: spec.sigstore: Kyverno ClusterPolicy (type SigstoreBundle) only trusts the public-good Sigstore root; render --engine kyverno-ivp (Kyverno >= 1.19, inline trustedRoot) instead`,
    );
  }
  const attestors = attestorSets(policy);
  const attestations: unknown[] = [];
  if (policy.require.signature) attestations.push({ type: PREDICATE.signature, attestors });
  if (policy.require.sbom) attestations.push({ type: PREDICATE.cyclonedx, attestors });
  if (policy.require.vulnerabilities) {
    attestations.push({ type: PREDICATE.vuln, attestors, conditions: [{ all: kyvernoVulnerabilityConditions(policy.require.vulnerabilities) }] });
  }
  const action = policy.mode === 'enforce' ? 'Enforce' : 'Audit';
  const rule: Record<string, unknown> = {
    name: 'ship-image',
    match: { any: [{ resources: { kinds: ['Pod'] } }] },
    verifyImages: [
      {
        type: 'SigstoreBundle',
        imageReferences: policy.images,
        failureAction: action,
        // Kyverno refuses mutateDigest with the Audit action.
        mutateDigest: action === 'Enforce',
        verifyDigest: true,
        required: true,
        attestations,
      },
    ],
  };
  if (policy.excludeNamespaces.length > 0) rule.exclude = { any: [{ resources: { namespaces: policy.excludeNamespaces } }] };
  const document = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: policy.name,
      labels: MANAGED_BY_LABELS,
      annotations: { 'policies.kyverno.io/title': `ship-image policy ${policy.name}`, 'policies.kyverno.io/minversion': '1.13.0' },
    },
    spec: {
      validationFailureAction: action,
      background: false,
      failurePolicy: 'Fail',
      webhookTimeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
      rules: [rule],
    },
  };
  return { documents: [document], warnings: sbomEitherWarning(policy, 'Kyverno ClusterPolicy') };
}

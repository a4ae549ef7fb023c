// Kyverno ImageValidatingPolicy (policies.kyverno.io/v1, Kyverno >= 1.17; inline trustedRoot >= 1.19), CEL.
import { UserError } from '../../core/errors';
import { PREDICATE } from '../../oci/media-types';
import type { Policy, VulnerabilityRequirement } from '../types';
import { identityFields, MANAGED_BY_LABELS, requireSomething, WEBHOOK_TIMEOUT_SECONDS, type Rendered } from './common';

const ALL_IMAGES = '(images.containers + images.initContainers + images.ephemeralContainers)';

function cosignTrust(policy: Policy): Record<string, unknown> {
  switch (policy.sigstore.kind) {
    case 'public-good':
      return {};
    case 'github':
      throw new UserError(
        `${policy.source}: spec.sigstore: ImageValidatingPolicy needs GitHub's trusted root inline; save it with 'gh attestation trusted-root > github-root.json' and set spec.sigstore: {trustedRoot: github-root.json}`,
      );
    case 'trustedRoot': {
      const root = JSON.parse(policy.sigstore.json) as { tlogs?: unknown[] };
      // A root without transparency logs (GitHub's private instance) can only be checked with its signed timestamps.
      const noTlog = !Array.isArray(root.tlogs) || root.tlogs.length === 0;
      return { trustedRoot: { value: policy.sigstore.json }, ...(noTlog ? { ctlog: { insecureIgnoreTlog: true } } : {}) };
    }
  }
}

/** CEL list of the attestors: `[attestors.keyless, attestors.key0, ...]`. */
function attestorList(policy: Policy): string {
  const names = [...(policy.identities.length > 0 ? ['keyless'] : []), ...policy.keys.map((_, i) => `key${i}`)];
  return `[${names.map((n) => `attestors.${n}`).join(', ')}]`;
}

function verified(attestation: string, attestors: string): string {
  return `verifyAttestationSignatures(image, attestations.${attestation}, ${attestors}) > 0`;
}

function ivpVulnerabilityExpressions(req: VulnerabilityRequirement, attestors: string): { fresh: string; noOldCritical: string } {
  const predicate = 'extractPayload(image, attestations.vuln).predicate';
  return {
    fresh: `${ALL_IMAGES}.all(image, ${verified('vuln', attestors)} && time.now() - timestamp(${predicate}.metadata.scanFinishedOn) <= duration('${req.maxScanAge.text}'))`,
    noOldCritical:
      `${ALL_IMAGES}.all(image, ${verified('vuln', attestors)} && ${predicate}.scanner.result.Results.all(r, ` +
      `!has(r.Vulnerabilities) || r.Vulnerabilities == null || r.Vulnerabilities.all(v, ` +
      `v.Severity != 'CRITICAL' || time.now() - timestamp(v.PublishedDate) <= duration('${req.criticalGrace.text}'))))`,
  };
}

export function renderKyvernoImageValidatingPolicy(policy: Policy): Rendered {
  requireSomething(policy, 'kyverno-ivp');
  const trust = cosignTrust(policy);
  const attestors: unknown[] = [];
  if (policy.identities.length > 0) {
    attestors.push({
      name: 'keyless',
      cosign: {
        keyless: { identities: policy.identities.map(identityFields) },
        ...trust,
      },
    });
  }
  policy.keys.forEach((k, i) => attestors.push({ name: `key${i}`, cosign: { key: { data: k.pem }, ...trust } }));
  const list = attestorList(policy);

  const attestations: Array<{ name: string; intoto: { type: string } }> = [];
  const validations: Array<{ expression: string; message: string }> = [];
  if (policy.require.signature) {
    attestations.push({ name: 'signature', intoto: { type: PREDICATE.signature } });
    validations.push({
      expression: `${ALL_IMAGES}.all(image, ${verified('signature', list)})`,
      message: `image is not signed (${PREDICATE.signature}) by an allowed identity`,
    });
  }
  if (policy.require.sbom) {
    attestations.push({ name: 'cyclonedx', intoto: { type: PREDICATE.cyclonedx } }, { name: 'spdx', intoto: { type: PREDICATE.spdx } });
    validations.push({
      expression: `${ALL_IMAGES}.all(image, ${verified('cyclonedx', list)} || ${verified('spdx', list)})`,
      message: 'image has no CycloneDX or SPDX SBOM attestation from an allowed identity',
    });
  }
  if (policy.require.vulnerabilities) {
    const req = policy.require.vulnerabilities;
    attestations.push({ name: 'vuln', intoto: { type: PREDICATE.vuln } });
    const { fresh, noOldCritical } = ivpVulnerabilityExpressions(req, list);
    validations.push(
      { expression: fresh, message: `image has no vulnerability scan from an allowed identity newer than ${req.maxScanAge.text}` },
      { expression: noOldCritical, message: `image has a CRITICAL vulnerability published more than ${req.criticalGrace.text} ago` },
    );
  }
  const enforce = policy.mode === 'enforce';
  const matchConstraints: Record<string, unknown> = {
    resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }],
  };
  if (policy.excludeNamespaces.length > 0) {
    matchConstraints.namespaceSelector = {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: policy.excludeNamespaces }],
    };
  }
  const document = {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: { name: policy.name, labels: MANAGED_BY_LABELS },
    spec: {
      validationActions: [enforce ? 'Deny' : 'Audit'],
      failurePolicy: 'Fail',
      webhookConfiguration: { timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS },
      evaluation: { background: { enabled: false } },
      matchConstraints,
      matchImageReferences: policy.images.map((glob) => ({ glob })),
      validationConfigurations: { mutateDigest: enforce, verifyDigest: true, required: true },
      attestors,
      attestations,
      validations,
    },
  };
  const warnings = policy.require.vulnerabilities
    ? ['ImageValidatingPolicy reads ONE scan attestation per image (the last one Kyverno verified), not the newest: prune superseded scans']
    : [];
  return { documents: [document], warnings };
}

// Kyverno ImageValidatingPolicy (policies.kyverno.io/v1, Kyverno >= 1.17; inline trustedRoot >= 1.19), CEL.
import { UserError } from '../../core/errors';
import { PREDICATE } from '../../oci/media-types';
import type { Policy, VulnerabilityRequirement } from '../types';
import { identityFields, MANAGED_BY_LABELS, refuseExtensionPins, requireSomething, SBOM_FORMATS, trustedRootDocuments, WEBHOOK_TIMEOUT_SECONDS, type Rendered } from './common';

const ALL_IMAGES = '(images.containers + images.initContainers + images.ephemeralContainers)';

interface Trust {
  /** Appended to attestor names when there are several roots; names are CEL identifiers (`attestors.<name>`), so no '-'. */
  suffix: string;
  fields: Record<string, unknown>;
  /** The root has no transparency log (GitHub's private instance): only signed timestamps. */
  noTlog: boolean;
}

/**
 * One entry per trusted root the policy names: IVP takes one root document per attestor, so the
 * JSON Lines `gh attestation trusted-root` prints (public-good and GitHub's) become one attestor each.
 */
function trusts(policy: Policy): Trust[] {
  switch (policy.sigstore.kind) {
    case 'public-good':
      return [{ suffix: '', fields: {}, noTlog: false }];
    case 'github':
      throw new UserError(
        `${policy.source}: spec.sigstore: ImageValidatingPolicy needs GitHub's trusted root inline; save it with 'gh attestation trusted-root > github-root.jsonl' and set spec.sigstore: {trustedRoot: github-root.jsonl}`,
      );
    case 'trustedRoot': {
      const roots = trustedRootDocuments(policy);
      return roots.map((root, j) => ({
        suffix: roots.length > 1 ? `_root${j}` : '',
        fields: { trustedRoot: { value: root.json } },
        noTlog: !root.hasTlogs,
      }));
    }
  }
}

interface Attestor {
  name: string;
  cosign: Record<string, unknown>;
}

/**
 * One attestor per (identity, root) and per (key, root): cosign's bundle path accepts one identity
 * per check, and a list of attestors passes when any one of them verifies.
 */
function renderAttestors(policy: Policy): Attestor[] {
  const out: Attestor[] = [];
  for (const trust of trusts(policy)) {
    policy.identities.forEach((id, i) => {
      const ctlog = trust.noTlog ? { ctlog: { insecureIgnoreTlog: true } } : {};
      out.push({ name: `keyless${i}${trust.suffix}`, cosign: { keyless: { identities: [identityFields(id)] }, ...trust.fields, ...ctlog } });
    });
    policy.keys.forEach((k, i) => {
      // A key that must be logged cannot be under a root without a log.
      if (k.requireTlog && trust.noTlog) return;
      // A key that needs no log: no Rekor entry and no SCT (keys have no certificate) to look for.
      const ctlog = k.requireTlog ? {} : { ctlog: { insecureIgnoreTlog: true, insecureIgnoreSCT: true } };
      out.push({ name: `key${i}${trust.suffix}`, cosign: { key: { data: k.pem }, ...trust.fields, ...ctlog } });
    });
  }
  return out;
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
  refuseExtensionPins(policy, 'Kyverno ImageValidatingPolicy');
  const attestors = renderAttestors(policy);
  const list = `[${attestors.map((a) => `attestors.${a.name}`).join(', ')}]`;

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
    for (const f of SBOM_FORMATS) attestations.push({ name: f.name, intoto: { type: f.predicateType } });
    validations.push({
      expression: `${ALL_IMAGES}.all(image, ${SBOM_FORMATS.map((f) => verified(f.name, list)).join(' || ')})`,
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

// OPA Gatekeeper (>= 3.11): a Provider (externaldata.gatekeeper.sh/v1beta1) pointing at
// `ship-image serve`, a ConstraintTemplate whose Rego asks it about every image, and the Constraint.
// Nothing is translated: serve runs the same verify core on the same policy file.
import type { Policy } from '../types';
import { MANAGED_BY_LABELS, requireSomething, type Rendered } from './common';
import { GATEKEEPER_REGO, globRegExp } from './gatekeeper-rego';
import { base64Pem, checkServeOptions, SERVE_PORT, serveWarnings, serveWorkload, type Doc, type ServeOptions } from './serve-workload';
import { WORKLOAD_KINDS } from './workload-kinds';

export const CONSTRAINT_KIND = 'ShipImageVerified';
export const GATEKEEPER_TARGET = 'admission.k8s.gatekeeper.sh';

export function renderGatekeeper(policy: Policy, o: ServeOptions): Rendered {
  requireSomething(policy, 'gatekeeper');
  checkServeOptions(policy, o);
  const provider = {
    apiVersion: 'externaldata.gatekeeper.sh/v1beta1',
    kind: 'Provider',
    metadata: { name: o.name, labels: MANAGED_BY_LABELS },
    spec: { url: `https://${o.name}.${o.namespace}:${SERVE_PORT}/gatekeeper`, timeout: o.timeoutSeconds, caBundle: base64Pem(o.caBundlePem) },
  };
  const template = {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: {
      name: CONSTRAINT_KIND.toLowerCase(),
      labels: MANAGED_BY_LABELS,
      annotations: { description: 'Admits a workload only when ship-image serve verifies every image the ship-image policy covers.' },
    },
    spec: {
      crd: {
        spec: {
          names: { kind: CONSTRAINT_KIND },
          validation: {
            legacySchema: false,
            openAPIV3Schema: {
              type: 'object',
              properties: {
                provider: { type: 'string', description: 'The Provider serving the ship-image policy.' },
                imagePatterns: { type: 'array', items: { type: 'string' }, description: 'Anchored RE2 patterns of the policy spec.images globs.' },
              },
            },
          },
        },
      },
      targets: [{ target: GATEKEEPER_TARGET, rego: GATEKEEPER_REGO }],
    },
  };
  const kinds: Doc[] = [{ apiGroups: [''], kinds: ['Pod'] }];
  if (!o.podsOnly) {
    for (const [group, ks] of WORKLOAD_KINDS) kinds.push({ apiGroups: [group], kinds: ks.map((k) => k.kind) });
  }
  const constraint = {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: CONSTRAINT_KIND,
    metadata: { name: policy.name, labels: MANAGED_BY_LABELS },
    spec: {
      // Audit mode: admitted with a warning to the client, and listed by Gatekeeper's audit.
      enforcementAction: policy.mode === 'enforce' ? 'deny' : 'warn',
      match: { kinds, excludedNamespaces: [...new Set([o.namespace, ...policy.excludeNamespaces])] },
      parameters: { provider: o.name, imagePatterns: policy.images.map(globRegExp) },
    },
  };
  return {
    documents: [...serveWorkload(policy, o, false), provider, template, constraint],
    warnings: [
      ...serveWarnings(o),
      `Gatekeeper admits on error unless its own webhook fails closed: install it with validatingWebhookFailurePolicy=Fail, and keep the Provider timeout (${o.timeoutSeconds}s) below validatingWebhookTimeoutSeconds (see docs/admission.md)`,
    ],
  };
}

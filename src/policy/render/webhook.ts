// A plain ValidatingWebhookConfiguration (admissionregistration.k8s.io/v1) calling `ship-image serve`
// at /validate, for clusters that run neither Kyverno nor Gatekeeper.
import { UserError } from '../../core/errors';
import type { Policy } from '../types';
import { MANAGED_BY_LABELS, requireSomething, type Rendered } from './common';
import { base64Pem, checkServeOptions, SERVE_PORT, serveWarnings, serveWorkload, type Doc, type ServeOptions } from './serve-workload';
import { WORKLOAD_KINDS } from './workload-kinds';

export type FailurePolicy = 'Fail' | 'Ignore';

export interface WebhookOptions extends ServeOptions {
  failurePolicy: FailurePolicy;
}

export function webhookRules(podsOnly: boolean): Doc[] {
  const rule = (group: string, resources: string[]) => ({ operations: ['CREATE', 'UPDATE'], apiGroups: [group], apiVersions: ['v1'], resources, scope: 'Namespaced' });
  // Ephemeral containers arrive through their own subresource, not as an update of the pod.
  const rules = [rule('', ['pods', 'pods/ephemeralcontainers'])];
  if (!podsOnly) for (const [group, kinds] of WORKLOAD_KINDS) rules.push(rule(group, kinds.map((k) => k.resource)));
  return rules;
}

export function renderWebhook(policy: Policy, o: WebhookOptions): Rendered {
  requireSomething(policy, 'webhook');
  checkServeOptions(policy, o);
  if (o.timeoutSeconds > 30) throw new UserError(`--timeout ${o.timeoutSeconds}: the API server allows a webhook at most 30 seconds`);
  const webhook = {
    name: `${policy.name}.verify.ship-image.dev`,
    clientConfig: {
      service: { namespace: o.namespace, name: o.name, path: '/validate', port: SERVE_PORT },
      caBundle: base64Pem(o.caBundlePem),
    },
    rules: webhookRules(o.podsOnly),
    failurePolicy: o.failurePolicy,
    matchPolicy: 'Equivalent',
    // Its own namespace stays out, or serve's pods could never start while serve is down.
    namespaceSelector: {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...new Set([o.namespace, ...policy.excludeNamespaces])] }],
    },
    sideEffects: 'None',
    timeoutSeconds: o.timeoutSeconds,
    admissionReviewVersions: ['v1'],
  };
  const configuration = {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: o.name, labels: MANAGED_BY_LABELS },
    webhooks: [webhook],
  };
  const warnings = [...serveWarnings(o)];
  if (o.failurePolicy === 'Ignore') warnings.push('failurePolicy Ignore: while serve is down or slower than timeoutSeconds, every pod is admitted unchecked');
  return { documents: [...serveWorkload(policy, o, policy.mode === 'audit'), configuration], warnings };
}

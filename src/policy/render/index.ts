import { inertText } from '../../core/untrusted-text';
import { Document } from 'yaml';
import type { Policy } from '../types';
import type { Engine, Rendered, ServedEngine } from './common';
import { renderGatekeeper } from './gatekeeper';
import { renderKyvernoClusterPolicy } from './kyverno';
import { renderKyvernoImageValidatingPolicy } from './kyverno-ivp';
import { renderClusterImagePolicy } from './policy-controller';
import { renderWebhook, type WebhookOptions } from './webhook';

export { ENGINES, SERVED_ENGINES, type Engine, type Rendered, type ServedEngine } from './common';
export { DEFAULT_SERVE_IMAGE, DEFAULT_SERVE_NAME, DEFAULT_SERVE_NAMESPACE, type ServeOptions } from './serve-workload';
export type { FailurePolicy, WebhookOptions } from './webhook';

export function renderPolicy(policy: Policy, engine: Engine): Rendered {
  switch (engine) {
    case 'kyverno':
      return renderKyvernoClusterPolicy(policy);
    case 'kyverno-ivp':
      return renderKyvernoImageValidatingPolicy(policy);
    case 'policy-controller':
      return renderClusterImagePolicy(policy);
  }
}

/** The comment on top of rendered manifests: where they came from, and not to edit them. */
export function renderHeader(engine: string, policyFile: string): string {
  return `Rendered by 'ship-image policy render --engine ${engine}' from ${inertText(policyFile, { max: 1000 })}.\nEdit the policy file and render again instead of editing this.`;
}

/** The serve workload and the engine's resources that call it (`failurePolicy` is the webhook's only). */
export function renderServed(policy: Policy, engine: ServedEngine, options: WebhookOptions): Rendered {
  switch (engine) {
    case 'gatekeeper':
      return renderGatekeeper(policy, options);
    case 'webhook':
      return renderWebhook(policy, options);
  }
}

/** Multi-document YAML, each document starting with `---`. */
export function toYaml(documents: ReadonlyArray<Record<string, unknown>>, header?: string): string {
  const body = documents.map((d) => '---\n' + new Document(d).toString({ lineWidth: 0 })).join('');
  return header ? header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' + body : body;
}

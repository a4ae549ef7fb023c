import { inertText } from '../../core/untrusted-text';
import { Document } from 'yaml';
import type { Policy } from '../types';
import type { Engine, Rendered } from './common';
import { renderKyvernoClusterPolicy } from './kyverno';
import { renderKyvernoImageValidatingPolicy } from './kyverno-ivp';
import { renderClusterImagePolicy } from './policy-controller';

export { ENGINES, type Engine, type Rendered } from './common';

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
export function renderHeader(engine: Engine, policyFile: string): string {
  return `Rendered by 'ship-image policy render --engine ${engine}' from ${inertText(policyFile, { max: 1000 })}.\nEdit the policy file and render again instead of editing this.`;
}

/** Multi-document YAML, each document starting with `---`. */
export function toYaml(documents: ReadonlyArray<Record<string, unknown>>, header?: string): string {
  const body = documents.map((d) => '---\n' + new Document(d).toString({ lineWidth: 0 })).join('');
  return header ? header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' + body : body;
}

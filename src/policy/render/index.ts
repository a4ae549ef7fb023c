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

/** Multi-document YAML, each document starting with `---`. */
export function toYaml(documents: ReadonlyArray<Record<string, unknown>>, header?: string): string {
  const body = documents.map((d) => '---\n' + new Document(d).toString({ lineWidth: 0 })).join('');
  return header ? header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' + body : body;
}

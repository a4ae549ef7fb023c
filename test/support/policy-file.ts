// A ship-image policy file written for a test: the spec fields a test varies, in the order
// docs/policy.md lists them.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface PolicyFileSpec {
  images: string;
  mode?: string;
  /** spec.sigstore.trustedRoot; omitted: the policy's default root. */
  trustedRoot?: string;
  /** YAML flow mappings, one identity each. */
  identities?: string[];
  keys?: string[];
  /** The lines under `require:`, without indentation (e.g. 'sbom: true'). */
  require: string[];
}

/** Writes `dir/<name>.yaml` and returns its path. */
export function writePolicyFile(dir: string, name: string, spec: PolicyFileSpec): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'apiVersion: ship-image/v1',
      'kind: Policy',
      `metadata: {name: ${name}}`,
      'spec:',
      `  images: ["${spec.images}"]`,
      ...(spec.mode ? [`  mode: ${spec.mode}`] : []),
      ...(spec.trustedRoot ? [`  sigstore: {trustedRoot: ${JSON.stringify(spec.trustedRoot)}}`] : []),
      ...(spec.identities ? ['  identities:', ...spec.identities.map((id) => `    - ${id}`)] : []),
      ...(spec.keys ? [`  keys: [${spec.keys.join(', ')}]`] : []),
      '  require:',
      ...spec.require.map((line) => `    ${line}`),
      '',
    ].join('\n'),
  );
  return file;
}

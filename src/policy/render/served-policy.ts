// The policy file `ship-image serve` reads inside the cluster, written back from the loaded policy.
// Keys and trusted roots are files beside it; a ConfigMap key cannot hold a `/`, so they get flat
// names and the policy points at those, which is why the text is regenerated rather than copied.
import { Document } from 'yaml';
import type { Policy } from '../types';

export const SERVED_POLICY_FILE = 'policy.yaml';
export const SERVED_TRUSTED_ROOT_FILE = 'trusted-root.json';

/** ConfigMap data: file name -> text. */
export type ServedFiles = Record<string, string>;

export function servedKeyFile(index: number): string {
  return `key${index}.pub`;
}

/**
 * The policy and every file it references. `trustedRoot` is what `serve --trusted-root` reads for
 * `sigstore: github`, whose root ship-image does not ship.
 */
export function servedPolicyFiles(policy: Policy, trustedRoot?: string): ServedFiles {
  const files: ServedFiles = {};
  const spec: Record<string, unknown> = { images: policy.images };
  if (policy.excludeNamespaces.length > 0) spec.exclude = { namespaces: policy.excludeNamespaces };
  spec.mode = policy.mode;
  if (policy.sigstore.kind === 'trustedRoot') {
    files[SERVED_TRUSTED_ROOT_FILE] = policy.sigstore.json;
    spec.sigstore = { trustedRoot: SERVED_TRUSTED_ROOT_FILE };
  } else {
    spec.sigstore = policy.sigstore.kind;
    if (policy.sigstore.kind === 'github' && trustedRoot !== undefined) files[SERVED_TRUSTED_ROOT_FILE] = trustedRoot;
  }
  if (policy.identities.length > 0) {
    spec.identities = policy.identities.map((id) => ({
      issuer: id.issuer,
      ...(id.subject !== undefined ? { subject: id.subject } : { subjectRegExp: id.subjectRegExp }),
      ...(id.extensions && Object.keys(id.extensions).length > 0 ? { extensions: { ...id.extensions } } : {}),
    }));
  }
  if (policy.keys.length > 0) {
    spec.keys = policy.keys.map((k, i) => {
      files[servedKeyFile(i)] = k.pem;
      return k.requireTlog ? { path: servedKeyFile(i), requireTlog: true } : servedKeyFile(i);
    });
  }
  const v = policy.require.vulnerabilities;
  spec.require = {
    signature: policy.require.signature,
    sbom: policy.require.sbom,
    vulnerabilities: v ? { maxScanAge: v.maxScanAge.text, criticalGrace: v.criticalGrace.text } : false,
  };
  const doc = { apiVersion: 'ship-image/v1', kind: 'Policy', metadata: { name: policy.name }, spec };
  files[SERVED_POLICY_FILE] =
    `# Written by 'ship-image policy render' from ${policy.source.replace(/[\r\n]/g, ' ')}; edit that file and render again.\n` +
    new Document(doc).toString({ lineWidth: 0 });
  return files;
}

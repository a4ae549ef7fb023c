import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { UserError } from '../core/errors';
import type { Policy } from '../policy/types';
import { loadTrustedRoot, parseTrustedRootText } from './trusted-root';

let publicGood: TrustedRoot | undefined;
const byText = new Map<string, TrustedRoot>();
const MAX_CACHED_ROOTS = 16;

/**
 * The TrustedRoot a policy's `spec.sigstore` names. GitHub's own instance has no root shipped in any
 * package we can read offline, so `github` needs the root given explicitly (`override`, e.g. from
 * `--trusted-root` fed with `gh attestation trusted-root`). An override always wins.
 */
export function trustedRootForPolicy(policy: Pick<Policy, 'sigstore' | 'source'>, override?: TrustedRoot): TrustedRoot {
  if (override) return override;
  switch (policy.sigstore.kind) {
    case 'public-good':
      return (publicGood ??= loadTrustedRoot({ kind: 'public-good' }));
    case 'trustedRoot': {
      // One object per root text, so verification results can be cached per root (see collect.ts).
      const text = policy.sigstore.json;
      let root = byText.get(text);
      if (!root) {
        root = loadTrustedRoot({ kind: 'json', json: parseTrustedRootText(text, policy.source) });
        if (byText.size >= MAX_CACHED_ROOTS) byText.clear();
        byText.set(text, root);
      }
      return root;
    }
    case 'github':
      throw new UserError(
        `${policy.source}: spec.sigstore is github, whose trusted root is not shipped; save it with 'gh attestation trusted-root > github-root.jsonl' and pass --trusted-root github-root.jsonl (or set sigstore: {trustedRoot: FILE})`,
      );
  }
}

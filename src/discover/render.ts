import { inertDeep, inertText } from '../core/untrusted-text';
import type { DiscoverNode, DiscoverTree } from './tree';

// Every string in the tree came from a registry (or the user, for `reference`): untrusted text.
const FIELD_MAX = 200;
const JSON_FIELD_MAX = 1000;
const t = (s: string) => inertText(s, { max: FIELD_MAX });

/**
 * The tree as text, one line per node:
 *
 *   registry/repo:tag@sha256:… application/vnd.oci.image.manifest.v1+json 1234 bytes
 *   ├── application/vnd.dev.sigstore.bundle.v0.3+json sha256:… [fallback-tag]
 *   │       predicateType=https://slsa.dev/provenance/v1 created=2026-01-01T00:00:00Z size=1234
 *   └── application/vnd.dev.cosign.simplesigning.v1+json sha256:… [cosign-tag sha256-….sig]
 *           signer=URI:https://github.com/… size=250
 *
 * Each node's second line, indented under it, carries its details.
 */
export function renderText(tree: DiscoverTree): string {
  const lines = [`${t(tree.reference.includes('@') ? tree.reference : `${tree.reference}@${tree.digest}`)} ${t(tree.mediaType)} ${tree.size} bytes`];
  if (tree.referrers.length === 0) lines.push('└── (nothing attached: no referrers, no cosign tags)');
  renderChildren(tree.referrers, '', lines);
  return lines.join('\n') + '\n';
}

export function renderJson(tree: DiscoverTree): string {
  return JSON.stringify(inertDeep(tree, { max: JSON_FIELD_MAX }), null, 2) + '\n';
}

function renderChildren(nodes: DiscoverNode[], prefix: string, lines: string[]): void {
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    lines.push(`${prefix}${last ? '└── ' : '├── '}${headline(node)}`);
    const childPrefix = prefix + (last ? '    ' : '│   ');
    const details = detailLine(node);
    if (details) lines.push(`${childPrefix}${node.referrers.length > 0 || node.truncated ? '│   ' : '    '}${details}`);
    renderChildren(node.referrers, childPrefix, lines);
    if (node.truncated) lines.push(`${childPrefix}└── … (more below the depth limit)`);
  });
}

function headline(node: DiscoverNode): string {
  const where = node.source === 'cosign-tag' ? `[cosign-tag ${t(node.tag ?? '')}]` : `[${node.source}]`;
  return `${t(node.artifactType ?? node.mediaType)} ${t(node.digest)} ${where}`;
}

function detailLine(node: DiscoverNode): string {
  const parts: string[] = [];
  if (node.predicateType) parts.push(`predicateType=${t(node.predicateType)}`);
  if (node.created) parts.push(`created=${t(node.created)}`);
  if (node.signer) parts.push(`signer=${t(node.signer)}`);
  parts.push(`size=${node.size}`);
  return parts.join(' ');
}

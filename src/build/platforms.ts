import type { RepositoryStore } from '../oci/store';
import { isIndex, type Descriptor, type Platform } from '../oci/types';

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** `linux/arm64/v8` from a platform object. */
export function platformString(p: Pick<Platform, 'os' | 'architecture' | 'variant'>): string {
  return [p.os, p.architecture, p.variant].filter((s) => s && s.length > 0).join('/');
}

/**
 * platform → manifest digest for what `digest` names in `store`: the children of an index (skipping
 * entries without a platform and BuildKit's `unknown/unknown` attestation manifests), or the one
 * platform of an image manifest, read from its config.
 */
export async function platformDigests(store: RepositoryStore, digest: string): Promise<{ descriptor: Descriptor; platforms: Record<string, string> }> {
  const fetched = await store.getManifest(digest);
  const platforms: Record<string, string> = {};
  if (isIndex(fetched.manifest)) {
    for (const child of fetched.manifest.manifests) {
      if (!child.platform || child.platform.os === 'unknown') continue;
      platforms[platformString(child.platform)] ??= child.digest;
    }
  } else {
    const config = await store.getBlob(fetched.manifest.config, MAX_CONFIG_BYTES);
    const parsed = JSON.parse(config.toString('utf8')) as Partial<Platform>;
    if (typeof parsed.os === 'string' && typeof parsed.architecture === 'string') {
      platforms[platformString({ os: parsed.os, architecture: parsed.architecture, variant: parsed.variant })] = digest;
    }
  }
  return { descriptor: fetched.descriptor, platforms };
}

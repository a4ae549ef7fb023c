import type { RepositoryStore } from '../oci/store';

/**
 * Point each of `tags` at the manifest `digest` already in `store`, by re-putting its exact bytes
 * (so the digest cannot change). Used for the extra tags, and after a push by digest.
 */
export async function applyTags(store: RepositoryStore, digest: string, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  const fetched = await store.getManifest(digest);
  for (const tag of tags) {
    const put = await store.putManifest(fetched.bytes, fetched.descriptor.mediaType, tag);
    if (put.descriptor.digest !== digest) {
      throw new Error(`tagging ${store.location}:${tag} gave digest ${put.descriptor.digest}, not ${digest}`);
    }
  }
}

// How old a running image is: the build time its verified provenance states, else the
// `org.opencontainers.image.created` label of its config. Reproducible builds stamp 1970 (or
// SOURCE_DATE_EPOCH of an old commit); any time before 2000 says nothing about age.
import { PREDICATE } from '../oci/media-types';
import type { RepositoryStore } from '../oci/store';
import { isIndex } from '../oci/types';
import type { VerifiedAttestation } from '../policy/types';
import type { ImageRecord } from './model';

export const CREATED_LABEL = 'org.opencontainers.image.created';
const EARLIEST_MEANINGFUL = Date.parse('2000-01-01T00:00:00Z');
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** A usable build time, or undefined (unparseable, pre-2000, or in the future by more than a day). */
export function meaningfulTime(value: unknown, now: Date): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || t < EARLIEST_MEANINGFUL || t > now.getTime() + 86_400_000) return undefined;
  return new Date(t);
}

/** The newest build time stated by a verified SLSA provenance (finishedOn, else startedOn). */
export function provenanceBuildTime(accepted: readonly VerifiedAttestation[], now: Date): Date | undefined {
  let best: Date | undefined;
  for (const a of accepted) {
    if (a.predicateType !== PREDICATE.slsaProvenance) continue;
    const metadata = (a.statement.predicate as { runDetails?: { metadata?: { startedOn?: unknown; finishedOn?: unknown } } } | undefined)?.runDetails?.metadata;
    const t = meaningfulTime(metadata?.finishedOn, now) ?? meaningfulTime(metadata?.startedOn, now);
    if (t && (!best || t > best)) best = t;
  }
  return best;
}

/** The created label of the image's config (the first platform's, for an index). */
export async function createdLabel(store: RepositoryStore, digest: string): Promise<string | undefined> {
  let { manifest } = await store.getManifest(digest);
  if (isIndex(manifest)) {
    const first = manifest.manifests.find((m) => !m.platform || m.platform.os !== 'unknown');
    if (!first) return undefined;
    manifest = (await store.getManifest(first.digest)).manifest;
    if (isIndex(manifest)) return undefined;
  }
  const config = JSON.parse((await store.getBlob(manifest.config, MAX_CONFIG_BYTES)).toString('utf8')) as { config?: { Labels?: Record<string, unknown> } };
  const value = config.config?.Labels?.[CREATED_LABEL];
  return typeof value === 'string' ? value : undefined;
}

/** The record's age: from provenance, else from the label; stale when older than `maxAgeMs`. */
export function judgeAge(provenance: Date | undefined, label: string | undefined, now: Date, maxAgeMs: number): ImageRecord['age'] {
  const fromLabel = provenance ? undefined : meaningfulTime(label, now);
  const builtAt = provenance ?? fromLabel;
  if (!builtAt) return { stale: false };
  return { builtAt: builtAt.toISOString(), source: provenance ? 'provenance' : 'label', stale: now.getTime() - builtAt.getTime() > maxAgeMs };
}

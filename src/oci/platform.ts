import { UserError } from '../core/errors';
import type { Descriptor, ImageIndex, Platform } from './types';

/** `linux/amd64`, `linux/arm64/v8`, `linux/arm/v7` → its parts. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new UserError(`invalid platform '${spec}'; use os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  const platform: Platform = { os: os.toLowerCase(), architecture: architecture.toLowerCase() };
  if (variant) platform.variant = variant.toLowerCase();
  return platform;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

// Variants an architecture has when none is written (containerd's normalisation).
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

function sameVariant(architecture: string, a: string | undefined, b: string | undefined): boolean {
  const fallback = DEFAULT_VARIANT[architecture];
  return (a ?? fallback) === (b ?? fallback);
}

/**
 * The manifest of `index` for `platform` ("linux/amd64[/variant]"). Without a variant in the
 * request, the architecture's default variant is preferred, else the first entry for os/arch.
 * Throws a UserError listing what the index offers.
 */
export function selectPlatform(index: ImageIndex, platform: string): Descriptor {
  const want = parsePlatform(platform);
  const candidates = index.manifests.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture);
  const exact = candidates.find((m) => sameVariant(want.architecture, m.platform?.variant, want.variant));
  const chosen = exact ?? (want.variant === undefined ? candidates[0] : undefined);
  if (chosen) return chosen;
  const offered = index.manifests
    .filter((m) => m.platform && m.platform.os !== 'unknown')
    .map((m) => formatPlatform(m.platform as Platform));
  throw new UserError(
    `the image index has no manifest for platform ${formatPlatform(want)} (it has: ${offered.length ? offered.join(', ') : 'none'}); choose one of those platforms`,
  );
}

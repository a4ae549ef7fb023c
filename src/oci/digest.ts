import { createHash } from 'node:crypto';

const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function sha256Digest(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** Digest of `data` with the algorithm `expected` names. */
export function digestOf(data: Buffer, algorithm: string): string {
  return `${algorithm}:` + createHash(algorithm).update(data).digest('hex');
}

/** `sha256:abc` -> `sha256-abc`, the referrers fallback tag (distribution-spec 1.1). */
export function fallbackTag(digest: string): string {
  return digest.replace(':', '-');
}

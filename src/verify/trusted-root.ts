import { TrustedRoot } from '@sigstore/protobuf-specs';
import seeds from '@sigstore/tuf/seeds.json';
import { UserError } from '../core/errors';
import { parseJsonDocuments } from '../core/json-documents';
import { READ_CAPS, readTextCapped } from '../core/read-capped';

/**
 * Where the roots of trust come from:
 * - `public-good`: the sigstore.dev TrustedRoot shipped inside @sigstore/tuf (offline; as fresh as
 *   that package release);
 * - `file`: a `trusted_root.json`, or the JSON Lines `gh attestation trusted-root` prints (which holds
 *   both public-good and GitHub's roots; that is how GitHub's private instance is trusted);
 * - `json`: an already parsed TrustedRoot document (or several).
 */
export type TrustedRootSource =
  | { kind: 'public-good' }
  | { kind: 'file'; path: string }
  | { kind: 'json'; json: unknown };

const PUBLIC_GOOD_TUF_MIRROR = 'https://tuf-repo-cdn.sigstore.dev';

/** The public-good TrustedRoot JSON document shipped in @sigstore/tuf's seeds. */
export function publicGoodTrustedRootJSON(): unknown {
  const seed = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_TUF_MIRROR];
  const encoded = seed?.targets?.['trusted_root.json'];
  if (!encoded) throw new Error('@sigstore/tuf ships no public-good trusted_root.json');
  return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
}

/** Parse a file's text: one JSON document, or JSON Lines of documents. */
export function parseTrustedRootText(text: string, origin: string): unknown[] {
  const docs = parseJsonDocuments(text);
  if (!docs) throw new UserError(`${origin} is not a TrustedRoot JSON document (nor JSON Lines of them); pass trusted_root.json or the output of 'gh attestation trusted-root'`);
  return docs;
}

function toTrustedRoot(json: unknown, origin: string): TrustedRoot {
  const doc = json as { mediaType?: unknown; certificateAuthorities?: unknown };
  if (!doc || typeof doc !== 'object' || typeof doc.mediaType !== 'string' || !doc.mediaType.includes('trustedroot')) {
    throw new UserError(`${origin} is not a Sigstore TrustedRoot (mediaType ...trustedroot...); pass a trusted_root.json`);
  }
  const missingStart = missingValidityStart(json);
  if (missingStart) throw new UserError(`${origin}: ${missingStart} has a validity window without a start; the trusted root is malformed, fetch it again`);
  try {
    return TrustedRoot.fromJSON(json);
  } catch (err) {
    throw new UserError(`${origin} is not a valid TrustedRoot: ${(err as Error).message}; pass a trusted_root.json`);
  }
}

/**
 * A log key or authority whose `validFor` lacks its required start would be trusted from the
 * beginning of time by the verifier: refuse the root instead (sigstore-conformance checks this).
 */
function missingValidityStart(json: unknown): string | undefined {
  type Range = { start?: unknown } | undefined;
  const doc = json as Record<string, Array<{ publicKey?: { validFor?: Range }; validFor?: Range }> | undefined>;
  for (const field of ['tlogs', 'ctlogs']) {
    for (const [i, log] of (doc[field] ?? []).entries()) {
      if (typeof log?.publicKey?.validFor?.start !== 'string') return `${field}[${i}].publicKey.validFor`;
    }
  }
  for (const field of ['certificateAuthorities', 'timestampAuthorities']) {
    for (const [i, ca] of (doc[field] ?? []).entries()) {
      if (ca?.validFor !== undefined && typeof ca.validFor.start !== 'string') return `${field}[${i}].validFor`;
    }
  }
  return undefined;
}

/** Several roots act as one: any of their CAs, logs and TSAs is trusted. */
export function mergeTrustedRoots(roots: TrustedRoot[]): TrustedRoot {
  return {
    mediaType: roots[0]?.mediaType ?? 'application/vnd.dev.sigstore.trustedroot.v0.2+json',
    tlogs: roots.flatMap((r) => r.tlogs),
    certificateAuthorities: roots.flatMap((r) => r.certificateAuthorities),
    ctlogs: roots.flatMap((r) => r.ctlogs),
    timestampAuthorities: roots.flatMap((r) => r.timestampAuthorities),
  };
}

export function loadTrustedRoot(source: TrustedRootSource): TrustedRoot {
  switch (source.kind) {
    case 'public-good':
      return toTrustedRoot(publicGoodTrustedRootJSON(), 'the public-good trusted root');
    case 'file': {
      const text = readTextCapped(source.path, READ_CAPS.trustedRoot, { what: 'the trusted root' });
      return mergeTrustedRoots(parseTrustedRootText(text, source.path).map((doc) => toTrustedRoot(doc, source.path)));
    }
    case 'json': {
      const docs = Array.isArray(source.json) ? source.json : [source.json];
      return mergeTrustedRoots(docs.map((doc) => toTrustedRoot(doc, 'the trusted root')));
    }
  }
}

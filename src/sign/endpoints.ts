import { UserError } from '../core/errors';

export interface SigstoreEndpoints {
  /** `public-good` (sigstore.dev), `github` (GitHub's private instance) or `custom` (explicit URLs). */
  instance: 'public-good' | 'github' | 'custom';
  fulcioURL: string;
  /** Transparency log; absent on GitHub's instance, which timestamps instead. */
  rekorURL?: string;
  /** RFC 3161 timestamp authority. */
  tsaURL?: string;
}

export const PUBLIC_GOOD_ENDPOINTS: SigstoreEndpoints = {
  instance: 'public-good',
  fulcioURL: 'https://fulcio.sigstore.dev',
  rekorURL: 'https://rekor.sigstore.dev',
};

export const GITHUB_ENDPOINTS: SigstoreEndpoints = {
  instance: 'github',
  fulcioURL: 'https://fulcio.githubapp.com',
  tsaURL: 'https://timestamp.githubapp.com',
};

export interface EndpointChoice {
  /** The repository's visibility, when confirmed (the job token's `repository_visibility`, or the user's choice). */
  visibility?: string;
  /** Explicit URLs win over the choice by visibility; an empty string removes that service. */
  fulcioURL?: string;
  rekorURL?: string;
  tsaURL?: string;
}

/** An http(s) URL of a Sigstore service, without trailing slashes; anything else is a UserError. */
export function checkServiceURL(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${what} '${url}' is not a URL; pass an https:// URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UserError(`${what} '${url}' is not http(s); pass an https:// URL`);
  return url.replace(/\/+$/, '');
}

/**
 * Public repositories sign on the public-good instance (Fulcio + Rekor); private and internal ones
 * on GitHub's (Fulcio + TSA, no public log, so nothing about the repository becomes public). An
 * unknown visibility fails closed: only explicitly given URLs are used, and with none of them this
 * is an error, never a guess that could publish a private repository's name in Rekor.
 */
export function resolveEndpoints(choice: EndpointChoice = {}): SigstoreEndpoints {
  const visibility = choice.visibility?.trim().toLowerCase();
  if (visibility && !['public', 'private', 'internal'].includes(visibility)) {
    throw new UserError(`repository visibility '${choice.visibility}' is not public, private or internal; pass one of those`);
  }
  const overridden = [choice.fulcioURL, choice.rekorURL, choice.tsaURL].some((u) => u !== undefined);
  if (!visibility && !overridden) {
    throw new UserError(
      "the repository's visibility is unknown, so no Sigstore instance is chosen (the public log would publish the repository name); pass sigstore public-good or github (CLI: --visibility public|private), or explicit Fulcio and Rekor/TSA URLs",
    );
  }
  const base: Partial<SigstoreEndpoints> = !visibility ? {} : visibility === 'public' ? PUBLIC_GOOD_ENDPOINTS : GITHUB_ENDPOINTS;
  const pick = (explicit: string | undefined, fallback: string | undefined, what: string) =>
    explicit === undefined ? fallback : explicit === '' ? undefined : checkServiceURL(explicit, what);
  const endpoints: SigstoreEndpoints = {
    instance: overridden ? 'custom' : (base.instance as SigstoreEndpoints['instance']),
    fulcioURL: pick(choice.fulcioURL, base.fulcioURL, 'Fulcio URL') ?? '',
    rekorURL: pick(choice.rekorURL, base.rekorURL, 'Rekor URL'),
    tsaURL: pick(choice.tsaURL, base.tsaURL, 'timestamp authority URL'),
  };
  if (!endpoints.fulcioURL) throw new UserError('no Fulcio URL; pass a Fulcio URL for keyless signing');
  if (!endpoints.rekorURL && !endpoints.tsaURL) {
    throw new UserError('neither a Rekor nor a timestamp authority URL is set; keyless signatures need one of them to stay verifiable');
  }
  return endpoints;
}

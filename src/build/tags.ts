import { UserError } from '../core/errors';
import { isTag } from '../oci/reference';
import { probeOutput, spawnRunner, type CommandRunner } from '../tools/exec';

/** A full git commit id: SHA-1 (40 hex) or SHA-256 object format (64 hex). */
const COMMIT_RE = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const LOOKS_LIKE_COMMIT_RE = /^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/;

/** Names that by convention move from image to image; never accepted as the immutable tag. */
const MUTABLE_TAG_NAMES = new Set(['latest', 'main', 'master', 'trunk', 'develop', 'development', 'dev', 'edge', 'nightly', 'stable', 'head']);

export interface TagPlanInput {
  /** Target repository (`ghcr.io/acme/api`) or `oci-layout:DIR`, for messages and references. */
  image: string;
  /** Full commit SHA; the immutable tag unless `immutableTag` overrides it. */
  commitSha?: string;
  /** Overrides the commit SHA as the immutable tag (CLI `--tag`). */
  immutableTag?: string;
  /** More tags, possibly mutable (`latest`, `v1`). */
  extraTags?: readonly string[];
  /** The branch being built (e.g. GITHUB_REF_NAME): its name is mutable too. */
  branch?: string;
}

export interface TagPlan {
  /** The tag that names exactly this build: the commit SHA (or the `--tag` override). */
  immutableTag: string;
  /** Every tag to push: the immutable one first, then the extra ones, without duplicates. */
  tags: string[];
  /** `image:tag` for each of `tags`. */
  references: string[];
}

/** GITHUB_SHA when set, else `git rev-parse HEAD` in `cwd`; a UserError when neither gives a commit. */
export async function resolveCommitSha(
  env: NodeJS.ProcessEnv,
  cwd: string,
  runner: CommandRunner = spawnRunner,
): Promise<string> {
  const fromEnv = env.GITHUB_SHA?.trim();
  if (fromEnv) {
    if (!LOOKS_LIKE_COMMIT_RE.test(fromEnv)) {
      throw new UserError(`GITHUB_SHA '${fromEnv}' is not a full commit SHA; unset it or pass --tag`);
    }
    return fromEnv.toLowerCase();
  }
  const sha = (await probeOutput({ command: 'git', args: ['rev-parse', '--verify', 'HEAD^{commit}'], cwd, env }, runner))?.trim() ?? '';
  if (!COMMIT_RE.test(sha)) {
    throw new UserError(`cannot find the commit SHA for the immutable tag in ${cwd}; run inside a git checkout or pass --tag`);
  }
  return sha;
}

function checkTagGrammar(tag: string, what: string): void {
  if (!isTag(tag)) {
    throw new UserError(
      `${what} '${tag}' is not a valid tag; use 1-128 letters, digits, '_', '.', '-', not starting with '.' or '-'`,
    );
  }
}

/** The immutable tag plus the extra tags, validated; refuses a plan without an immutable tag. */
export function planTags(input: TagPlanInput): TagPlan {
  let immutableTag: string;
  if (input.immutableTag !== undefined) {
    immutableTag = input.immutableTag;
    checkTagGrammar(immutableTag, 'tag');
    const mutable = MUTABLE_TAG_NAMES.has(immutableTag.toLowerCase()) || (input.branch !== undefined && immutableTag === input.branch);
    if (mutable) {
      throw new UserError(
        `tag '${immutableTag}' moves from build to build, so it cannot be the immutable tag; pass a version or commit SHA as --tag and put '${immutableTag}' in the extra tags`,
      );
    }
  } else if (input.commitSha !== undefined) {
    if (!LOOKS_LIKE_COMMIT_RE.test(input.commitSha)) {
      throw new UserError(`commit SHA '${input.commitSha}' is not a full 40-hex commit id; give the full SHA or pass --tag`);
    }
    immutableTag = input.commitSha.toLowerCase();
  } else {
    throw new UserError('no immutable tag: neither a commit SHA nor --tag was given; run inside a git checkout or pass --tag');
  }

  const tags = [immutableTag];
  for (const extra of input.extraTags ?? []) {
    checkTagGrammar(extra, 'extra tag');
    if (LOOKS_LIKE_COMMIT_RE.test(extra) && extra.toLowerCase() !== immutableTag) {
      throw new UserError(`extra tag '${extra}' looks like another commit's SHA tag; drop it or use a name that is not a commit id`);
    }
    if (!tags.includes(extra)) tags.push(extra);
  }
  return { immutableTag, tags, references: tags.map((t) => `${input.image}:${t}`) };
}

/** `localhost`, 127.0.0.0/8 and `[::1]` (with or without a port). */
export function isLoopbackRegistry(host: string): boolean {
  const name = hostWithoutPort(host).toLowerCase();
  if (name === 'localhost' || name === '::1' || name === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) && name.split('.').every((octet) => Number(octet) <= 255);
}

/** Plain HTTP (or unverified TLS) only for loopback registries or hosts the user listed as insecure. */
export function allowsPlainHttp(host: string, insecureRegistries: readonly string[] = []): boolean {
  if (isLoopbackRegistry(host)) return true;
  const wanted = host.toLowerCase();
  return insecureRegistries.some((h) => {
    const listed = h.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
    // An entry without a port covers every port of that host.
    return listed === wanted || (hostWithoutPort(listed) === listed && listed === hostWithoutPort(wanted));
  });
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    return close >= 0 ? host.slice(0, close + 1) : host;
  }
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

import { UserError } from '../core/errors';

/**
 * Image references after the docker reference grammar (distribution/reference), normalised:
 * `nginx` → docker.io/library/nginx, `index.docker.io/x/y` → docker.io/x/y.
 */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const NAME_TOTAL_LENGTH_MAX = 255;

const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST_RE = /^\[[a-fA-F0-9:.]+\]$/;
const PORT_RE = /^[0-9]+$/;
const DIGEST_ALGORITHM_RE = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** A valid tag: 1-128 of letters, digits, `_`, `.`, `-`, not starting with `.` or `-`. */
export function isTag(s: string): boolean {
  return TAG_RE.test(s);
}

/** Parse `[registry/]repository[:tag][@digest]`; throws a UserError naming the offending part. */
export function parseReference(input: string): ImageReference {
  const fail = (why: string): never => {
    throw new UserError(`invalid reference '${input}': ${why}; use [registry/]repository[:tag][@sha256:<64 hex>]`);
  };
  if (input.length === 0) fail('it is empty');
  if (/\s/.test(input)) fail('it contains whitespace');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const why = digestProblem(digest);
    if (why) fail(why);
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/') && lastColon > rest.lastIndexOf(']')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG_RE.test(tag)) {
      fail(`tag '${tag}' must be 1-128 characters of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
    }
  }

  if (rest.length === 0) fail('the repository name is empty');
  let registry = DOCKER_HUB;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0 && looksLikeRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    const why = registryProblem(registry);
    if (why) fail(why);
    if (DOCKER_HUB_ALIASES.has(registry.toLowerCase())) registry = DOCKER_HUB;
  }
  if (path.length === 0) fail('the repository name is empty');
  for (const component of path.split('/')) {
    if (component.length === 0) fail('the repository path has an empty component');
    if (component !== component.toLowerCase()) fail(`repository path component '${component}' must be lowercase`);
    if (!PATH_COMPONENT_RE.test(component)) {
      fail(`repository path component '${component}' must be lowercase letters and digits joined by '.', '_', '__' or '-'`);
    }
  }
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  const fullName = `${registry}/${path}`;
  if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
    fail(`the name '${fullName}' is ${fullName.length} characters, more than ${NAME_TOTAL_LENGTH_MAX}`);
  }

  const ref: ImageReference = { registry, repository: path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** Canonical string: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  let out = `${ref.registry}/${ref.repository}`;
  if (ref.tag) out += `:${ref.tag}`;
  if (ref.digest) out += `@${ref.digest}`;
  return out;
}

/** The short form docker prints: `nginx:1.27`, `acme/api`, or the full name off Docker Hub. */
export function familiarName(ref: ImageReference): string {
  let name = formatReference({ registry: ref.registry, repository: ref.repository });
  if (ref.registry === DOCKER_HUB) {
    name = ref.repository.startsWith('library/') && ref.repository.split('/').length === 2 ? ref.repository.slice(8) : ref.repository;
  }
  if (ref.tag) name += `:${ref.tag}`;
  if (ref.digest) name += `@${ref.digest}`;
  return name;
}

/** The host that serves the registry API: Docker Hub's API lives on registry-1.docker.io. */
export function registryApiHost(registry: string): string {
  return registry === DOCKER_HUB || DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB_API_HOST : registry;
}

/** The canonical registry name for credentials and comparisons (docker.io for every Hub alias). */
export function canonicalRegistry(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) ? DOCKER_HUB : registry;
}

/** What a tag or digest after the repository name is: used by `resolve(reference)`. */
export function referenceTarget(ref: ImageReference): string {
  const target = ref.digest ?? ref.tag;
  return target ?? 'latest';
}

// The first path component is a registry when it has a '.', a ':' (port), is 'localhost' or an IPv6 literal.
function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}

function registryProblem(registry: string): string | undefined {
  let host = registry;
  let port: string | undefined;
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    if (close < 0) return `registry '${registry}' has an unclosed IPv6 bracket`;
    host = registry.slice(0, close + 1);
    const after = registry.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) return `registry '${registry}' has text after the IPv6 address`;
      port = after.slice(1);
    }
    if (!IPV6_HOST_RE.test(host)) return `registry '${registry}' is not a valid IPv6 literal`;
  } else {
    const colon = registry.indexOf(':');
    if (colon >= 0) {
      host = registry.slice(0, colon);
      port = registry.slice(colon + 1);
    }
    for (const component of host.split('.')) {
      if (!DOMAIN_COMPONENT_RE.test(component)) return `registry host '${host}' is not a valid host name`;
    }
  }
  if (port !== undefined && !PORT_RE.test(port)) return `registry port '${port}' must be a number`;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `registry port '${port}' is out of range (1-65535)`;
  return undefined;
}

function digestProblem(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  if (colon <= 0) return `digest '${digest}' must be <algorithm>:<hex>`;
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!DIGEST_ALGORITHM_RE.test(algorithm)) return `digest algorithm '${algorithm}' is malformed`;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) return `digest algorithm '${algorithm}' is not supported (sha256, sha384, sha512)`;
  if (!/^[a-f0-9]*$/.test(hex)) return `digest '${digest}' must be lowercase hexadecimal after '${algorithm}:'`;
  if (hex.length !== length) return `${algorithm} digest must have ${length} hex characters, not ${hex.length}`;
  return undefined;
}

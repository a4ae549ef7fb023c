import { UserError } from '../../core/errors';
import { isTag, parseReference } from '../../oci/reference';
import { parseShard, type Shard } from '../inventory/group';

// Where a `--state LOCATION` points, and which object a shard keeps there: shards never share one.

export const OCI_STATE_PREFIX = 'oci://';

export type StateLocation =
  | { kind: 'directory'; dir: string; file: string }
  | { kind: 'oci'; registry: string; repository: string; tag: string; display: string };

/** `state.json`, or `state-shard-2-of-4.json` for one shard. */
export function stateFileName(shard?: Shard): string {
  return shard ? `state-shard-${shard.index}-of-${shard.count}.json` : 'state.json';
}

/** The tag, or `TAG-shard-2-of-4` for one shard. */
export function stateTag(tag: string, shard?: Shard): string {
  const out = shard ? `${tag}-shard-${shard.index}-of-${shard.count}` : tag;
  if (!isTag(out)) throw new UserError(`state tag '${out}' is longer than the 128 characters a tag may have; use a shorter tag in --state`);
  return out;
}

export function parseStateLocation(location: string, shardText?: string): StateLocation {
  const shard = shardText === undefined ? undefined : parseShard(shardText);
  if (location.trim() === '') throw new UserError('--state is empty; give a directory or oci://REGISTRY/REPOSITORY:TAG');
  if (!location.startsWith(OCI_STATE_PREFIX)) return { kind: 'directory', dir: location, file: stateFileName(shard) };
  const rest = location.slice(OCI_STATE_PREFIX.length);
  const ref = parseReference(rest);
  if (ref.digest) throw new UserError(`--state ${location}: a state is kept under a tag, not a digest; use oci://REGISTRY/REPOSITORY:TAG`);
  // A bare `oci://repo:tag` would silently mean Docker Hub: the registry must be named.
  const first = rest.split('/')[0] ?? '';
  if (!rest.includes('/') || !(first.includes('.') || first.includes(':') || first === 'localhost')) {
    throw new UserError(`--state ${location}: name the registry; use oci://REGISTRY/REPOSITORY:TAG`);
  }
  const tag = stateTag(ref.tag ?? 'monitor-state', shard);
  return { kind: 'oci', registry: ref.registry, repository: ref.repository, tag, display: `${OCI_STATE_PREFIX}${ref.registry}/${ref.repository}:${tag}` };
}

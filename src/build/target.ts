import * as path from 'node:path';
import { UserError } from '../core/errors';
import { OCI_LAYOUT_PREFIX } from '../oci/open';
import { parseReference } from '../oci/reference';
import { allowsPlainHttp } from './tags';
import type { BuildTarget, RegistryCredentials } from './types';

/**
 * The build target for the `image` input: `oci-layout:DIR` or a registry repository without tag or
 * digest (`ghcr.io/acme/api`). Plain HTTP only for loopback registries or listed insecure ones.
 */
export function buildTargetFor(image: string, opts: { insecureRegistries?: readonly string[]; credentials?: RegistryCredentials } = {}): BuildTarget {
  if (image.startsWith(OCI_LAYOUT_PREFIX)) {
    const dir = image.slice(OCI_LAYOUT_PREFIX.length);
    if (!dir) throw new UserError(`'${image}' names no directory; write oci-layout:DIR`);
    return { kind: 'oci-layout', dir: path.resolve(dir) };
  }
  const ref = parseReference(image);
  if (ref.tag || ref.digest) {
    throw new UserError(`image '${image}' carries a tag or digest; give the repository only (the tag is the commit SHA, extra tags go in tags)`);
  }
  const target: BuildTarget = {
    kind: 'registry',
    registry: ref.registry,
    repository: ref.repository,
    insecure: allowsPlainHttp(ref.registry, opts.insecureRegistries),
  };
  if (opts.credentials) target.credentials = opts.credentials;
  return target;
}

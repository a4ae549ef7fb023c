// What a container status's `imageID` says really runs. Runtimes spell it differently:
// containerd and CRI-O give `registry/repo@sha256:…`, cri-dockerd `docker-pullable://repo@sha256:…`;
// a locally built or side-loaded image has only its config ID (`sha256:…`, `docker://sha256:…`),
// which no registry serves, so it cannot be verified and is skipped with a reason.
import { parseReference } from '../../oci/reference';

export type RunningDigest = { digest: string; repository: string } | { skip: string };

const SCHEMES = ['docker-pullable://', 'docker://', 'containerd://', 'cri-o://'];
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function runningDigest(imageID: string | undefined): RunningDigest {
  let id = (imageID ?? '').trim();
  if (id === '') return { skip: 'no image digest yet (the container has not started)' };
  for (const scheme of SCHEMES) if (id.startsWith(scheme)) id = id.slice(scheme.length);
  const at = id.lastIndexOf('@');
  if (at < 0) {
    if (DIGEST_RE.test(id)) return { skip: `imageID ${id} is a local image ID, not a registry digest (a side-loaded or locally built image)` };
    return { skip: `imageID '${imageID}' carries no @sha256: digest` };
  }
  const digest = id.slice(at + 1);
  if (!DIGEST_RE.test(digest)) return { skip: `imageID '${imageID}' carries no sha256 digest` };
  try {
    const ref = parseReference(id.slice(0, at));
    return { digest, repository: `${ref.registry}/${ref.repository}` };
  } catch {
    return { skip: `imageID '${imageID}' does not name a repository` };
  }
}

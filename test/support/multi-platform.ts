// A two-platform image whose platforms really differ: the index of a layout holding one image as
// linux/amd64 and ANOTHER as linux/arm64/v8 (its config re-stamped arm64). No builder: buildx makes
// real ones in the GitHub workflow (test/e2e).
import { cp } from 'node:fs/promises';
import * as path from 'node:path';
import { OciLayoutStore } from '../../src/oci/layout';
import { OCI_CONFIG, OCI_INDEX } from '../../src/oci/media-types';
import type { Descriptor, ImageIndex, ImageManifest } from '../../src/oci/types';

/** `oci-layout:DIR:TAG` of an index over `amd64` and `arm64` (each `oci-layout:DIR:TAG`), written into `dir`. */
export async function writeTwoPlatformLayout(dir: string, amd64: string, arm64: string, tag = 'multi'): Promise<string> {
  const [amdDir, amdTag] = layoutParts(amd64);
  const [armDir, armTag] = layoutParts(arm64);
  await cp(path.join(amdDir, 'blobs'), path.join(dir, 'blobs'), { recursive: true });
  await cp(path.join(armDir, 'blobs'), path.join(dir, 'blobs'), { recursive: true, force: false });
  await cp(path.join(amdDir, 'oci-layout'), path.join(dir, 'oci-layout'));
  await cp(path.join(amdDir, 'index.json'), path.join(dir, 'index.json'));
  const store = new OciLayoutStore(dir);
  const amd = await new OciLayoutStore(amdDir).getManifest(amdTag);
  const armSource = new OciLayoutStore(armDir);
  const armFetched = await armSource.getManifest(armTag);
  const manifest = armFetched.manifest as ImageManifest;
  const config = JSON.parse((await armSource.getBlob(manifest.config)).toString('utf8')) as Record<string, unknown>;
  const armConfig = await store.putBlob(Buffer.from(JSON.stringify({ ...config, architecture: 'arm64', variant: 'v8' })), OCI_CONFIG);
  const arm = await store.putManifest(Buffer.from(JSON.stringify({ ...manifest, config: { mediaType: OCI_CONFIG, digest: armConfig.digest, size: armConfig.size } })), manifest.mediaType as string);
  await store.putManifest(Buffer.from(JSON.stringify(twoPlatformIndex(amd.descriptor, arm.descriptor))), OCI_INDEX, tag);
  return `oci-layout:${dir}:${tag}`;
}

/** An OCI index over `amd64` as linux/amd64 and `arm64` as linux/arm64/v8. */
export function twoPlatformIndex(amd64: Descriptor, arm64: Descriptor): ImageIndex {
  return {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ],
  };
}

function layoutParts(ref: string): [string, string] {
  const rest = ref.replace(/^oci-layout:/, '');
  const at = rest.lastIndexOf(':');
  return [rest.slice(0, at), rest.slice(at + 1)];
}

/**
 * Helpers to ship REAL images for verify tests: the fixture image (vulnerable) and a patched variant
 * (no CRITICAL), the fixture trivy DB, ShipInputs for an offline ship from an OCI layout, OIDC tokens
 * from a loopback OIDC server, and copying an image with its referrers into another repository so a
 * test can alter the copy without touching the original.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { silentLogger } from '../../src/core/log';
import { buildLayerTar, patchedFixtureRootfs, writeFixtureImageLayout } from '../../src/fixture-db/fixture-image';
import { copyImage } from '../../src/oci/copy';
import { sha256Digest } from '../../src/oci/digest';
import { ANNOTATION, OCI_CONFIG, OCI_INDEX, OCI_LAYER_TAR_GZIP, OCI_MANIFEST } from '../../src/oci/media-types';
import { attachReferrer, listReferrers } from '../../src/oci/referrers';
import type { RepositoryStore } from '../../src/oci/store';
import { isIndex, type Descriptor, type ImageIndex, type ImageManifest } from '../../src/oci/types';
import type { ShipInputs } from '../../src/ship/inputs';
import type { ShipEnvironment } from '../../src/ship/plan';
import { offlineShipInputs } from './ship-env';
import type { OidcServer } from './oidc';
import { prepareFixtureDb } from './trivy';

export interface FixtureSources {
  /** oci-layout:DIR:latest of the fixture image (zlib, lodash 4.17.11, minimist 1.2.5: three CRITICALs). */
  vulnerable: string;
  /** oci-layout:DIR:latest of the same image patched: lodash 4.17.21, minimist 1.2.8, no zlib (HIGH and LOW only). */
  patched: string;
  trivyCache: string;
}

const FIXTURE_TIME = '2024-01-01T00:00:00.000Z';

/** The fixture rootfs with the CRITICAL packages fixed or removed: what a team would ship after patching. */
export const patchedRootfs = patchedFixtureRootfs;

/** A one-layer image of `files` in the OCI layout `dir` under `tag`, its config carrying `labels` if given. */
export async function writeImageLayout(dir: string, files: Readonly<Record<string, string>>, tag = 'latest', labels?: Record<string, string>): Promise<string> {
  const tar = await buildLayerTar(files);
  const layer = gzipSync(tar, { level: 9 });
  const config = Buffer.from(
    JSON.stringify({ created: FIXTURE_TIME, architecture: 'amd64', os: 'linux', config: { WorkingDir: '/app', ...(labels ? { Labels: labels } : {}) }, rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] } }),
  );
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: OCI_LAYER_TAR_GZIP, digest: sha256Digest(layer), size: layer.length }],
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [layer, config, manifestBytes]) await writeFile(path.join(dir, 'blobs', 'sha256', sha256Digest(blob).slice(7)), blob);
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ mediaType: OCI_MANIFEST, digest: sha256Digest(manifestBytes), size: manifestBytes.length, annotations: { [ANNOTATION.refName]: tag } }],
  };
  await writeFile(path.join(dir, 'index.json'), JSON.stringify(index));
  return sha256Digest(manifestBytes);
}

export async function makeFixtureSources(dir: string, dbNow?: Date): Promise<FixtureSources> {
  const vulnerableDir = path.join(dir, 'vulnerable');
  const patchedDir = path.join(dir, 'patched');
  const trivyCache = path.join(dir, 'trivy-cache');
  await Promise.all([writeFixtureImageLayout(vulnerableDir, 'latest'), writeImageLayout(patchedDir, patchedRootfs()), prepareFixtureDb(trivyCache, dbNow)]);
  return { vulnerable: `oci-layout:${vulnerableDir}:latest`, patched: `oci-layout:${patchedDir}:latest`, trivyCache };
}

/** ShipInputs for an offline ship of a prebuilt layout to `image`, tagged `tag`. */
export function shipInputs(from: string, image: string, trivyCache: string, outputDir: string, overrides: Partial<ShipInputs> = {}): ShipInputs {
  return offlineShipInputs({ image, from, tag: 'v1', sign: 'keyless', trivyCache, outputDir, ...overrides });
}

/** A ship environment outside any git checkout or CI (no provenance), with an optional OIDC token source. */
export function shipWorld(cwd: string, oidc?: OidcServer): ShipEnvironment {
  return {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    cwd,
    logger: silentLogger,
    identityToken: oidc ? () => oidcToken(oidc) : undefined,
  };
}

/** A token with audience `sigstore` from the loopback OIDC server, fetched as @actions/core would. */
export async function oidcToken(oidc: OidcServer): Promise<string> {
  const res = await fetch(`${oidc.requestUrl}&audience=sigstore`, { headers: { authorization: `Bearer ${oidc.requestToken}` } });
  if (!res.ok) throw new Error(`OIDC token request failed: ${res.status}`);
  return ((await res.json()) as { value: string }).value;
}

/** A referrer as copied: the manifest and the bundle layer bytes, which `transform` may change. */
export interface CopiedReferrer {
  descriptor: Descriptor;
  manifest: ImageManifest;
  layer: Buffer;
}

/**
 * Copy the image `digest` from `from` to `to` (tagged `tag`) with those of its referrers that
 * `keep` selects; `transform` may rewrite a referrer's bundle layer before it is attached.
 */
export async function copyWithReferrers(
  from: RepositoryStore,
  to: RepositoryStore,
  digest: string,
  tag: string,
  keep: (r: CopiedReferrer) => boolean = () => true,
  transform: (r: CopiedReferrer) => Buffer = (r) => r.layer,
): Promise<Descriptor> {
  const image = await copyImage(from, digest, to, tag);
  for (const descriptor of await listReferrers(from, digest)) {
    const fetched = await from.getManifest(descriptor.digest);
    if (isIndex(fetched.manifest)) continue;
    const manifest = fetched.manifest;
    const layerDescriptor = manifest.layers[0]!;
    const referrer: CopiedReferrer = { descriptor, manifest, layer: await from.getBlob(layerDescriptor) };
    if (!keep(referrer)) continue;
    await attachBundleReferrer(to, image, manifest, transform(referrer));
  }
  return image;
}

/** Attach `layer` to `subject` with the manifest shape of `template` (annotations, artifact type). */
export async function attachBundleReferrer(store: RepositoryStore, subject: Descriptor, template: ImageManifest, layer: Buffer): Promise<Descriptor> {
  const configBytes = Buffer.from('{}');
  await store.putBlob(configBytes, template.config.mediaType);
  const layerMediaType = template.layers[0]!.mediaType;
  const pushed = await store.putBlob(layer, layerMediaType);
  return attachReferrer(store, {
    ...template,
    layers: [{ mediaType: layerMediaType, digest: pushed.digest, size: pushed.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  });
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

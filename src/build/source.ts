import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import type { Logger } from '../core/log';
import { copyImage } from '../oci/copy';
import { checkLayoutImage, OCI_LAYOUT_PREFIX, openImage } from '../oci/open';
import { parseReference } from '../oci/reference';
import type { RegistryClient, RegistryClientOptions } from '../oci/registry';
import type { RepositoryStore } from '../oci/store';
import type { Descriptor } from '../oci/types';
import { applyTags } from './apply-tags';
import { checkArchiveFile, importDockerArchive } from './docker-archive';
import { platformDigests } from './platforms';
import type { BuiltImage } from './types';

/** An image opened from `REF` or `oci-layout:DIR[:tag|@digest]` (the shape of src/oci/open.ts openImage). */
export interface OpenedSource {
  store: RepositoryStore;
  /** Tag or digest within `store`. */
  reference: string;
  display: string;
  close?(): void;
}

/** What taking a prebuilt image needs from the OCI client (see defaultSourceDeps for the real ones). */
export interface SourceDeps {
  openImage(input: string): OpenedSource | Promise<OpenedSource>;
  copyImage(from: RepositoryStore, fromRef: string, to: RepositoryStore, toTag?: string): Promise<Descriptor>;
  logger: Logger;
}

/** The real OCI client: registry options as for every other registry access of the run. */
export function defaultSourceDeps(registryOptions: RegistryClientOptions, logger: Logger, client?: RegistryClient): SourceDeps {
  return {
    openImage: (input) => openImage(input, registryOptions, client),
    copyImage: (from, fromRef, to, toTag) => copyImage(from, fromRef, to, toTag, { logger }),
    logger,
  };
}

export type SourceKind = 'registry' | 'oci-layout' | 'docker-archive';

const DOCKER_ARCHIVE = 'docker-archive:';

export function sourceKind(input: string): SourceKind {
  if (input.startsWith(DOCKER_ARCHIVE)) return 'docker-archive';
  if (input.startsWith(OCI_LAYOUT_PREFIX)) return 'oci-layout';
  return 'registry';
}

/**
 * `docker-archive:FILE[:IMAGE]`: FILE is the longest prefix that exists on disk (file names may hold
 * ':'), IMAGE optionally picks one image of a multi-image archive by its RepoTags entry.
 */
export function parseDockerArchive(input: string): { file: string; image?: string } {
  const rest = input.slice(DOCKER_ARCHIVE.length);
  if (!rest) throw new UserError(`'${input}' names no file; write docker-archive:FILE (a tarball from 'docker save -o FILE IMAGE')`);
  if (fs.existsSync(rest)) return { file: rest };
  for (let i = rest.length - 1; i > 0; i--) {
    if (rest[i] === ':' && fs.existsSync(rest.slice(0, i))) {
      const image = rest.slice(i + 1);
      return image ? { file: rest.slice(0, i), image } : { file: rest.slice(0, i) };
    }
  }
  throw new UserError(`docker archive '${rest}' does not exist; pass the file written by 'docker save -o FILE IMAGE'`);
}

/**
 * What can be known about a `--from` input before anything is pushed: its grammar, and for local
 * sources that they are there in full (a layout's every blob; an archive a regular file).
 */
export async function checkSource(input: string): Promise<void> {
  switch (sourceKind(input)) {
    case 'docker-archive':
      checkArchiveFile(parseDockerArchive(input).file);
      return;
    case 'oci-layout':
      await checkLayoutImage(input);
      return;
    default:
      parseReference(input);
  }
}

/** Two store locations name the same repository (layout paths compared after resolving them). */
export function sameLocation(a: string, b: string): boolean {
  const norm = (loc: string) => (loc.startsWith(OCI_LAYOUT_PREFIX) ? OCI_LAYOUT_PREFIX + path.resolve(loc.slice(OCI_LAYOUT_PREFIX.length)) : loc);
  return norm(a) === norm(b);
}

/**
 * Ship a prebuilt image instead of building one: push a `docker save` tarball, copy a registry image
 * or layout into the target, or just resolve it when it already lives in the target repository.
 * `tags` (immutable tag first) are pointed at the result; pass none to leave tagging for later.
 */
export async function takeImageFrom(input: string, target: RepositoryStore, tags: readonly string[], deps: SourceDeps): Promise<BuiltImage> {
  const [firstTag, ...moreTags] = tags;
  let descriptor: Descriptor;

  if (sourceKind(input) === 'docker-archive') {
    const { file, image } = parseDockerArchive(input);
    deps.logger.info(`pushing ${file} (docker save archive) to ${target.location}`);
    const imported = await importDockerArchive(file, target, { image, tag: firstTag });
    await applyTags(target, imported.descriptor.digest, moreTags);
    return { ...imported.descriptor, platforms: imported.platforms, builtBy: 'from' };
  }

  const source = await deps.openImage(input);
  try {
    if (sameLocation(source.store.location, target.location)) {
      descriptor = await source.store.resolve(source.reference);
      deps.logger.info(`${source.display} is already in ${target.location} as ${descriptor.digest}`);
      await applyTags(target, descriptor.digest, tags);
    } else {
      deps.logger.info(`copying ${source.display} to ${target.location}`);
      // By digest, so that without tags of ours the source's tag is not carried over.
      const resolved = await source.store.resolve(source.reference);
      descriptor = await deps.copyImage(source.store, resolved.digest, target, firstTag);
      await applyTags(target, descriptor.digest, moreTags);
    }
  } finally {
    source.close?.();
  }
  const { descriptor: stored, platforms } = await platformDigests(target, descriptor.digest);
  return { digest: stored.digest, mediaType: stored.mediaType, size: stored.size, platforms, builtBy: 'from' };
}

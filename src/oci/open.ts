import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { isDigest } from './digest';
import { fsProblem, OciLayoutStore } from './layout';
import { formatReference, isTag, parseReference, referenceTarget } from './reference';
import { RegistryClient, type RegistryClientOptions } from './registry';
import { NotFoundError, type RepositoryStore } from './store';
import type { Descriptor } from './types';

export const OCI_LAYOUT_PREFIX = 'oci-layout:';

export interface OpenedImage {
  store: RepositoryStore;
  /** The tag or digest to resolve in `store`. */
  reference: string;
  /** For messages: `registry/repo:tag`, `registry/repo@sha256:..` or `oci-layout:DIR:tag`. */
  display: string;
  /** Release what opening took (idle connections of a RegistryClient created here). */
  close(): void;
}

/** An `oci-layout:` input split into its parts (see `parseLayoutInput`). */
export interface LayoutInput {
  dir: string;
  /** Tag or digest; `latest` when none was given. */
  reference: string;
}

const DIGEST_SUFFIX_RE = /@([a-z0-9]+:[a-zA-Z0-9]+)$/;

/**
 * `oci-layout:DIR[:TAG|@DIGEST]`. A trailing `@<digest>` selects a manifest by digest. Otherwise
 * the text after the LAST `:` is taken as the tag when it is a valid tag (letters, digits, `_`,
 * `.`, `-`; no `/`), and DIR is what precedes it; else the whole text is DIR and the tag is
 * `latest`. So a directory whose name ends in `:something` must be given with an explicit tag:
 * `oci-layout:/tmp/a:b:latest` is DIR `/tmp/a:b`, tag `latest`.
 */
export function parseLayoutInput(input: string): LayoutInput {
  if (!input.startsWith(OCI_LAYOUT_PREFIX)) throw new UserError(`'${input}' is not an ${OCI_LAYOUT_PREFIX}DIR[:tag|@digest] reference`);
  const rest = input.slice(OCI_LAYOUT_PREFIX.length);
  let dir = rest;
  let reference = 'latest';
  const digestMatch = DIGEST_SUFFIX_RE.exec(rest);
  if (digestMatch) {
    if (!isDigest(digestMatch[1])) {
      throw new UserError(`invalid digest '${digestMatch[1]}' in '${input}'; use ${OCI_LAYOUT_PREFIX}DIR@sha256:<64 lowercase hex>`);
    }
    dir = rest.slice(0, digestMatch.index);
    reference = digestMatch[1];
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0 && isTag(rest.slice(colon + 1))) {
      dir = rest.slice(0, colon);
      reference = rest.slice(colon + 1);
    }
  }
  if (dir.length === 0) throw new UserError(`no directory in '${input}'; use ${OCI_LAYOUT_PREFIX}DIR[:tag|@digest]`);
  return { dir, reference };
}

/**
 * Open what an IMAGE argument names: a registry reference (`[registry/]repo[:tag][@digest]`,
 * default tag `latest`) or an OCI image layout (`oci-layout:DIR[:tag|@digest]`).
 * `client` may be given to share one RegistryClient (connections, tokens) across images.
 */
export function openImage(input: string, opts: RegistryClientOptions = {}, client?: RegistryClient): OpenedImage {
  if (input.startsWith(OCI_LAYOUT_PREFIX)) {
    const { dir, reference } = parseLayoutInput(input);
    const resolvedDir = path.resolve(dir);
    const display = `${OCI_LAYOUT_PREFIX}${dir}${isDigest(reference) ? '@' : ':'}${reference}`;
    return { store: new OciLayoutStore(resolvedDir), reference, display, close: () => undefined };
  }
  const ref = parseReference(input);
  const registryClient = client ?? new RegistryClient(opts);
  return {
    store: registryClient.repository(ref.registry, ref.repository),
    reference: referenceTarget(ref),
    display: formatReference(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' }),
    close: () => {
      if (!client) registryClient.close();
    },
  };
}

/**
 * An `oci-layout:` image that is there in full: the directory, its oci-layout file and index.json,
 * the tag or digest, and every manifest and blob it reaches. What a copy would trip over half-way,
 * as one UserError before anything is written elsewhere.
 */
export async function checkLayoutImage(input: string): Promise<Descriptor> {
  const { dir, reference } = parseLayoutInput(input);
  const resolved = path.resolve(dir);
  const fail = (why: string): never => {
    throw new UserError(`${input}: ${why}; point at an OCI image layout directory (oci-layout, index.json, blobs/)`);
  };
  const statOf = async (p: string) => {
    try {
      return await fs.stat(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsProblem(err, resolved, `${OCI_LAYOUT_PREFIX}${dir}`);
    }
  };
  const stat = await statOf(resolved);
  if (!stat) fail(`the directory ${dir} does not exist`);
  if (!stat?.isDirectory()) fail(`${dir} is not a directory`);
  const layoutFile = await statOf(path.join(resolved, 'oci-layout'));
  if (!layoutFile?.isFile()) fail(`${dir} has no oci-layout file, so it is not an OCI image layout`);
  try {
    return await new OciLayoutStore(resolved).checkComplete(reference);
  } catch (err) {
    if (err instanceof NotFoundError) throw new UserError(`${err.message}; give a tag or digest the layout holds`);
    throw err;
  }
}

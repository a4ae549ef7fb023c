import { probeOutput, runChecked, toolSpec, type ToolRunContext } from './exec';
import { buildArgAndLabelFlags, type BuildInput } from './build-input';
import { READ_CAPS, readTextCapped } from '../core/read-capped';

/** `docker buildx build`, pushing straight to the registry (multi-platform capable). */
export interface BuildxBuildOptions extends BuildInput {
  /** `REGISTRY/REPOSITORY`, no tag. */
  repository: string;
  /** Tags to push; empty = push by digest only (the caller tags later). */
  tags: readonly string[];
  /** Registry is plain HTTP / self-signed (loopback or --insecure-registry). */
  insecure: boolean;
  /** Where buildx writes the build result metadata (JSON). */
  metadataFile: string;
}

export type BuildxRunContext = ToolRunContext;

export interface BuildxResult {
  /** `containerimage.digest`: the index digest for a multi-platform build, else the manifest digest. */
  digest: string;
  /** `containerimage.descriptor.mediaType` when buildx reported it. */
  mediaType?: string;
  size?: number;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** The arguments after `docker`. */
export function buildxBuildArgs(o: BuildxBuildOptions): string[] {
  const args = ['buildx', 'build'];
  if (o.platforms.length > 0) args.push('--platform', o.platforms.join(','));
  args.push('--file', o.dockerfile);
  args.push(...buildArgAndLabelFlags(o));
  // We attach our own signed SBOM and provenance as referrers; BuildKit's unsigned ones would
  // turn the pushed manifest into an index with attestation manifests in it.
  args.push('--provenance=false', '--sbom=false');
  const insecure = o.insecure ? ',registry.insecure=true' : '';
  if (o.tags.length === 0) {
    args.push('--output', `type=image,name=${o.repository},push-by-digest=true,name-canonical=true,push=true${insecure}`);
  } else {
    for (const tag of o.tags) args.push('--tag', `${o.repository}:${tag}`);
    args.push('--output', `type=image,push=true${insecure}`);
  }
  args.push('--metadata-file', o.metadataFile, o.context);
  return args;
}

/** Reads the digest buildx pushed from its `--metadata-file` JSON. */
export function parseBuildxMetadata(json: string): BuildxResult {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new Error('buildx metadata file is not JSON');
  }
  if (typeof doc !== 'object' || doc === null) throw new Error('buildx metadata file is not a JSON object');
  const record = doc as Record<string, unknown>;
  const digest = record['containerimage.digest'];
  const descriptor = record['containerimage.descriptor'] as { mediaType?: unknown; digest?: unknown; size?: unknown } | undefined;
  if (typeof digest !== 'string' || !DIGEST_RE.test(digest)) {
    throw new Error('buildx metadata has no containerimage.digest: did the build push an image?');
  }
  if (descriptor && typeof descriptor.digest === 'string' && descriptor.digest !== digest) {
    throw new Error(`buildx metadata is inconsistent: containerimage.digest ${digest} but descriptor ${descriptor.digest}`);
  }
  const result: BuildxResult = { digest };
  if (descriptor && typeof descriptor.mediaType === 'string') result.mediaType = descriptor.mediaType;
  if (descriptor && typeof descriptor.size === 'number') result.size = descriptor.size;
  return result;
}

/** True when `docker buildx version` answers. */
export async function buildxAvailable(ctx: BuildxRunContext = {}): Promise<boolean> {
  return (await probeOutput({ command: 'docker', args: ['buildx', 'version'], env: ctx.env }, ctx.runner)) !== undefined;
}

export async function buildxBuild(o: BuildxBuildOptions, ctx: BuildxRunContext = {}): Promise<BuildxResult> {
  await runChecked(toolSpec('docker', buildxBuildArgs(o), ctx), ctx.runner);
  return parseBuildxMetadata(readTextCapped(o.metadataFile, READ_CAPS.document, { what: "buildx's metadata file" }));
}

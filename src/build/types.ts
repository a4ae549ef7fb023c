/** Which builder runs the build; `auto` = buildx if present, else docker if a daemon answers, else buildah. */
export type BuilderChoice = 'auto' | 'buildx' | 'docker' | 'buildah';
export type BuilderName = Exclude<BuilderChoice, 'auto'>;

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Where the built image goes. */
export type BuildTarget =
  | {
      kind: 'registry';
      /** `ghcr.io`, `127.0.0.1:5000` */
      registry: string;
      /** `acme/api` */
      repository: string;
      /** Plain HTTP / unverified TLS allowed (loopback or listed in --insecure-registry). */
      insecure: boolean;
      credentials?: RegistryCredentials;
    }
  | {
      kind: 'oci-layout';
      /** The OCI image layout directory. */
      dir: string;
    };

export interface BuildPlan {
  builder: BuilderChoice;
  /** Build context directory. */
  context: string;
  /** Dockerfile path; default `<context>/Dockerfile`. */
  dockerfile?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  /** `linux/amd64`, ...; empty = the builder's native platform. */
  platforms: string[];
  target: BuildTarget;
  /**
   * Tags the builder pushes (the immutable tag first). Empty is allowed for buildx only: it then
   * pushes by digest and the caller tags later (see applyTags).
   */
  tags: string[];
}

/** What was built and pushed. */
export interface BuiltImage {
  /** Digest of the pushed manifest, or of the index for a multi-platform image. */
  digest: string;
  mediaType: string;
  /** Size in bytes of the manifest (or index) the digest covers. */
  size: number;
  /** `linux/amd64` → digest of that platform's manifest (one entry for a single-platform image). */
  platforms: Record<string, string>;
  /** The builder that produced it, or `from` when a prebuilt image was taken. */
  builtBy: BuilderName | 'from';
}

/** What every builder adapter (buildx, docker, buildah) builds from. */
export interface BuildInput {
  context: string;
  dockerfile: string;
  /** `linux/amd64`, ...; empty = the builder's default platform (docker and buildah take at most one). */
  platforms: readonly string[];
  buildArgs: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
}

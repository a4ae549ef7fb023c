/** What every builder adapter (buildx, docker, buildah) builds from. */
export interface BuildInput {
  context: string;
  dockerfile: string;
  /** `linux/amd64`, ...; empty = the builder's default platform (docker and buildah take at most one). */
  platforms: readonly string[];
  buildArgs: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
}

/** `--build-arg K=V ... --label K=V ...`: the same flags for every builder. */
export function buildArgAndLabelFlags(o: Pick<BuildInput, 'buildArgs' | 'labels'>): string[] {
  const args: string[] = [];
  for (const [k, v] of Object.entries(o.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.labels)) args.push('--label', `${k}=${v}`);
  return args;
}

/**
 * Token scopes (`repository:acme/api:pull,push`) as the Docker token spec writes them:
 * resource type, resource name (which may hold ':'), comma-separated actions.
 */

export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

interface ParsedScope {
  type: string;
  name: string;
  actions: Set<string>;
}

function parseScope(scope: string): ParsedScope | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: new Set(scope.slice(last + 1).split(',').filter(Boolean)) };
}

/** Union of scope lists, actions merged per resource; stable order; unparseable scopes kept as is. */
export function mergeScopes(...lists: ReadonlyArray<readonly string[]>): string[] {
  const byResource = new Map<string, ParsedScope>();
  const opaque: string[] = [];
  for (const scope of lists.flat()) {
    for (const one of scope.split(' ').filter(Boolean)) {
      const parsed = parseScope(one);
      if (!parsed) {
        if (!opaque.includes(one)) opaque.push(one);
        continue;
      }
      const key = `${parsed.type}:${parsed.name}`;
      const existing = byResource.get(key);
      if (existing) for (const a of parsed.actions) existing.actions.add(a);
      else byResource.set(key, parsed);
    }
  }
  const ordered = [...byResource.values()].map((s) => `${s.type}:${s.name}:${[...s.actions].sort().join(',')}`);
  return [...ordered, ...opaque].sort();
}

/** True when every action of every scope in `wanted` is granted by `held`. */
export function scopesCover(held: readonly string[], wanted: readonly string[]): boolean {
  const heldParsed = held.map(parseScope);
  return wanted.every((w) => {
    const want = parseScope(w);
    if (!want) return held.includes(w);
    return heldParsed.some((h) => h && h.type === want.type && h.name === want.name && [...want.actions].every((a) => h.actions.has(a) || h.actions.has('*')));
  });
}

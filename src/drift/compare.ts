import type { PackageId } from './purl';

/** What runs that the attested SBOM does not say, and the reverse. Purls in canonical form, sorted. */
export interface Drift {
  added: string[];
  removed: string[];
  changed: Array<{ name: string; from: string; to: string }>;
}

export function hasDrift(drift: Drift): boolean {
  return drift.added.length + drift.removed.length + drift.changed.length > 0;
}

function byKey(packages: PackageId[]): Map<string, PackageId[]> {
  const map = new Map<string, PackageId[]>();
  for (const p of packages) {
    const list = map.get(p.key) ?? [];
    // The same package at one version listed twice (two tools' passes, two copies of a jar) is one.
    if (!list.some((q) => q.version === p.version)) list.push(p);
    map.set(p.key, list);
  }
  return map;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Compares by type/namespace/name. A package at one version on each side with different versions
 * is `changed`; versions of one name present on only one side (multi-arch, several copies) are
 * added or removed one by one.
 */
export function compareSboms(attested: PackageId[], observed: PackageId[]): Drift {
  const before = byKey(attested);
  const after = byKey(observed);
  const drift: Drift = { added: [], removed: [], changed: [] };
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(key) ?? [];
    const is = after.get(key) ?? [];
    const gone = was.filter((p) => !is.some((q) => q.version === p.version));
    const come = is.filter((p) => !was.some((q) => q.version === p.version));
    if (gone.length === 1 && come.length === 1) {
      drift.changed.push({ name: gone[0]!.name, from: gone[0]!.version, to: come[0]!.version });
      continue;
    }
    drift.removed.push(...gone.map((p) => p.purl));
    drift.added.push(...come.map((p) => p.purl));
  }
  drift.added.sort(compare);
  drift.removed.sort(compare);
  drift.changed.sort((a, b) => compare(a.name, b.name));
  return drift;
}

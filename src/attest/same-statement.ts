import { PREDICATE } from '../oci/media-types';

/**
 * Whether two statements say the same thing, so a signer that already attached `a` need not attach
 * `b`. Exact JSON equality, except the fields of an SBOM document that only name the run that made
 * it (CycloneDX `serialNumber`, `metadata.timestamp` and the random UUIDs trivy uses as some
 * `bom-ref`s, compared by where they appear; SPDX `documentNamespace`, `creationInfo.created`): trivy
 * stamps those anew each time it describes the same image.
 */
export function sameStatement(a: unknown, b: unknown): boolean {
  return canonical(withoutRunStamps(a)) === canonical(withoutRunStamps(b));
}

function withoutRunStamps(statement: unknown): unknown {
  const s = statement as { predicateType?: unknown; predicate?: Record<string, unknown> } | null;
  if (!s || typeof s !== 'object' || !s.predicate || typeof s.predicate !== 'object') return statement;
  const p = { ...s.predicate };
  if (s.predicateType === PREDICATE.cyclonedx) {
    delete p.serialNumber;
    if (p.metadata && typeof p.metadata === 'object') p.metadata = { ...(p.metadata as object), timestamp: undefined };
    return { ...s, predicate: renumberUuids(p) };
  } else if (s.predicateType === PREDICATE.spdx || s.predicateType === `${PREDICATE.spdx}/v2.3`) {
    delete p.documentNamespace;
    if (p.creationInfo && typeof p.creationInfo === 'object') p.creationInfo = { ...(p.creationInfo as object), created: undefined };
  }
  return { ...s, predicate: p };
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every UUID-valued string replaced by the order of its first appearance, so references keep their shape. */
function renumberUuids(value: unknown): unknown {
  const seen = new Map<string, string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string' && UUID.test(v)) {
      if (!seen.has(v)) seen.set(v, `uuid-${seen.size}`);
      return seen.get(v);
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

import { PREDICATE } from '../oci/media-types';

/**
 * Whether two statements say the same thing, so a signer that already attached `a` need not attach
 * `b`. Exact JSON equality, except the fields of an SBOM document that only name the run that made
 * it (CycloneDX `serialNumber`, `metadata.timestamp`; SPDX `documentNamespace`, `creationInfo.created`):
 * trivy stamps those anew each time it describes the same image.
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

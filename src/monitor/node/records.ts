import type { ImageRecord } from '../model';
import type { NodeDriftResult } from './node-drift';

/** The sweep's records with `drift` filled from a node-mode result (a record with no container on this node keeps none). */
export function withNodeDrift(records: ImageRecord[], result: Pick<NodeDriftResult, 'drift'>): ImageRecord[] {
  return records.map((r) => (Object.hasOwn(result.drift, r.digest) ? { ...r, drift: result.drift[r.digest] } : r));
}

import type { ImageRecord } from '../model';
import { withNodeDrift } from './records';

const record = (digest: string): ImageRecord => ({
  digest,
  repository: 'reg/app',
  workloads: [],
  signature: { signed: true, allowed: true, failedRules: [] },
  sbom: true,
  age: { stale: false },
  errors: [],
});

test('withNodeDrift fills drift for the digests the node checked, and only those', () => {
  const drift = { added: ['pkg:deb/debian/less@590-2'], removed: [], changed: [] };
  const out = withNodeDrift([record('sha256:a'), record('sha256:b')], { drift: { 'sha256:a': drift } });
  expect(out.map((r) => r.drift)).toEqual([drift, undefined]);
  expect('drift' in out[1]!).toBe(false);
});

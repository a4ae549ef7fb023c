import { parseStateLocation, stateFileName, stateTag } from './location';

test('a directory keeps state.json, a shard its own file', () => {
  expect(parseStateLocation('/var/lib/monitor')).toEqual({ kind: 'directory', dir: '/var/lib/monitor', file: 'state.json' });
  expect(parseStateLocation('./s', '2/4')).toEqual({ kind: 'directory', dir: './s', file: 'state-shard-2-of-4.json' });
  expect(stateFileName()).toBe('state.json');
});

test('oci://REG/REPO:TAG, shards suffixing the tag; no tag means monitor-state', () => {
  expect(parseStateLocation('oci://ghcr.io/acme/monitor:prod')).toEqual({ kind: 'oci', registry: 'ghcr.io', repository: 'acme/monitor', tag: 'prod', display: 'oci://ghcr.io/acme/monitor:prod' });
  expect(parseStateLocation('oci://127.0.0.1:5000/m:prod', '1/3')).toMatchObject({ registry: '127.0.0.1:5000', repository: 'm', tag: 'prod-shard-1-of-3' });
  expect(parseStateLocation('oci://localhost/m')).toMatchObject({ tag: 'monitor-state' });
});

test.each([
  ['oci://monitor:prod', /name the registry/],
  ['oci://acme/monitor:prod', /name the registry/],
  [`oci://ghcr.io/acme/m@sha256:${'a'.repeat(64)}`, /under a tag, not a digest/],
  ['oci://ghcr.io/Acme/m:prod', /must be lowercase/],
  ['  ', /--state is empty/],
])('%s is a one-line error', (location, message) => {
  expect(() => parseStateLocation(location)).toThrow(message);
});

test("shards are the inventory's I/N, 0-based as an Indexed Job's JOB_COMPLETION_INDEX", () => {
  expect(parseStateLocation('./s', '0/4')).toMatchObject({ file: 'state-shard-0-of-4.json' });
  expect(parseStateLocation('./s', '3/8')).toMatchObject({ file: 'state-shard-3-of-8.json' });
  for (const bad of ['4/4', '5/4', '1/0', 'a/b', '1', '-1/2']) expect(() => parseStateLocation('./s', bad)).toThrow(/must be I\/N/);
});

test('a shard tag past 128 characters is refused', () => {
  expect(() => stateTag('t'.repeat(120), { index: 10, count: 10 })).toThrow(/longer than the 128 characters/);
});

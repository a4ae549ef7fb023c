import { UserError } from '../../core/errors';
import type { Workload } from '../model';
import { formatShard, groupContainers, inShard, mergeInventories, parseShard, shardOf } from './group';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

function w(cluster: string, pod: string, extra: Partial<Workload> = {}): Workload {
  return { cluster, namespace: 'shop', kind: 'Deployment', name: 'web', pod, container: 'app', containerKind: 'container', image: 'x', ...extra };
}

describe('groupContainers', () => {
  test('one record per digest, fanned out to every workload and cluster, sorted, duplicates dropped', () => {
    const rows = [
      { digest: B, repository: 'r.example/b', workload: w('staging', 'p2') },
      { digest: A, repository: 'r.example/a', workload: w('prod', 'p9') },
      { digest: B, repository: 'r.example/b', workload: w('prod', 'p1') },
      { digest: B, repository: 'r.example/b', workload: w('prod', 'p1') },
    ];
    const images = groupContainers(rows);
    expect(images.map((i) => i.digest)).toEqual([A, B]);
    expect(images[1]).toEqual({ digest: B, repository: 'r.example/b', workloads: [w('prod', 'p1'), w('staging', 'p2')] });
    expect(groupContainers(rows.slice().reverse())).toEqual(images);
  });
  test('a digest pulled through two repositories names the one most containers use, else the first by name', () => {
    const two = [
      { digest: A, repository: 'z.example/a', workload: w('prod', 'p1') },
      { digest: A, repository: 'm.example/a', workload: w('prod', 'p2') },
    ];
    expect(groupContainers(two)[0].repository).toBe('m.example/a');
    expect(groupContainers([...two, { digest: A, repository: 'z.example/a', workload: w('prod', 'p3') }])[0].repository).toBe('z.example/a');
  });
  test('mergeInventories joins the same digest from two sources and keeps every note', () => {
    const one = { images: groupContainers([{ digest: A, repository: 'r/a', workload: w('prod', 'p1') }]), notes: [{ source: 'x', message: 'm1' }] };
    const two = { images: groupContainers([{ digest: A, repository: 'r/a', workload: w('dr', 'p1') }]), notes: [{ source: 'y', message: 'm2' }] };
    const merged = mergeInventories([one, two]);
    expect(merged.images).toHaveLength(1);
    expect(merged.images[0].workloads.map((x) => x.cluster)).toEqual(['dr', 'prod']);
    expect(merged.notes).toHaveLength(2);
  });
});

describe('shards', () => {
  test('parseShard reads I/N (0-based) and refuses the rest in one line', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    expect(formatShard(parseShard('2/5'))).toBe('2/5');
    for (const bad of ['4/4', '1/0', '-1/3', 'a/b', '1', '1/2/3', '', '0/100000']) {
      expect(() => parseShard(bad)).toThrow(UserError);
    }
    expect(() => parseShard('4/4')).toThrow("--shard '4/4' must be I/N with 0 <= I < N");
  });
  test('shardOf is stable, in range, and spreads digests over the shards', () => {
    const digests = Array.from({ length: 400 }, (_, i) => `sha256:${i.toString(16).padStart(64, '0')}`);
    const counts = [0, 0, 0, 0];
    for (const d of digests) {
      const s = shardOf(d, 4);
      expect(s).toBe(shardOf(d, 4));
      counts[s]++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(50);
    expect(shardOf(A, 1)).toBe(0);
  });
  test('inShard: the shards partition the inventory', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ digest: `sha256:${i.toString(16).padStart(64, '0')}`, repository: 'r/x', workload: w('prod', `p${i}`) }));
    const inventory = { images: groupContainers(rows), notes: [{ source: 's', message: 'm' }] };
    const parts = [0, 1, 2].map((index) => inShard(inventory, { index, count: 3 }));
    expect(parts.flatMap((p) => p.images.map((i) => i.digest)).sort()).toEqual(inventory.images.map((i) => i.digest));
    for (const p of parts) expect(p.notes).toEqual(inventory.notes);
  });
});

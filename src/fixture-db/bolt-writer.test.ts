import { BOLT_PAGE_SIZE, fnv1a64, writeBolt, type BoltBucket } from './bolt-writer';

// A minimal bbolt reader (format facts: page header, meta, leaf/branch elements, bucket headers)
// that walks the whole file, checking what bbolt checks when it opens and reads a database.
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bad bbolt file: ${what}`);
}

let branchPages = 0;

function readBolt(file: Buffer): BoltBucket {
  const pageSize = file.readUInt32LE(16 + 8);
  expect(file.length % pageSize).toBe(0);
  for (const pgid of [0, 1]) {
    const meta = pgid * pageSize + 16;
    expect(file.readUInt16LE(pgid * pageSize + 8)).toBe(0x04);
    expect(file.readUInt32LE(meta)).toBe(0xed0cdaed);
    expect(file.readUInt32LE(meta + 4)).toBe(2);
    expect(file.readBigUInt64LE(meta + 56)).toBe(fnv1a64(file.subarray(meta, meta + 56)));
    expect(Number(file.readBigUInt64LE(meta + 40))).toBe(file.length / pageSize);
  }
  const freelist = Number(file.readBigUInt64LE(16 + 32));
  expect(file.readUInt16LE(freelist * pageSize + 8)).toBe(0x10);
  return readBucket(file, pageSize, Number(file.readBigUInt64LE(16 + 16)));
}

function readBucket(file: Buffer, pageSize: number, pgid: number): BoltBucket {
  const out: BoltBucket = new Map();
  let last: Buffer | undefined;
  const visit = (id: number, lowerBound: Buffer | undefined) => {
    const page = id * pageSize;
    check(Number(file.readBigUInt64LE(page)) === id, `page ${id} header id`);
    const flags = file.readUInt16LE(page + 8);
    const count = file.readUInt16LE(page + 10);
    for (let i = 0; i < count; i++) {
      const el = page + 16 + i * 16;
      if (flags === 0x01) {
        if (i === 0) branchPages++;
        const pos = file.readUInt32LE(el);
        const key = file.subarray(el + pos, el + pos + file.readUInt32LE(el + 4));
        if (lowerBound && i === 0) check(Buffer.compare(key, lowerBound) === 0, 'branch key = first key of child');
        visit(Number(file.readBigUInt64LE(el + 8)), key);
      } else {
        check(flags === 0x02, `page ${id} flags`);
        const [elFlags, pos, ksize, vsize] = [0, 4, 8, 12].map((o) => file.readUInt32LE(el + o));
        const key = file.subarray(el + pos, el + pos + ksize);
        const value = file.subarray(el + pos + ksize, el + pos + ksize + vsize);
        const name = key.toString('utf8');
        check(!out.has(name), 'unique keys');
        if (last) check(Buffer.compare(last, key) < 0, 'keys sorted bytewise');
        last = Buffer.from(key);
        out.set(name, elFlags === 1 ? readBucket(file, pageSize, Number(value.readBigUInt64LE(0))) : Buffer.from(value));
      }
    }
  };
  visit(pgid, undefined);
  return out;
}

describe('writeBolt', () => {
  it('writes meta pages with valid checksums and a readable bucket tree', () => {
    const tree: BoltBucket = new Map<string, Buffer | BoltBucket>([
      ['vulnerability', new Map([['CVE-1', Buffer.from('{"a":1}')]])],
      ['data-source', new Map()],
      ['debian 12', new Map([['zlib', new Map([['CVE-2', Buffer.from('{}')]])]])],
    ]);
    const file = writeBolt(tree);
    expect(file.length).toBe(BOLT_PAGE_SIZE * (3 + 5));
    expect(readBolt(file)).toEqual(tree);
  });

  it('splits big buckets over leaf pages under branch pages, and spills big values to overflow pages', () => {
    const big: BoltBucket = new Map();
    for (let i = 0; i < 3000; i++) big.set(`CVE-2024-${String(i).padStart(5, '0')}`, Buffer.from(JSON.stringify({ FixedVersion: `1.${i}` })));
    big.set('huge', Buffer.alloc(3 * BOLT_PAGE_SIZE, 7));
    const tree: BoltBucket = new Map([['b', big]]);
    const file = writeBolt(tree);
    branchPages = 0;
    const back = readBolt(file);
    expect(branchPages).toBeGreaterThan(0);
    expect(back).toEqual(tree);
    // Keys come back in bytewise order whatever the insertion order.
    expect([...(back.get('b') as BoltBucket).keys()].slice(0, 2)).toEqual(['CVE-2024-00000', 'CVE-2024-00001']);
  });

  it('rejects empty keys', () => {
    expect(() => writeBolt(new Map([['', Buffer.from('x')]]))).toThrow(/empty/);
  });

  it('computes FNV-1a 64', () => {
    expect(fnv1a64(Buffer.from(''))).toBe(0xcbf29ce484222325n);
    expect(fnv1a64(Buffer.from('a'))).toBe(0xaf63dc4c8601ec8cn);
  });
});

/**
 * A writer for the bbolt (go.etcd.io/bbolt) file format, enough to produce a read-only database of
 * nested buckets in one go: meta pages 0 and 1, an empty freelist page, then leaf/branch pages
 * written bottom-up. Every bucket gets its own pages (no inline buckets); values larger than a page
 * spill into overflow pages. Integers are little-endian, as bbolt writes them on amd64/arm64.
 */

/** A bucket: keys map to a value (bytes) or to a nested bucket. */
export type BoltBucket = Map<string, Buffer | BoltBucket>;

export const BOLT_PAGE_SIZE = 4096;

const PAGE_HEADER_SIZE = 16; // id u64, flags u16, count u16, overflow u32
const ELEMENT_SIZE = 16; // leaf: flags,pos,ksize,vsize (u32 each); branch: pos,ksize (u32), pgid (u64)
const BUCKET_HEADER_SIZE = 16; // root pgid u64, sequence u64

const BRANCH_PAGE = 0x01;
const LEAF_PAGE = 0x02;
const META_PAGE = 0x04;
const FREELIST_PAGE = 0x10;
const BUCKET_LEAF_FLAG = 0x01;

const MAGIC = 0xed0cdaed;
const FORMAT_VERSION = 2;
const META_CHECKSUM_OFFSET = 56; // the checksum covers the meta fields before it

interface LeafElement {
  key: Buffer;
  value: Buffer;
  isBucket: boolean;
}

interface BranchElement {
  key: Buffer;
  pgid: number;
}

/** Serializes `root` (the top-level buckets) into a complete bbolt file. */
export function writeBolt(root: BoltBucket, pageSize = BOLT_PAGE_SIZE): Buffer {
  const pages = new PageAllocator(pageSize, 3); // 0, 1: meta; 2: freelist
  const rootPgid = writeBucket(root, pages);
  const pageCount = pages.next;

  const file = Buffer.alloc(pageCount * pageSize);
  for (const [pgid, bytes] of pages.written) bytes.copy(file, pgid * pageSize);
  writeMeta(file, 0, pageSize, rootPgid, 2, pageCount, 0);
  writeMeta(file, 1, pageSize, rootPgid, 2, pageCount, 1);
  writePageHeader(file, 2 * pageSize, 2, FREELIST_PAGE, 0, 0);
  return file;
}

class PageAllocator {
  next: number;
  readonly written: Array<[number, Buffer]> = [];
  constructor(readonly pageSize: number, firstFree: number) {
    this.next = firstFree;
  }

  /** Places `content` (header included) on as many contiguous pages as it needs. */
  place(build: (pgid: number, overflow: number) => Buffer, size: number): number {
    const pgid = this.next;
    const span = Math.max(1, Math.ceil(size / this.pageSize));
    this.next += span;
    this.written.push([pgid, build(pgid, span - 1)]);
    return pgid;
  }
}

function compareKeys(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/** Writes the bucket's children first, then its own pages; returns its root page id. */
function writeBucket(bucket: BoltBucket, pages: PageAllocator): number {
  const elements: LeafElement[] = [];
  for (const [name, content] of bucket) {
    const key = Buffer.from(name, 'utf8');
    if (key.length === 0) throw new Error('bbolt keys must not be empty');
    if (Buffer.isBuffer(content)) {
      elements.push({ key, value: content, isBucket: false });
    } else {
      const childRoot = writeBucket(content, pages);
      const header = Buffer.alloc(BUCKET_HEADER_SIZE);
      header.writeBigUInt64LE(BigInt(childRoot), 0);
      elements.push({ key, value: header, isBucket: true });
    }
  }
  elements.sort((a, b) => compareKeys(a.key, b.key));
  for (let i = 1; i < elements.length; i++) {
    if (compareKeys(elements[i - 1].key, elements[i].key) === 0) throw new Error(`duplicate bbolt key ${elements[i].key.toString()}`);
  }

  let level: BranchElement[] = chunk(elements, (e) => ELEMENT_SIZE + e.key.length + e.value.length, pages.pageSize).map(
    (group) => ({ key: group[0]?.key ?? Buffer.alloc(0), pgid: placeLeaf(group, pages) }),
  );
  while (level.length > 1) {
    level = chunk(level, (e) => ELEMENT_SIZE + e.key.length, pages.pageSize).map((group) => ({
      key: group[0].key,
      pgid: placeBranch(group, pages),
    }));
  }
  return level[0].pgid;
}

/** Splits elements into page-sized groups (at least one element per group; an empty bucket is one empty leaf). */
function chunk<T>(items: T[], sizeOf: (item: T) => number, pageSize: number): T[][] {
  const groups: T[][] = [[]];
  let used = PAGE_HEADER_SIZE;
  for (const item of items) {
    const size = sizeOf(item);
    const current = groups[groups.length - 1];
    if (current.length > 0 && used + size > pageSize) {
      groups.push([item]);
      used = PAGE_HEADER_SIZE + size;
    } else {
      current.push(item);
      used += size;
    }
  }
  return groups;
}

function placeLeaf(group: LeafElement[], pages: PageAllocator): number {
  const size = PAGE_HEADER_SIZE + group.reduce((n, e) => n + ELEMENT_SIZE + e.key.length + e.value.length, 0);
  return pages.place((pgid, overflow) => {
    const buf = Buffer.alloc((overflow + 1) * pages.pageSize);
    writePageHeader(buf, 0, pgid, LEAF_PAGE, group.length, overflow);
    let data = PAGE_HEADER_SIZE + group.length * ELEMENT_SIZE;
    group.forEach((e, i) => {
      const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      buf.writeUInt32LE(e.isBucket ? BUCKET_LEAF_FLAG : 0, at);
      buf.writeUInt32LE(data - at, at + 4); // position is relative to the element itself
      buf.writeUInt32LE(e.key.length, at + 8);
      buf.writeUInt32LE(e.value.length, at + 12);
      e.key.copy(buf, data);
      e.value.copy(buf, data + e.key.length);
      data += e.key.length + e.value.length;
    });
    return buf;
  }, size);
}

function placeBranch(group: BranchElement[], pages: PageAllocator): number {
  const size = PAGE_HEADER_SIZE + group.reduce((n, e) => n + ELEMENT_SIZE + e.key.length, 0);
  return pages.place((pgid, overflow) => {
    const buf = Buffer.alloc((overflow + 1) * pages.pageSize);
    writePageHeader(buf, 0, pgid, BRANCH_PAGE, group.length, overflow);
    let data = PAGE_HEADER_SIZE + group.length * ELEMENT_SIZE;
    group.forEach((e, i) => {
      const at = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      buf.writeUInt32LE(data - at, at);
      buf.writeUInt32LE(e.key.length, at + 4);
      buf.writeBigUInt64LE(BigInt(e.pgid), at + 8);
      e.key.copy(buf, data);
      data += e.key.length;
    });
    return buf;
  }, size);
}

function writePageHeader(buf: Buffer, offset: number, pgid: number, flags: number, count: number, overflow: number): void {
  if (count > 0xffff) throw new Error('too many elements for one bbolt page');
  buf.writeBigUInt64LE(BigInt(pgid), offset);
  buf.writeUInt16LE(flags, offset + 8);
  buf.writeUInt16LE(count, offset + 10);
  buf.writeUInt32LE(overflow, offset + 12);
}

function writeMeta(
  file: Buffer,
  pgid: number,
  pageSize: number,
  rootPgid: number,
  freelistPgid: number,
  pageCount: number,
  txid: number,
): void {
  const page = pgid * pageSize;
  writePageHeader(file, page, pgid, META_PAGE, 0, 0);
  const meta = page + PAGE_HEADER_SIZE;
  file.writeUInt32LE(MAGIC, meta);
  file.writeUInt32LE(FORMAT_VERSION, meta + 4);
  file.writeUInt32LE(pageSize, meta + 8);
  file.writeUInt32LE(0, meta + 12); // flags
  file.writeBigUInt64LE(BigInt(rootPgid), meta + 16); // root bucket: root page
  file.writeBigUInt64LE(0n, meta + 24); // root bucket: sequence
  file.writeBigUInt64LE(BigInt(freelistPgid), meta + 32);
  file.writeBigUInt64LE(BigInt(pageCount), meta + 40); // high-water mark
  file.writeBigUInt64LE(BigInt(txid), meta + 48);
  file.writeBigUInt64LE(fnv1a64(file.subarray(meta, meta + META_CHECKSUM_OFFSET)), meta + META_CHECKSUM_OFFSET);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

export function fnv1a64(data: Buffer): bigint {
  let hash = FNV_OFFSET;
  for (const byte of data) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & U64;
  }
  return hash;
}

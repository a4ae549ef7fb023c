import { ASN1Obj, ByteStream } from '@sigstore/core';

// Building a certificate path, @sigstore/core re-encodes the same certificates to DER many times
// over (every `equals` while sorting and deduplicating candidates, every signature check), which was
// most of a cold verify. Both tunings below keep the library's results byte for byte; both reach
// past its public types, so each is checked first: a release without the field or method is left
// as it is.

// Each encoding starts buffers of BLOCK_SIZE zeroed bytes for every ASN.1 node, most of them a few
// bytes long: with the default 1 KiB that garbage was a fifth of a cold verify. Any size is correct
// (a buffer grows by at least what is appended).
const tunable = ByteStream as unknown as { BLOCK_SIZE?: unknown };
if (typeof tunable.BLOCK_SIZE === 'number') tunable.BLOCK_SIZE = 64;

// A node's encoding is computed once and kept with it, with the shape of the tree under it (each
// node and its number of children): the library changes a tree in one place (verifying an SCT, it
// removes the SCT extension from a copy of the certificate and encodes that), so an encoding is
// used again only while the tree it was made from is unchanged. The re-encoding itself is kept,
// not replaced by the parsed bytes: the library checks signatures over what it re-encodes.
interface Encoded {
  der: Buffer;
  /** The nodes under (and including) the encoded one, depth first, and each one's child count. */
  nodes: ASN1Obj[];
  counts: number[];
}

function shapeOf(root: ASN1Obj): Pick<Encoded, 'nodes' | 'counts'> {
  const nodes: ASN1Obj[] = [];
  const counts: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node);
    counts.push(node.subs.length);
    for (let i = node.subs.length - 1; i >= 0; i--) stack.push(node.subs[i]!);
  }
  return { nodes, counts };
}

function sameShape(root: ASN1Obj, e: Encoded): boolean {
  const stack = [root];
  let i = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (e.nodes[i] !== node || e.counts[i] !== node.subs.length) return false;
    i++;
    for (let k = node.subs.length - 1; k >= 0; k--) stack.push(node.subs[k]!);
  }
  return i === e.nodes.length;
}

const proto = ASN1Obj.prototype as unknown as { toDER?: unknown };
if (typeof proto.toDER === 'function' && !(proto.toDER as { memoized?: true }).memoized) {
  const encode = proto.toDER as (this: ASN1Obj) => Buffer;
  const encoded = new WeakMap<ASN1Obj, Encoded>();
  const memoized = function toDER(this: ASN1Obj): Buffer {
    const known = encoded.get(this);
    if (known && sameShape(this, known)) return known.der;
    const der = encode.call(this);
    encoded.set(this, { der, ...shapeOf(this) });
    return der;
  };
  proto.toDER = Object.assign(memoized, { memoized: true as const });
}

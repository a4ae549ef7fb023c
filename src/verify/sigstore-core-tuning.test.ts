import { ASN1Obj } from '@sigstore/core';
import './sigstore-core-tuning';

// SEQUENCE { INTEGER 1, SEQUENCE { INTEGER 2, INTEGER 3 } }
const der = Buffer.from('300b020101300602010202010' + '3', 'hex');

describe('the memoized ASN.1 encoding', () => {
  it('gives the encoding the library makes, once per node', () => {
    const root = ASN1Obj.parseBuffer(der);
    const first = root.toDER();
    expect(first.equals(der)).toBe(true);
    expect(root.toDER()).toBe(first);
    expect(root.subs[1]!.toDER().equals(Buffer.from('3006020102020103', 'hex'))).toBe(true);
  });

  it('encodes again once the tree under a node has changed (as verifying an SCT does to a copy)', () => {
    const root = ASN1Obj.parseBuffer(der);
    root.toDER();
    root.subs[1]!.subs.splice(0, 1);
    expect(root.toDER().equals(Buffer.from('3008020101300302010' + '3', 'hex'))).toBe(true);
    expect(root.subs[1]!.toDER().equals(Buffer.from('3003020103', 'hex'))).toBe(true);
  });

  it('encodes again when a child is replaced by another node', () => {
    const root = ASN1Obj.parseBuffer(der);
    root.toDER();
    root.subs[0] = ASN1Obj.parseBuffer(Buffer.from('020105', 'hex'));
    expect(root.toDER().equals(Buffer.from('300b020105300602010202010' + '3', 'hex'))).toBe(true);
  });
});

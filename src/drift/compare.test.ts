import { compareSboms, hasDrift } from './compare';
import { normalizePurl } from './purl';

const ids = (...purls: string[]) => purls.map((p) => normalizePurl(p)!);

describe('compareSboms', () => {
  it('reports added, removed and changed packages, sorted', () => {
    const drift = compareSboms(
      ids('pkg:deb/debian/libc6@2.36-9?arch=amd64', 'pkg:deb/debian/tzdata@2025a-0', 'pkg:deb/debian/gone@1'),
      ids('pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64', 'pkg:deb/debian/tzdata@2025a-0?arch=all', 'pkg:deb/debian/curl@7.88.1-10', 'pkg:deb/debian/bash@5.2'),
    );
    expect(drift).toEqual({
      added: ['pkg:deb/debian/bash@5.2', 'pkg:deb/debian/curl@7.88.1-10'],
      removed: ['pkg:deb/debian/gone@1'],
      changed: [{ name: 'pkg:deb/debian/libc6', from: '2.36-9', to: '2.36-9+deb12u1' }],
    });
    expect(hasDrift(drift)).toBe(true);
  });

  it('finds no drift between the same packages listed differently', () => {
    const drift = compareSboms(ids('pkg:deb/debian/a@1%3A2?arch=amd64', 'pkg:deb/debian/a@1:2'), ids('pkg:deb/debian/a@2?epoch=1'));
    expect(hasDrift(drift)).toBe(false);
  });

  it('reports versions of a name present on only one side one by one when several are', () => {
    const drift = compareSboms(ids('pkg:npm/x@1', 'pkg:npm/x@2'), ids('pkg:npm/x@2', 'pkg:npm/x@3', 'pkg:npm/x@4'));
    expect(drift).toEqual({ added: ['pkg:npm/x@3', 'pkg:npm/x@4'], removed: ['pkg:npm/x@1'], changed: [] });
  });
});

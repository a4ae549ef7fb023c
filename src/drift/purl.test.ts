import { normalizePurl } from './purl';

describe('normalizePurl', () => {
  it('reads trivy and syft purls of one Debian package as the same id', () => {
    const trivy = normalizePurl('pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1&distro=debian-12.11')!;
    const syft = normalizePurl('pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&upstream=zlib&distro=debian-12')!;
    expect(trivy).toEqual(syft);
    expect(trivy).toEqual({ key: 'deb/debian/zlib1g', version: '1:1.2.13.dfsg-1', name: 'pkg:deb/debian/zlib1g', purl: 'pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1' });
  });

  it('decodes percent-encoding and ignores qualifiers and subpath', () => {
    const a = normalizePurl('pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64#usr/lib')!;
    const b = normalizePurl('pkg:deb/debian/libc6@2.36-9+deb12u14?arch=all&distro=debian-12.11')!;
    expect(a).toEqual(b);
    expect(a.purl).toBe('pkg:deb/debian/libc6@2.36-9+deb12u14');
  });

  it('treats an explicit zero epoch as none', () => {
    expect(normalizePurl('pkg:rpm/redhat/bash@5.1.8-6.el9?epoch=0&arch=x86_64')!.version).toBe('5.1.8-6.el9');
    expect(normalizePurl('pkg:rpm/redhat/bash@0:5.1.8-6.el9')!.version).toBe('5.1.8-6.el9');
  });

  it('lowercases types and case-insensitive names, normalizes PyPI names, keeps npm scopes', () => {
    expect(normalizePurl('pkg:PyPI/Django_Rest.Framework@3.0')!.key).toBe('pypi/django-rest-framework');
    expect(normalizePurl('pkg:npm/%40babel/core@7.0.0')).toMatchObject({ key: 'npm/@babel/core', version: '7.0.0', purl: 'pkg:npm/%40babel/core@7.0.0' });
    expect(normalizePurl('pkg:maven/org.Apache/Commons@1.0')!.key).toBe('maven/org.Apache/Commons');
  });

  it('rejects what is not a purl with a type and a name', () => {
    expect(normalizePurl('deb/debian/x@1')).toBeUndefined();
    expect(normalizePurl('pkg:deb')).toBeUndefined();
    expect(normalizePurl('pkg:deb/%zz@1')).toMatchObject({ key: 'deb/%zz' });
  });
});

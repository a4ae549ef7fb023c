import { sbomPackages } from './sbom-packages';

const cdx = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  components: [
    { type: 'operating-system', name: 'debian', version: '12.11' },
    { type: 'library', name: 'libc6', purl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12.11' },
    { type: 'application', name: 'app', components: [{ type: 'library', name: 'lodash', purl: 'pkg:npm/lodash@4.17.21' }] },
    'junk',
    { type: 'library', name: 'bad', purl: 42 },
  ],
};

const spdx = {
  spdxVersion: 'SPDX-2.3',
  packages: [
    { name: 'debian', versionInfo: '12.11' },
    { name: 'libc6', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/libc6@2.36-9?arch=amd64' }] },
    { name: 'lodash', externalRefs: [{ referenceCategory: 'SECURITY', referenceType: 'cpe23Type', referenceLocator: 'cpe:2.3:a:x' }, { referenceCategory: 'PACKAGE_MANAGER', referenceType: 'purl', referenceLocator: 'pkg:npm/lodash@4.17.21' }] },
  ],
};

describe('sbomPackages', () => {
  it('reads CycloneDX components (nested too) and SPDX packages by purl, skipping entries without one', () => {
    const a = sbomPackages(cdx);
    const b = sbomPackages(spdx);
    expect(a.format).toBe('cyclonedx');
    expect(b.format).toBe('spdx');
    expect(a.packages.map((p) => p.purl)).toEqual(['pkg:deb/debian/libc6@2.36-9', 'pkg:npm/lodash@4.17.21']);
    expect(b.packages).toEqual(a.packages);
  });

  it('takes the predicate of an in-toto statement', () => {
    const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://cyclonedx.org/bom', predicate: cdx };
    expect(sbomPackages(statement).packages).toHaveLength(2);
    const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64'), signatures: [] };
    expect(sbomPackages(envelope).packages).toHaveLength(2);
    expect(sbomPackages({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {}, dsseEnvelope: envelope }).packages).toHaveLength(2);
  });

  it('refuses what is not an SBOM with one line naming it', () => {
    expect(() => sbomPackages([1], 'x.json')).toThrow(/^x\.json is not a JSON object/);
    expect(() => sbomPackages({ hello: 1 }, 'x.json')).toThrow(/^x\.json: the SBOM is neither CycloneDX/);
  });
});

import { cycloneDxBlob, isCycloneDx, parsePurl, scanReplyToReport } from './trivy-blob';

const prop = (name: string, value: string) => ({ name: `aquasecurity:trivy:${name}`, value });

const DOC = {
  bomFormat: 'CycloneDX',
  components: [
    { 'bom-ref': 'os', type: 'operating-system', name: 'debian', version: '12.1' },
    {
      'bom-ref': 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1',
      type: 'library',
      name: 'zlib1g',
      version: '1.2.13.dfsg-1',
      purl: 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1&distro=debian-12.1',
      properties: [prop('PkgID', 'zlib1g@1:1.2.13.dfsg-1'), prop('SrcName', 'zlib'), prop('SrcVersion', '1.2.13.dfsg'), prop('SrcRelease', '1'), prop('SrcEpoch', '1')],
    },
    { 'bom-ref': 'lodash', type: 'library', name: 'lodash', version: '4.17.11', purl: 'pkg:npm/lodash@4.17.11', properties: [prop('FilePath', 'app/node_modules/lodash/package.json')] },
    { 'bom-ref': 'scoped', type: 'library', group: '@acme', name: 'util', version: '1.0.0', purl: 'pkg:npm/%40acme/util@1.0.0' },
    { 'bom-ref': 'go-app', type: 'application', name: 'usr/bin/tool', properties: [prop('Type', 'gobinary')] },
    { 'bom-ref': 'gomod', type: 'library', name: 'golang.org/x/net', version: 'v0.1.0', purl: 'pkg:golang/golang.org/x/net@v0.1.0' },
    { 'bom-ref': 'unknown', type: 'library', name: 'thing', version: '1', purl: 'pkg:generic/thing@1' },
  ],
  dependencies: [
    { ref: 'os', dependsOn: ['pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1'] },
    { ref: 'go-app', dependsOn: ['gomod'] },
  ],
};

describe('trivy blob from CycloneDX', () => {
  test('OS packages by the OS component, applications by theirs, orphans grouped by type, unknown types left out', () => {
    expect(isCycloneDx(DOC)).toBe(true);
    expect(isCycloneDx({ spdxVersion: 'SPDX-2.3' })).toBe(false);
    const blob = cycloneDxBlob(DOC);
    expect(blob.os).toEqual({ family: 'debian', name: '12.1' });
    expect(blob.package_infos[0]!.packages).toEqual([
      expect.objectContaining({ name: 'zlib1g', version: '1.2.13.dfsg-1', epoch: 1, arch: 'amd64', src_name: 'zlib', src_version: '1.2.13.dfsg', src_release: '1', src_epoch: 1, id: 'zlib1g@1:1.2.13.dfsg-1' }),
    ]);
    expect(blob.applications.map((a) => [a.type, a.file_path, a.packages.map((p) => p.name)])).toEqual([
      ['gobinary', 'usr/bin/tool', ['golang.org/x/net']],
      ['node-pkg', '', ['lodash', '@acme/util']],
    ]);
    expect(blob.applications[1]!.libraries).toBe(blob.applications[1]!.packages);
    expect(blob.applications[1]!.packages[0]!.file_path).toBe('app/node_modules/lodash/package.json');
  });

  test('purls: namespace, qualifiers, escapes', () => {
    expect(parsePurl('pkg:npm/%40acme/util@1.0.0?x=1#sub')).toEqual({ type: 'npm', namespace: '@acme', name: 'util', version: '1.0.0', qualifiers: { x: '1' } });
    expect(parsePurl('not a purl')).toBeUndefined();
  });

  test("the Scan reply (proto names or JSON names) reads as trivy's report", () => {
    const report = scanReplyToReport(
      {
        results: [
          { target: 'x (debian 12.1)', class: 'os-pkgs', type: 'debian', vulnerabilities: [{ vulnerability_id: 'CVE-1', pkg_name: 'zlib1g', installed_version: '1', fixed_version: '', severity: 'CRITICAL', pkg_identifier: null }] },
          { target: 'Node.js', class: 'lang-pkgs', type: 'node-pkg', vulnerabilities: [{ vulnerabilityId: 'CVE-2', pkgName: 'lodash', installedVersion: '4', fixedVersion: '5', severity: 'HIGH', pkgIdentifier: { purl: 'pkg:npm/lodash@4' } }] },
        ],
      },
      'img',
    );
    expect(report.Results).toEqual([
      { Target: 'x (debian 12.1)', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: [{ VulnerabilityID: 'CVE-1', PkgName: 'zlib1g', InstalledVersion: '1', Severity: 'CRITICAL' }] },
      { Target: 'Node.js', Class: 'lang-pkgs', Type: 'node-pkg', Vulnerabilities: [{ VulnerabilityID: 'CVE-2', PkgName: 'lodash', InstalledVersion: '4', FixedVersion: '5', Severity: 'HIGH', PkgIdentifier: { PURL: 'pkg:npm/lodash@4' } }] },
    ]);
  });
});

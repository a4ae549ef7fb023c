import { UserError } from '../core/errors';
import { parseIgnoreFile, parseVex, sha256Hex, suppressionParameters, suppressionsRecord, trivyIgnoreText } from './suppressions';

describe('parseIgnoreFile', () => {
  const now = new Date('2026-06-15T12:00:00Z');

  it('reads ids, comments and expiry dates; an entry expired before today is recorded but not applied', () => {
    const text = '# accepted risks\n\nCVE-2019-10744\nGHSA-xxxx-yyyy-zzzz exp:2026-06-15  # until the upgrade\nCVE-2021-44906 exp:2026-06-14\n';
    const list = parseIgnoreFile(text, now);
    expect(list.sha256).toBe(sha256Hex(text));
    expect(list.entries).toEqual([{ id: 'CVE-2019-10744' }, { id: 'GHSA-xxxx-yyyy-zzzz', expires: '2026-06-15' }]);
    expect(list.expired).toEqual([{ id: 'CVE-2021-44906', expires: '2026-06-14' }]);
    expect(trivyIgnoreText(list)).toBe('CVE-2019-10744\nGHSA-xxxx-yyyy-zzzz\n');
    expect(trivyIgnoreText(undefined)).toBe('');
  });

  it('refuses a line it cannot read, naming it', () => {
    expect(() => parseIgnoreFile('CVE-1 because-i-said-so\n', now)).toThrow(UserError);
    expect(() => parseIgnoreFile('CVE-1 exp:2026-13-45\n', now)).toThrow(/line 1 'CVE-1 exp:2026-13-45'/);
  });
});

describe('parseVex', () => {
  it('summarises OpenVEX v0.2.0 and the older string form', () => {
    const v2 = parseVex(JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      statements: [{ vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:oci/app', subcomponents: [{ '@id': 'pkg:npm/lodash@4.17.11' }] }], status: 'not_affected', justification: 'component_not_present' }],
    }));
    expect(v2.format).toBe('openvex');
    expect(v2.statements).toEqual([{ vulnerability: 'CVE-1', status: 'not_affected', justification: 'component_not_present', products: ['pkg:oci/app', 'pkg:npm/lodash@4.17.11'] }]);
    const old = parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns', statements: [{ vulnerability: 'CVE-2', products: ['pkg:npm/x@1'], status: 'fixed' }] }));
    expect(old.statements).toEqual([{ vulnerability: 'CVE-2', status: 'fixed', products: ['pkg:npm/x@1'] }]);
  });

  it('summarises CycloneDX VEX', () => {
    const text = JSON.stringify({ bomFormat: 'CycloneDX', vulnerabilities: [{ id: 'CVE-3', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'urn:cdx:abc/1#pkg' }] }] });
    const doc = parseVex(text);
    expect(doc).toMatchObject({ format: 'cyclonedx', sha256: sha256Hex(text), content: text });
    expect(doc.statements).toEqual([{ vulnerability: 'CVE-3', status: 'not_affected', justification: 'code_not_reachable', products: ['urn:cdx:abc/1#pkg'] }]);
  });

  it('refuses what is neither, and statements without a vulnerability or status', () => {
    expect(() => parseVex('not json')).toThrow(/is not JSON/);
    expect(() => parseVex('{"document":{"category":"csaf_vex"}}')).toThrow(/neither OpenVEX .* nor CycloneDX VEX/);
    expect(() => parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements: [{ products: [] }] }))).toThrow(UserError);
  });
});

describe('the record', () => {
  it('keeps digests and entries, never the VEX bytes; parameters name the digests', () => {
    const ignoreFile = parseIgnoreFile('CVE-1\n');
    const vex = parseVex(JSON.stringify({ '@context': 'https://openvex.dev/ns', statements: [] }));
    expect(suppressionsRecord({})).toEqual({});
    const record = suppressionsRecord({ ignoreFile, vex });
    expect(record).toEqual({
      ignoreFile: { digest: { sha256: ignoreFile.sha256 }, entries: [{ id: 'CVE-1' }], expired: [] },
      vex: { digest: { sha256: vex.sha256 }, format: 'openvex', statements: [] },
    });
    expect(JSON.stringify(record)).not.toContain('@context');
    expect(suppressionParameters({ ignoreFile, vex })).toEqual(['--ignore-file', `sha256:${ignoreFile.sha256}`, '--vex', `sha256:${vex.sha256}`]);
    expect(suppressionParameters({})).toEqual([]);
  });
});

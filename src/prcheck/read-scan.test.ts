import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { readScanDocument } from './read-scan';

const fixture = (name: string) => JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/grype', name), 'utf8')) as unknown;
const trivy = {
  SchemaVersion: 2,
  CreatedAt: '2026-01-02T03:04:09Z',
  Trivy: { Version: '0.58.1' },
  Results: [{ Target: 'Node.js', Type: 'node-pkg', Vulnerabilities: [{ VulnerabilityID: 'CVE-2019-10744', PkgName: 'lodash', InstalledVersion: '4.17.11', FixedVersion: '4.17.12', Severity: 'CRITICAL' }] }],
};
const predicate = { scanner: { uri: 'pkg:github/aquasecurity/trivy@0.58.1', version: '0.58.1', db: { uri: 'ghcr.io/aquasecurity/trivy-db:2', version: '2026-01-01T00:00:00Z' }, result: trivy }, metadata: { scanStartedOn: '2026-01-02T03:04:05Z', scanFinishedOn: '2026-01-02T03:04:09Z' } };
const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [{ digest: { sha256: 'ab' } }], predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1', predicate };
const bundle = {
  mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  verificationMaterial: {},
  dsseEnvelope: { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64'), signatures: [] },
};

describe('reading a scan document by its content', () => {
  test('trivy JSON', () => {
    const read = readScanDocument(trivy, 'head.json');
    expect(read.kind).toBe('trivy');
    expect(read.vulnerabilities.map((v) => [v.id, v.packageName, v.installedVersion, v.fixedVersion, v.severity])).toEqual([['CVE-2019-10744', 'lodash', '4.17.11', '4.17.12', 'CRITICAL']]);
    expect(read.db).toEqual({ scanner: 'trivy 0.58.1', version: 'schema 2', scannedAt: '2026-01-02T03:04:09Z' });
  });

  test('grype JSON (the fixture sample), CVE ids preferred, DB build time from the descriptor', () => {
    const read = readScanDocument(fixture('vulnerable.json'), 'g.json');
    expect(read.kind).toBe('grype');
    expect(read.vulnerabilities.map((v) => [v.id, v.packageName, v.severity])).toEqual([
      ['CVE-2019-10744', 'lodash', 'CRITICAL'],
      ['CVE-2021-44906', 'minimist', 'CRITICAL'],
      ['CVE-2023-45853', 'zlib1g', 'LOW'],
    ]);
    expect(read.db).toMatchObject({ scanner: 'grype 0.87.0', version: 'schema 5', builtAt: '2026-03-10T01:23:45Z' });
  });

  test('the vuln attestation as bare predicate, in-toto statement or Sigstore bundle reads the same', () => {
    const expected = readScanDocument(predicate, 'p');
    expect(expected.kind).toBe('predicate');
    expect(expected.db).toEqual({ scanner: 'pkg:github/aquasecurity/trivy@0.58.1', version: '2026-01-01T00:00:00Z', builtAt: '2026-01-01T00:00:00Z', scannedAt: '2026-01-02T03:04:09Z' });
    expect(expected.vulnerabilities.map((v) => v.id)).toEqual(['CVE-2019-10744']);
    expect(readScanDocument(statement, 's')).toEqual(expected);
    expect(readScanDocument(bundle, 'b')).toEqual(expected);
  });

  test('anything else is a one-line user error naming the file', () => {
    const bad: unknown[] = [null, [], 'x', { foo: 1 }, { SchemaVersion: 2, Results: 'x' }, { SchemaVersion: 2, Results: [{ Vulnerabilities: {} }] }, { matches: [{}], descriptor: {} }, { ...bundle, dsseEnvelope: { payload: 'bm90IGpzb24=' } }, { _type: statement._type }];
    for (const doc of bad) {
      expect(() => readScanDocument(doc, 'in.json')).toThrow(UserError);
      expect(() => readScanDocument(doc, 'in.json')).toThrow(/^in\.json[: ]/);
    }
  });
});

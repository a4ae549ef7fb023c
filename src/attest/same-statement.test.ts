import { PREDICATE } from '../oci/media-types';
import { sameStatement } from './same-statement';

const statement = (predicateType: string, predicate: object) => ({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'r', digest: { sha256: 'a' } }], predicateType, predicate });

describe('sameStatement', () => {
  test('key order does not matter; any other difference does', () => {
    expect(sameStatement(statement(PREDICATE.signature, { a: 1, b: 2 }), statement(PREDICATE.signature, { b: 2, a: 1 }))).toBe(true);
    expect(sameStatement(statement(PREDICATE.signature, { a: 1 }), statement(PREDICATE.signature, { a: 2 }))).toBe(false);
    expect(sameStatement(statement(PREDICATE.vuln, { metadata: { scanFinishedOn: '1' } }), statement(PREDICATE.vuln, { metadata: { scanFinishedOn: '2' } }))).toBe(false);
  });

  test("an SBOM's run stamps (serial number, timestamp, namespace, created) are not content", () => {
    const cdx = (serial: string, timestamp: string, name = 'lodash') => statement(PREDICATE.cyclonedx, { bomFormat: 'CycloneDX', serialNumber: serial, metadata: { timestamp, tools: [] }, components: [{ name }] });
    expect(sameStatement(cdx('urn:uuid:1', '2026-01-01T00:00:00Z'), cdx('urn:uuid:2', '2026-02-01T00:00:00Z'))).toBe(true);
    expect(sameStatement(cdx('urn:uuid:1', '2026-01-01T00:00:00Z'), cdx('urn:uuid:1', '2026-01-01T00:00:00Z', 'minimist'))).toBe(false);
    const spdx = (ns: string, created: string) => statement(PREDICATE.spdx, { spdxVersion: 'SPDX-2.3', documentNamespace: ns, creationInfo: { created, creators: ['Tool: trivy'] }, packages: [] });
    expect(sameStatement(spdx('http://x/1', '2026-01-01T00:00:00Z'), spdx('http://x/2', '2026-03-01T00:00:00Z'))).toBe(true);
  });
});

test("trivy's random bom-ref UUIDs are compared by position, not value", () => {
  const doc = (a: string, b: string) =>
    statement(PREDICATE.cyclonedx, { components: [{ 'bom-ref': a }, { 'bom-ref': b }], dependencies: [{ ref: 'x', dependsOn: [a, b] }] });
  const u = (n: number) => `${String(n).repeat(8)}-1111-4111-8111-111111111111`;
  expect(sameStatement(doc(u(1), u(2)), doc(u(3), u(4)))).toBe(true);
  expect(sameStatement(doc(u(1), u(2)), statement(PREDICATE.cyclonedx, { components: [{ 'bom-ref': u(1) }, { 'bom-ref': u(2) }], dependencies: [{ ref: 'x', dependsOn: [u(2), u(1)] }] }))).toBe(false);
});

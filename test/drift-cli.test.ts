import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runMain } from './support/run-main';

// `ship-image drift` on SBOM files: exit codes, both output forms, bad input in one line.
describe('ship-image drift --attested SBOM --observed SBOM', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'drift-cli-'));
  const file = (name: string, doc: unknown) => {
    const p = path.join(dir, name);
    writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
    return p;
  };
  const cdx = file('a.cdx.json', {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    components: [
      { type: 'library', name: 'libc6', purl: 'pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12.11' },
      { type: 'library', name: 'zlib1g', purl: 'pkg:deb/debian/zlib1g@1.2.13.dfsg-1?arch=amd64&epoch=1&distro=debian-12.11' },
    ],
  });
  const spdx = (extra: object[]) =>
    ({
      spdxVersion: 'SPDX-2.3',
      packages: [
        { name: 'libc6', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12' }] },
        { name: 'zlib1g', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&upstream=zlib' }] },
        ...extra,
      ],
    });
  const drifted = file('b.spdx.json', spdx([{ name: 'curl', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/curl@7.88.1-10?arch=amd64\u001b]0;owned\u0007' }] }]));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test('drift: exit 1, JSON in the documented shape, across CycloneDX and SPDX (a control sequence in a qualifier goes with the qualifiers)', async () => {
    const r = await runMain(['drift', '--attested', cdx, '--observed', drifted, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      added: ['pkg:deb/debian/curl@7.88.1-10'],
      removed: [],
      changed: [{ name: 'pkg:deb/debian/libc6', from: '2.36-9', to: '2.36-9+deb12u1' }],
    });
    const text = await runMain(['drift', '--attested', cdx, '--observed', drifted]);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(`drift between ${cdx} (attested) and ${drifted} (observed): 1 added, 0 removed, 1 changed\n+ pkg:deb/debian/curl@7.88.1-10\n~ pkg:deb/debian/libc6 2.36-9 -> 2.36-9+deb12u1\n`);
  });

  test('no drift: exit 0 (the other way round is removed, not added)', async () => {
    const same = file('same.spdx.json', spdx([]));
    expect((await runMain(['drift', '--attested', same, '--observed', same])).code).toBe(0);
    const back = await runMain(['drift', '--attested', drifted, '--observed', same, '--json']);
    expect(JSON.parse(back.stdout).removed).toEqual(['pkg:deb/debian/curl@7.88.1-10']);
  });

  test.each([
    [['--observed', 'x.json'], /^ship-image drift: --attested SBOM\|IMAGE is required; usage: /],
    [['--attested', 'a'], /give exactly one of --observed SBOM, --rootfs DIR or --pid PID/],
    [['--attested', 'a', '--observed', 'b', '--rootfs', 'c'], /give exactly one of/],
    [['--attested', 'a', '--pid', '12x'], /--pid '12x' is not a process id/],
    [['--attested', 'registry.example/acme/api:v1', '--observed', 'b'], /names an image: give --policy FILE/],
    [['--attested', '__CDX__', '--observed', '/nonexistent/b.json'], /\/nonexistent\/b\.json/],
    [['--attested', '__CDX__', '--observed', '__NOTJSON__'], /is not JSON; give a CycloneDX or SPDX JSON SBOM/],
    [['--attested', '__CDX__', '--observed', '__NOTSBOM__'], /the SBOM is neither CycloneDX JSON/],
    [['--attested', '__CDX__', '--rootfs', '/nonexistent-dir'], /\/nonexistent-dir cannot be read \(no such directory\)/],
  ])('bad input %j: one line, exit 2', async (argv, message) => {
    const notJson = file('not.json', 'nope{');
    const notSbom = file('not-sbom.json', { hello: 'world' });
    const args = argv.map((a) => (a === '__CDX__' ? cdx : a === '__NOTJSON__' ? notJson : a === '__NOTSBOM__' ? notSbom : a));
    const r = await runMain(['drift', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('--help', async () => {
    const r = await runMain(['drift', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: ship-image drift --attested SBOM\|IMAGE \(--observed SBOM \| --rootfs DIR \| --pid PID\)/);
    expect(r.stdout).toContain('exit codes: 0 no drift, 1 drift, 2 error');
  });
});

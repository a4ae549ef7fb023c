import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { parseAdvisories } from './advisories-schema';
import { BUNDLED_ADVISORIES_YAML } from './advisories';
import { writeFixtureImageLayout } from './fixture-image';
import { writeFixtureDb } from './write-fixture-db';

describe('fixture DB and image', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ship-image-fixture-db-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('writes trivy.db and a Version 2 metadata.json, reproducibly for a given time', async () => {
    const now = new Date('2026-02-03T04:05:06Z');
    await writeFixtureDb(undefined, join(work, 'a'), { now });
    await writeFixtureDb(join(__dirname, '..', '..', 'test', 'fixtures', 'advisories.yaml'), join(work, 'b'), { now });
    expect(JSON.parse(await readFile(join(work, 'a', 'db', 'metadata.json'), 'utf8'))).toEqual({
      Version: 2,
      UpdatedAt: '2026-02-03T04:05:06.000Z',
      NextUpdate: '2026-02-04T04:05:06.000Z',
      DownloadedAt: '2026-02-03T04:05:06.000Z',
    });
    const a = await readFile(join(work, 'a', 'db', 'trivy.db'));
    expect(a.equals(await readFile(join(work, 'b', 'db', 'trivy.db')))).toBe(true);
    expect(a.length % 4096).toBe(0);
  });

  it('refuses a missing or malformed advisories file with a one-line user error', async () => {
    await expect(writeFixtureDb(join(work, 'nope.yaml'), join(work, 'c'))).rejects.toThrow(UserError);
    const bad = join(work, 'bad.yaml');
    await writeFile(bad, 'advisories:\n  - id: CVE-1\n    title: t\n    severity: SEVERE\n    published: "2020-01-01T00:00:00Z"\n    lastModified: "2020-01-01T00:00:00Z"\n    affected: []\n');
    await expect(writeFixtureDb(bad, join(work, 'c'))).rejects.toThrow(/severity is 'SEVERE'; use one of UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL/);
  });

  it('parses the bundled advisories', () => {
    const advisories = parseAdvisories(BUNDLED_ADVISORIES_YAML, 'bundled');
    expect(advisories.map((a) => a.id)).toContain('CVE-2023-45853');
    expect(advisories.find((a) => a.id === 'CVE-2023-45853')!.affected).toEqual([{ ecosystem: 'debian 12', package: 'zlib', severity: 'CRITICAL', fixed: undefined }]);
  });

  it('writes the same fixture image every time, keeping other tags', async () => {
    const first = await writeFixtureImageLayout(join(work, 'layout'), 'v1');
    const second = await writeFixtureImageLayout(join(work, 'layout'), 'v2');
    const again = await writeFixtureImageLayout(join(work, 'layout'), 'v1');
    expect(second.digest).toBe(first.digest);
    expect(again.digest).toBe(first.digest);
    const index = JSON.parse(await readFile(join(work, 'layout', 'index.json'), 'utf8'));
    expect(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['org.opencontainers.image.ref.name'])).toEqual(['v2', 'v1']);
    const manifest = JSON.parse(await readFile(join(work, 'layout', 'blobs', 'sha256', first.digest.slice(7)), 'utf8'));
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0].mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
    expect(JSON.parse(await readFile(join(work, 'layout', 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  });
});

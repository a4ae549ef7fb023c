/**
 * Monitor state stores: a directory (atomic rename, damaged files refused) and an OCI artifact in
 * the real CNCF distribution registry. A real child process is SIGKILLed in the middle of saving
 * a large state, and the state is loaded afterwards.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { emptyState, type MonitorState } from '../src/monitor/model';
import { openStateStore, STATE_ARTIFACT_TYPE } from '../src/monitor/state';
import { RegistryClient } from '../src/oci/registry';
import { startRegistry, type TestRegistry } from './support/registry';
import { childLines, killAndWait, spawnTsChild } from './support/ts-child';

jest.setTimeout(240_000);

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'monitor-state-'));
});
afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

const counts = { critical: 1, high: 0, medium: 2, low: 0, unknown: 0 };
const digest = `sha256:${'a'.repeat(64)}`;

function sampleState(generation = 1): MonitorState {
  const key = `${digest}/vulnerability/CVE-2024-0001`;
  return {
    version: 1,
    open: {
      [key]: {
        finding: { key, digest, repository: 'registry.example/app', kind: 'vulnerability', id: 'CVE-2024-0001', severity: 'CRITICAL', summary: 'openssl: a flaw' },
        firstSeen: '2026-01-01T00:00:00Z',
        lastSeen: '2026-01-02T00:00:00Z',
        sent: { pager: '2026-01-01T00:00:01Z' },
      },
    },
    resolving: {},
    scans: { [digest]: { dbVersion: '2026-01-01T00:00:00Z', scannedAt: '2026-01-01T00:00:00Z', counts, newIds: ['CVE-2024-0001'] } },
    history: [{ sweptAt: '2026-01-02T00:00:00Z', digests: generation, open: counts, signed: 1, withSbom: 1, stale: 0 }],
  };
}

/** Child script: saves an ever larger generation counter in a ~`mb` MiB state, printing `saving N` / `saved N`. */
function saverScript(location: string, mb: number, extra = ''): string {
  return `
const { openStateStore } = require(SRC + '/monitor/state/index.ts');
${extra}
const store = openStateStore(${JSON.stringify(location)}, { registry: {} });
const scans = {};
const counts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
const ids = Array.from({ length: 40 }, (_, i) => 'CVE-2026-' + String(10000 + i));
for (let i = 0; Object.keys(scans).length * 700 < ${mb} * 1024 * 1024; i++) {
  scans['sha256:' + i.toString(16).padStart(64, '0')] = { dbVersion: 'db', scannedAt: '2026-01-01T00:00:00Z', counts, newIds: ids };
}
(async () => {
  for (let gen = 1; ; gen++) {
    const state = { version: 1, open: {}, resolving: {}, scans, history: [{ sweptAt: 'now', digests: gen, open: counts, signed: 0, withSbom: 0, stale: 0 }] };
    process.stdout.write('saving ' + gen + '\\n');
    await store.save(state);
    process.stdout.write('saved ' + gen + '\\n');
  }
})().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(3); });
`;
}

const savedGen = (lines: string[]) => Math.max(0, ...lines.filter((l) => l.startsWith('saved ')).map((l) => Number(l.slice(6))));

describe('directory store', () => {
  test('a missing directory or file loads as the empty state; save then load round-trips, one file per shard', async () => {
    const dir = path.join(tmp, 'state');
    expect(await openStateStore(dir).load()).toEqual(emptyState());
    await openStateStore(dir).save(sampleState(1));
    await openStateStore(dir, { shard: '2/4' }).save(sampleState(2));
    expect((await fs.readdir(dir)).sort()).toEqual(['state-shard-2-of-4.json', 'state.json']);
    expect(await openStateStore(dir).load()).toEqual(sampleState(1));
    expect(await openStateStore(dir, { shard: '2/4' }).load()).toEqual(sampleState(2));
    expect(await openStateStore(dir, { shard: '1/4' }).load()).toEqual(emptyState());
    expect(((await fs.stat(path.join(dir, 'state.json'))).mode & 0o777).toString(8)).toBe('600');
  });

  test.each([
    ['truncated JSON', '{"version":1,"open":{', 'not valid JSON'],
    ['an empty file', '', 'the file is empty'],
    ['a foreign document', '{"hello":"world"}', 'version is missing'],
    ['a wrong field', JSON.stringify({ ...emptyState(), history: [{ sweptAt: 1 }] }), 'history[0].sweptAt is not a string'],
  ])('%s is refused with one line saying what to do, and is left as it was', async (_name, text, why) => {
    const file = path.join(tmp, 'state.json');
    await fs.writeFile(file, text);
    const err = await openStateStore(tmp).load().catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('UserError');
    expect((err as Error).message).toContain(`${file}: the monitor state is damaged (${why}`);
    expect((err as Error).message).toContain('restore it from a backup, or move it aside to start afresh');
    expect((err as Error).message).not.toContain('\n');
    expect(await fs.readFile(file, 'utf8')).toBe(text);
  });

  test('a file in place of the directory is a one-line error', async () => {
    const file = path.join(tmp, 'plain');
    await fs.writeFile(file, 'x');
    await expect(openStateStore(file).load()).rejects.toThrow(/not a directory; give a directory/);
  });

  test('SIGKILL of a process at random moments while it saves a large state leaves a whole state every time', async () => {
    const dir = path.join(tmp, 'state');
    for (let round = 0; round < 3; round++) {
      const child = spawnTsChild(saverScript(dir, 4));
      const out = childLines(child);
      const { index } = await out.waitFor((l) => l === 'saved 1');
      await out.waitFor((l) => l.startsWith('saving '), index + 1);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60) + round * 15));
      await killAndWait(child);
      const before = savedGen(out.lines);
      const state = await openStateStore(dir).load();
      // The newest whole save, or the one that was being renamed into place at the kill.
      expect(state.history[0]!.digests).toBeGreaterThanOrEqual(before);
      expect(state.history[0]!.digests).toBeLessThanOrEqual(before + 1);
      expect(Object.keys(state.scans).length).toBeGreaterThan(5_000);
    }
  });

  test('SIGKILL after the temporary file is written, before the rename: the previous state is loaded, and a later save cleans up', async () => {
    const dir = path.join(tmp, 'state');
    // The child's rename announces itself and then waits: the kill lands with the new bytes on disk, not yet in place.
    const pause = `
const fsp = require('node:fs').promises;
const rename = fsp.rename;
let n = 0;
fsp.rename = async (a, b) => { if (++n === 2) { process.stdout.write('renaming\\n'); await new Promise((r) => setTimeout(r, 60000)); } return rename(a, b); };
`;
    const child = spawnTsChild(saverScript(dir, 2, pause));
    const out = childLines(child);
    await out.waitFor((l) => l === 'renaming');
    await killAndWait(child);
    const temps = (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'));
    expect(temps).toHaveLength(1);
    expect((await openStateStore(dir).load()).history[0]!.digests).toBe(1);
    // Leftovers are removed once stale (10 minutes): age it, save again.
    const old = new Date(Date.now() - 3600_000);
    await fs.utimes(path.join(dir, temps[0]!), old, old);
    await openStateStore(dir).save(sampleState(7));
    expect(await fs.readdir(dir)).toEqual(['state.json']);
  });

  test('SIGKILL half-way through writing the bytes: the previous state is loaded', async () => {
    const dir = path.join(tmp, 'state');
    const halfWrite = `
const fsp = require('node:fs').promises;
const open = fsp.open;
let n = 0;
fsp.open = async (...args) => {
  const h = await open(...args);
  if (String(args[1]) === 'wx' && ++n === 2) {
    h.writeFile = async (bytes) => { await h.write(bytes.subarray(0, bytes.length >> 1)); await h.sync(); process.stdout.write('half\\n'); await new Promise((r) => setTimeout(r, 60000)); };
  }
  return h;
};
`;
    const child = spawnTsChild(saverScript(dir, 2, halfWrite));
    const out = childLines(child);
    await out.waitFor((l) => l === 'half');
    await killAndWait(child);
    expect((await openStateStore(dir).load()).history[0]!.digests).toBe(1);
  });
});

describe('OCI artifact store (real registry)', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry('open');
  });
  afterAll(() => registry?.stop());

  test('an untagged repository loads as empty; save pushes an OCI 1.1 artifact (empty config, one layer) under the tag, one tag per shard', async () => {
    const location = `oci://${registry.host}/monitor/state:prod`;
    expect(await openStateStore(location).load()).toEqual(emptyState());
    await openStateStore(location).save(sampleState(1));
    await openStateStore(location, { shard: '3/4' }).save(sampleState(3));
    expect(await openStateStore(location).load()).toEqual(sampleState(1));
    expect(await openStateStore(location, { shard: '3/4' }).load()).toEqual(sampleState(3));

    const client = new RegistryClient();
    try {
      const repo = client.repository(registry.host, 'monitor/state');
      expect((await repo.listTags()).sort()).toEqual(['prod', 'prod-shard-3-of-4']);
      const { manifest } = await repo.getManifest('prod');
      expect(manifest).toMatchObject({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: STATE_ARTIFACT_TYPE,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
        layers: [{ mediaType: 'application/vnd.ship-image.monitor-state.v1+json' }],
      });
      const layer = (manifest as { layers: Array<{ digest: string; size: number }> }).layers[0]!;
      expect(JSON.parse((await repo.getBlob(layer)).toString())).toEqual(sampleState(1));
    } finally {
      client.close();
    }
  });

  test('a tag holding something else is refused with one line, not overwritten by a load', async () => {
    const client = new RegistryClient();
    try {
      const repo = client.repository(registry.host, 'monitor/other');
      const config = await repo.putBlob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
      const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: 'application/example', config, layers: [config] };
      await repo.putManifest(Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json', 'latest');
    } finally {
      client.close();
    }
    await expect(openStateStore(`oci://${registry.host}/monitor/other:latest`).load()).rejects.toThrow(
      /oci:\/\/127\.0\.0\.1:\d+\/monitor\/other:latest: the tag does not hold a monitor state \(artifactType is "application\/example"/,
    );
  });

  test('a damaged state layer is refused with one line', async () => {
    const client = new RegistryClient();
    try {
      const repo = client.repository(registry.host, 'monitor/damaged');
      const config = await repo.putBlob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
      const layer = await repo.putBlob(Buffer.from('{"version":1'), 'application/vnd.ship-image.monitor-state.v1+json');
      const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType: STATE_ARTIFACT_TYPE, config, layers: [layer] };
      await repo.putManifest(Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json', 's');
    } finally {
      client.close();
    }
    await expect(openStateStore(`oci://${registry.host}/monitor/damaged:s`).load()).rejects.toThrow(/the monitor state is damaged \(not valid JSON\)/);
  });

  test('SIGKILL of a process pushing a large state, at random moments and just before the manifest PUT: the tag keeps a whole state', async () => {
    const location = `oci://${registry.host}/monitor/killed:state`;
    for (let round = 0; round < 3; round++) {
      const child = spawnTsChild(saverScript(location, 4));
      const out = childLines(child);
      const { index } = await out.waitFor((l) => l === 'saved 1');
      await out.waitFor((l) => l.startsWith('saving '), index + 1);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 150)));
      await killAndWait(child);
      const before = savedGen(out.lines);
      const state = await openStateStore(location).load();
      expect(state.history[0]!.digests).toBeGreaterThanOrEqual(before);
      expect(state.history[0]!.digests).toBeLessThanOrEqual(before + 1);
    }
    const pause = `
const { RegistryRepository } = require(SRC + '/oci/registry.ts');
const put = RegistryRepository.prototype.putManifest;
let n = 0;
RegistryRepository.prototype.putManifest = async function (...args) { if (++n === 2) { process.stdout.write('putting\\n'); await new Promise((r) => setTimeout(r, 60000)); } return put.apply(this, args); };
`;
    const fresh = `oci://${registry.host}/monitor/killed:before-put`;
    const child = spawnTsChild(saverScript(fresh, 1, pause));
    const out = childLines(child);
    await out.waitFor((l) => l === 'putting');
    await killAndWait(child);
    expect((await openStateStore(fresh).load()).history[0]!.digests).toBe(1);
  });
});

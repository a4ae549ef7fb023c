import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { UserError } from '../../core/errors';
import { parseInventoryDocument, readInventoryFile } from './file';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../schema/monitor-inventory.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: false }).compile(schema);

const good = {
  version: 1,
  images: [
    { repository: 'registry.example/shop/web', digest: A, workloads: [{ cluster: 'ecs-prod', name: 'web' }, { cluster: 'vm-fleet', namespace: 'eu', kind: 'Host', name: 'web-01', container: 'web', image: 'registry.example/shop/web:v2', node: 'vm-17', containerId: 'docker://abc' }] },
    { repository: 'nginx', digest: B, workloads: [{ cluster: 'ecs-prod', name: 'edge', containerKind: 'init' }] },
  ],
};

const bad: Array<[string, unknown, string]> = [
  ['not an object', [], '(top level): must be an object'],
  ['wrong version', { version: 2, images: [] }, 'version: must be 1'],
  ['unknown top key', { version: 1, images: [], extra: 1 }, 'extra: unknown key'],
  ['images not a list', { version: 1, images: {} }, 'images: must be a list'],
  ['no images', { version: 1 }, 'images: missing'],
  ['image not an object', { version: 1, images: ['x'] }, 'images[0]: must be an object'],
  ['no digest', { version: 1, images: [{ repository: 'r.example/x', workloads: [{ cluster: 'c', name: 'n' }] }] }, 'images[0].digest: missing'],
  ['tag instead of digest', { version: 1, images: [{ repository: 'r.example/x', digest: 'v1', workloads: [{ cluster: 'c', name: 'n' }] }] }, 'images[0].digest: must be sha256:'],
  ['repository with a tag', { version: 1, images: [{ repository: 'r.example/x:v1', digest: A, workloads: [{ cluster: 'c', name: 'n' }] }] }, 'images[0].repository:'],
  ['empty runs', { version: 1, images: [{ repository: 'r.example/x', digest: A, workloads: [] }] }, 'images[0].workloads: must not be empty'],
  ['run without cluster', { version: 1, images: [{ repository: 'r.example/x', digest: A, workloads: [{ name: 'n' }] }] }, 'images[0].workloads[0].cluster: missing'],
  ['unknown run key', { version: 1, images: [{ repository: 'r.example/x', digest: A, workloads: [{ cluster: 'c', name: 'n', owner: 'x' }] }] }, 'images[0].workloads[0].owner: unknown key'],
  ['bad containerKind', { version: 1, images: [{ repository: 'r.example/x', digest: A, workloads: [{ cluster: 'c', name: 'n', containerKind: 'sidecar' }] }] }, 'images[0].workloads[0].containerKind: must be one of'],
  ['number for a string', { version: 1, images: [{ repository: 'r.example/x', digest: A, workloads: [{ cluster: 'c', name: 7 }] }] }, 'images[0].workloads[0].name: must be a string'],
];

describe('inventory file', () => {
  test('version is optional; the sweep\'s own Inventory JSON reads back', () => {
    const { version, ...unversioned } = good;
    void version;
    expect(validate(unversioned)).toBe(true);
    const inv = parseInventoryDocument(unversioned, 'inv.json');
    expect(parseInventoryDocument({ images: inv.images }, 'again.json')).toEqual(inv);
  });

  test('a good document: defaults filled, repositories normalised, grouped by digest', () => {
    const inv = parseInventoryDocument(good, 'inv.json');
    expect(validate(good)).toBe(true);
    expect(inv.notes).toEqual([]);
    expect(inv.images.map((i) => [i.digest, i.repository])).toEqual([[A, 'registry.example/shop/web'], [B, 'docker.io/library/nginx']]);
    expect(inv.images[0].workloads[0]).toEqual({ cluster: 'ecs-prod', namespace: '', kind: 'Service', name: 'web', pod: 'web', container: 'web', containerKind: 'container', image: `registry.example/shop/web@${A}` });
    expect(inv.images[0].workloads[1]).toEqual({ cluster: 'vm-fleet', namespace: 'eu', kind: 'Host', name: 'web-01', pod: 'web-01', container: 'web', containerKind: 'container', image: 'registry.example/shop/web:v2', node: 'vm-17', containerId: 'docker://abc' });
  });

  test.each(bad)('%s: one line naming the path, and the schema agrees it is bad', (_name, doc, message) => {
    let err: unknown;
    try {
      parseInventoryDocument(doc, 'inv.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(`inv.json: ${message}`);
    expect((err as Error).message).not.toContain('\n');
    // The schema cannot parse repository references: that check is the code's alone.
    if (!message.includes('.repository:')) expect(validate(doc)).toBe(false);
  });

  test('read from disk through the capped reader; not JSON and missing files are one line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-'));
    try {
      fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify(good));
      fs.writeFileSync(path.join(dir, 'bad.json'), '{"version": 1, "images": [');
      expect((await readInventoryFile(path.join(dir, 'good.json'))).images).toHaveLength(2);
      await expect(readInventoryFile(path.join(dir, 'bad.json'))).rejects.toThrow(/bad\.json: the inventory is not JSON/);
      await expect(readInventoryFile(path.join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read the inventory file/);
      await expect(readInventoryFile(dir)).rejects.toThrow(/is a directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

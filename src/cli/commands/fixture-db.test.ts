import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../core/errors';
import { fixtureDbCommand } from './fixture-db';

describe('ship-image fixture-db', () => {
  let work: string;
  let stdout: jest.SpyInstance;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'ship-image-fixture-db-cli-'));
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterAll(async () => {
    stdout.mockRestore();
    await rm(work, { recursive: true, force: true });
  });

  it('writes the DB and, when asked, the fixture image', async () => {
    expect(await fixtureDbCommand.run([join(work, 'cache'), '--image-layout', join(work, 'layout'), '--tag', 'v1'])).toBe(0);
    expect(JSON.parse(await readFile(join(work, 'cache', 'db', 'metadata.json'), 'utf8')).Version).toBe(2);
    expect(JSON.parse(await readFile(join(work, 'layout', 'index.json'), 'utf8')).manifests).toHaveLength(1);
  });

  it('rejects bad arguments as user errors', async () => {
    await expect(fixtureDbCommand.run([])).rejects.toThrow(UserError);
    await expect(fixtureDbCommand.run([join(work, 'x'), '--tag', 'v1'])).rejects.toThrow(/--tag needs --image-layout/);
    await expect(fixtureDbCommand.run([join(work, 'x'), '--advisories', join(work, 'missing.yaml')])).rejects.toThrow(/cannot read advisories file/);
  });
});

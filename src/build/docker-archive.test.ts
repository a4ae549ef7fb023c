import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import type { RepositoryStore } from '../oci/store';
import { importDockerArchive } from './docker-archive';

// Nothing reaches the store in these cases: a store that fails if touched is enough.
const untouchable = new Proxy({}, { get: () => () => Promise.reject(new Error('the store was used')) }) as RepositoryStore;

describe('docker archives that are not files', () => {
  test.each(['/dev/zero', '/dev/null'])('%s is refused at once, on one line', async (file) => {
    const err = await importDockerArchive(file, untouchable).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(`docker archive '${file}' is not a regular file; write it with 'docker save -o FILE IMAGE' and pass FILE`);
  });

  test('an archive of zeros is not a docker save archive', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'archive-'));
    try {
      const file = path.join(dir, 'zeros.tar');
      fs.writeFileSync(file, Buffer.alloc(64 * 1024));
      const err = await importDockerArchive(file, untouchable).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/has no manifest\.json; it is not a 'docker save' archive/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

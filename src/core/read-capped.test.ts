import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';
import { createCappedReadStream, FileReadError, formatBytes, readFileCapped, readFileCappedAsync, readTextCapped } from './read-capped';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-capped-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function oneLineUserError(err: unknown): FileReadError {
  expect(err).toBeInstanceOf(UserError);
  expect(err).toBeInstanceOf(FileReadError);
  expect((err as Error).message).not.toContain('\n');
  return err as FileReadError;
}

describe('readFileCapped', () => {
  test('reads a small file whole', () => {
    const file = path.join(dir, 'small.txt');
    fs.writeFileSync(file, 'hello');
    expect(readTextCapped(file, 5, { what: 'the policy file' })).toBe('hello');
  });

  test('refuses a file one byte over the cap, naming the file and the cap', () => {
    const file = path.join(dir, 'six.txt');
    fs.writeFileSync(file, 'hello!');
    const err = oneLineUserError(catchSync(() => readFileCapped(file, 5, { what: 'the policy file', hint: 'check --policy' })));
    expect(err.message).toBe(`${file}: the policy file is too large (6 bytes, more than the 5 bytes ship-image reads for it); check --policy`);
  });

  test('/dev/zero is refused after reading just past the cap', () => {
    const err = oneLineUserError(catchSync(() => readFileCapped('/dev/zero', 64 * 1024, { what: 'the public key' })));
    expect(err.message).toBe('/dev/zero: the public key is too large (more than 64 KiB ship-image reads for it); check the path');
  });

  test('a 1 GB sparse file is refused by its size, before a byte is read', async () => {
    const file = path.join(dir, 'sparse');
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 1024 * 1024 * 1024);
    const err = oneLineUserError(catchSync(() => readFileCapped(file, 1024 * 1024, { what: 'the bundle' })));
    expect(err.message).toContain('1024 MiB, more than the 1 MiB');
    oneLineUserError(await readFileCappedAsync(file, 1024 * 1024).catch((e: unknown) => e));
  });

  test('a FIFO that never ends is read up to the cap only', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Holding both ends here lets `yes` open it at once, so the writer is there before the read.
    const held = fs.openSync(fifo, fs.constants.O_RDWR);
    const writer = spawn('sh', ['-c', `exec yes > '${fifo}'`], { stdio: 'ignore' });
    try {
      const err = oneLineUserError(await readFileCappedAsync(fifo, 100 * 1024, { what: 'the trusted root' }).catch((e: unknown) => e));
      expect(err.message).toContain('more than 100 KiB');
      const errSync = oneLineUserError(catchSync(() => readFileCapped(fifo, 100 * 1024, { what: 'the trusted root' })));
      expect(errSync.message).toContain('more than 100 KiB');
    } finally {
      writer.kill();
      fs.closeSync(held);
    }
  });

  test('a FIFO nobody writes to does not block: it reads as empty', async () => {
    const fifo = path.join(dir, 'lonely-fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readFileCapped(fifo, 1024).length).toBe(0);
    expect((await readFileCappedAsync(fifo, 1024)).length).toBe(0);
  });

  test('missing files and directories are one-line user errors with the code', async () => {
    const missing = oneLineUserError(catchSync(() => readFileCapped(path.join(dir, 'nope'), 10, { what: 'the key' })));
    expect(missing.message).toBe(`${path.join(dir, 'nope')}: cannot read the key (it does not exist); check the path`);
    expect(missing.code).toBe('ENOENT');
    const isDir = oneLineUserError(catchSync(() => readFileCapped(dir, 10)));
    expect(isDir.message).toBe(`${dir}: the file is a directory, not a file; check the path`);
    oneLineUserError(await readFileCappedAsync(dir, 10).catch((e: unknown) => e));
  });

  test('a capped read stream ends in the same error once the cap is passed', async () => {
    const stream = createCappedReadStream('/dev/zero', 1024 * 1024, { what: 'the archive' });
    let seen = 0;
    const err = await (async () => {
      for await (const chunk of stream) seen += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    expect(oneLineUserError(err).message).toBe('/dev/zero: the archive is too large (more than 1 MiB ship-image reads for it); check the path');
    expect(seen).toBeLessThanOrEqual(1024 * 1024);
    const small = path.join(dir, 'small.txt');
    fs.writeFileSync(small, 'abc');
    const chunks: Buffer[] = [];
    for await (const chunk of createCappedReadStream(small, 3)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    expect(() => createCappedReadStream(small, 2)).toThrow(FileReadError);
  });

  test('formatBytes', () => {
    expect([formatBytes(1), formatBytes(2048), formatBytes(3 * 1024 * 1024), formatBytes(1500)]).toEqual(['1 bytes', '2 KiB', '3 MiB', '1500 bytes']);
  });
});

function catchSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

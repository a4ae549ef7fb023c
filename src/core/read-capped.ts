import * as fs from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { UserError } from './errors';
import { fsReason } from './fs-errors';

// Every file we parse is read through here, with a cap chosen for its kind: a policy, a key or a
// report given as `/dev/zero`, a FIFO that never ends or a 1 GB sparse file must fail in a moment
// with one line, not fill memory first. A regular file is judged by its size before a byte is read;
// anything else (pipe, character device, socket) is read up to the cap and refused past it.

const KiB = 1024;
const MiB = 1024 * KiB;

/** The caps by kind of input (bytes). One table so the limits are documented in one place. */
export const READ_CAPS = {
  policy: 1 * MiB,
  key: 64 * KiB,
  certificate: 1 * MiB,
  trustedRoot: 8 * MiB,
  /** A Sigstore bundle carries its whole statement: an SBOM attestation can be large. */
  bundle: 64 * MiB,
  /** Anything `verify-bundle` hashes (read whole for message signatures). */
  artifact: 512 * MiB,
  /** Tool outputs parsed as JSON: SBOMs, scan reports, build metadata. */
  report: 256 * MiB,
  /** Small JSON/YAML documents: docker config, trivy metadata, OCI index.json, oci-layout, tar manifest.json, image config. */
  document: 16 * MiB,
  /** A whole `docker save` tarball, streamed (extracted to a scratch directory). */
  archive: 16 * 1024 * MiB,
  /** A layer file read whole from an extracted docker archive. */
  layer: 1024 * MiB,
  /** `--password-stdin`. */
  stdin: 1 * MiB,
} as const;

/** Why a file could not be read; a UserError (exit 2) naming the file. `reason` is the bare phrase. */
export class FileReadError extends UserError {
  readonly path: string;
  readonly reason: string;
  readonly code?: string;
  constructor(path: string, head: string, reason: string, hint: string, code?: string) {
    super(`${path}: ${head}; ${hint}`);
    this.name = 'FileReadError';
    this.path = path;
    this.reason = reason;
    this.code = code;
  }
}

export interface ReadCappedOptions {
  /** What the file is, for the message: `the policy file`, `the public key`, ... (default `the file`). */
  what?: string;
  /** The last part of the message, what to do (default: check the path). */
  hint?: string;
}

export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= KiB && n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

function tooLarge(path: string, maxBytes: number, o: ReadCappedOptions, size?: number): FileReadError {
  const seen = size === undefined ? `more than ${formatBytes(maxBytes)}` : `${formatBytes(size)}, more than the ${formatBytes(maxBytes)}`;
  const reason = `is too large (${seen} ship-image reads for it)`;
  return new FileReadError(path, `${o.what ?? 'the file'} ${reason}`, reason, o.hint ?? 'check the path', 'ETOOLARGE');
}

function openFailed(path: string, err: unknown, o: ReadCappedOptions): FileReadError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = fsReason(err) ?? code ?? (err as Error).message;
  return new FileReadError(path, `cannot read ${o.what ?? 'the file'} (${why})`, `cannot be read (${why})`, o.hint ?? 'check the path', code);
}

function notAFile(path: string, o: ReadCappedOptions): FileReadError {
  return new FileReadError(path, `${o.what ?? 'the file'} is a directory, not a file`, 'is a directory, not a file', o.hint ?? 'check the path', 'EISDIR');
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));

/**
 * Opened without blocking: a FIFO with no writer would otherwise block open() for ever (and with it
 * the process, or a thread-pool thread). A pipe that is open but silent is waited for this long.
 */
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
const SILENT_PIPE_MS = 10_000;

function silentPipe(path: string, o: ReadCappedOptions): FileReadError {
  const reason = `gave no data for ${SILENT_PIPE_MS / 1000} s`;
  return new FileReadError(path, `${o.what ?? 'the file'} ${reason}`, reason, o.hint ?? 'pass a regular file', 'ETIMEDOUT');
}

/** Reads at most `maxBytes` from an open descriptor; undefined when there was more. */
function readFdSync(fd: number, maxBytes: number, onSilence: () => Error = () => new Error('the input gave no data')): Buffer | undefined {
  const chunks: Buffer[] = [];
  let total = 0;
  let waited = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * KiB, maxBytes + 1 - total));
    let n: number;
    try {
      n = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      // A non-blocking stdin pipe with nothing in it yet.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        if (waited >= SILENT_PIPE_MS) throw onSilence();
        Atomics.wait(sleepBuffer, 0, 0, 10);
        waited += 10;
        continue;
      }
      throw err;
    }
    if (n === 0) return Buffer.concat(chunks, total);
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) return undefined;
  }
}

/** The whole file, or a FileReadError (a UserError) when it cannot be read or holds more than `maxBytes`. */
export function readFileCapped(path: string, maxBytes: number, o: ReadCappedOptions = {}): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw openFailed(path, err, o);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw notAFile(path, o);
    if (st.isFile() && st.size > maxBytes) throw tooLarge(path, maxBytes, o, st.size);
    const bytes = readFdSync(fd, maxBytes, () => silentPipe(path, o));
    if (!bytes) throw tooLarge(path, maxBytes, o);
    return bytes;
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw openFailed(path, err, o);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A read stream of the file that fails (with the FileReadError readFileCapped would give) once more
 * than `maxBytes` went through: for inputs streamed rather than held (a tarball being extracted).
 */
export function createCappedReadStream(path: string, maxBytes: number, o: ReadCappedOptions = {}): Readable {
  const st = statOrFail(path, o);
  if (st.isDirectory()) throw notAFile(path, o);
  if (st.isFile() && st.size > maxBytes) throw tooLarge(path, maxBytes, o, st.size);
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > maxBytes) done(tooLarge(path, maxBytes, o));
      else done(null, chunk);
    },
  });
  const source = fs.createReadStream(path);
  source.on('error', (err) => counter.destroy(openFailed(path, err, o)));
  counter.on('close', () => source.destroy());
  return source.pipe(counter);
}

function statOrFail(path: string, o: ReadCappedOptions): fs.Stats {
  try {
    return fs.statSync(path);
  } catch (err) {
    throw openFailed(path, err, o);
  }
}

export function readTextCapped(path: string, maxBytes: number, o: ReadCappedOptions = {}): string {
  return readFileCapped(path, maxBytes, o).toString('utf8');
}

/** Standard input, up to `maxBytes` (for `--password-stdin` and `-` arguments). */
export function readStdinCapped(maxBytes: number, o: ReadCappedOptions = {}): string {
  const bytes = readFdSync(0, maxBytes);
  if (!bytes) throw tooLarge('stdin', maxBytes, { what: 'the input', ...o });
  return bytes.toString('utf8');
}

/** As readFileCapped, without blocking the event loop (a FIFO is waited for on the thread pool). */
export async function readFileCappedAsync(path: string, maxBytes: number, o: ReadCappedOptions = {}): Promise<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, OPEN_FLAGS);
  } catch (err) {
    throw openFailed(path, err, o);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory()) throw notAFile(path, o);
    if (st.isFile() && st.size > maxBytes) throw tooLarge(path, maxBytes, o, st.size);
    const chunks: Buffer[] = [];
    let total = 0;
    let waited = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(256 * KiB, maxBytes + 1 - total));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        if (waited >= SILENT_PIPE_MS) throw silentPipe(path, o);
        await new Promise((resolve) => setTimeout(resolve, 10));
        waited += 10;
        continue;
      }
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(path, maxBytes, o);
    }
  } catch (err) {
    if (err instanceof FileReadError) throw err;
    throw openFailed(path, err, o);
  } finally {
    await handle.close();
  }
}

export async function readTextCappedAsync(path: string, maxBytes: number, o: ReadCappedOptions = {}): Promise<string> {
  return (await readFileCappedAsync(path, maxBytes, o)).toString('utf8');
}

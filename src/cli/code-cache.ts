// A bundled command loaded with V8's code cache: the bytecode of every function its last run
// compiled, so a cold `verify` in a deploy pipeline does not parse and compile its bundle again.
// Node 20 has no module compile cache, and Node 22's keeps only what compiles before the module
// runs (the top level, not the functions a run calls); this one is written after the run.
//
// Bytecode from the cache runs as this process's code, so the cache lives only in a directory the
// user alone owns and can write, and each entry is named by the bundle's SHA-256, Node's version
// and the architecture: a cache never applies to other source. V8 refuses a cache made by another
// V8 or with other flags (then the entry is written afresh).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Script } from 'node:vm';

/** Entries kept per command besides the current one (other node flags, or a bundle just replaced). */
const MAX_OTHER_ENTRIES = 2;

export interface CodeCachedModule {
  exports: unknown;
  /** Whether V8 took the compiled code from the cache. */
  fromCache: boolean;
  /** Writes the cache entry when there was none (or V8 refused it); never throws. */
  save(): void;
}

/** The cache directory: SHIP_IMAGE_CODE_CACHE (a directory, or `off`), else the user's cache dir. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.SHIP_IMAGE_CODE_CACHE;
  if (given === 'off' || given === '0') return undefined;
  if (given) return path.resolve(given);
  const base = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'ship-image', 'code-cache');
}

/** Only what this user owns and nobody else may write (no cache where the OS has no uids). */
function ownedPrivately(st: Stats): boolean {
  return typeof process.getuid === 'function' && st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

function privateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = statSync(dir);
    return st.isDirectory() && ownedPrivately(st);
  } catch {
    return false;
  }
}

function readEntry(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    if (!ownedPrivately(fstatSync(fd))) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Loads the CommonJS file `file` as `require` would, compiled with the code cache in `cacheDir`
 * when that directory is private to this user (otherwise compiled as usual, nothing written).
 */
export function loadWithCodeCache(file: string, cacheDir: string | undefined): CodeCachedModule {
  const source = readFileSync(file, 'utf8');
  const dir = cacheDir && privateDir(cacheDir) ? cacheDir : undefined;
  // V8 flags (node's own options) are in the key too: V8 refuses a cache made under other flags,
  // and two ways of running one bundle would otherwise keep rewriting one entry.
  const flags = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  const key = createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}\0${flags}`).digest('hex').slice(0, 40);
  const name = path.basename(path.dirname(file));
  const entry = dir ? path.join(dir, `${name}-${key}.v8`) : undefined;
  const cachedData = entry ? readEntry(entry) : undefined;
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeRequire, module: Module, filename: string, dirname: string) => void;
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  const stale = !cachedData || script.cachedDataRejected === true;
  return {
    exports: mod.exports,
    fromCache: !stale,
    save() {
      if (!entry || !stale) return;
      try {
        const tmp = `${entry}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, entry);
        // Entries of this command's earlier bundles (an upgrade) are never read again; a few are
        // kept for other node flags.
        const others = readdirSync(dir!)
          .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.v8') && f !== path.basename(entry))
          .map((f) => ({ f, at: statSync(path.join(dir!, f)).mtimeMs }))
          .sort((a, b) => b.at - a.at);
        for (const { f } of others.slice(MAX_OTHER_ENTRIES)) rmSync(path.join(dir!, f), { force: true });
      } catch {
        // A cache that cannot be written costs the next run its compile time, nothing else.
      }
    },
  };
}

/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 567:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseFlags = parseFlags;
exports.flagCommand = flagCommand;
const node_util_1 = __nccwpck_require__(975);
const errors_1 = __nccwpck_require__(296);
/** parseArgs with errors turned into one-line UserErrors that name the flag. */
function parseFlags(argv, options, usage) {
    try {
        return (0, node_util_1.parseArgs)({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    }
    catch (err) {
        throw new errors_1.UserError(`${err.message.replace(/\.$/, '')}; usage: ${usage}`);
    }
}
/** A command that parses its flags and answers --help with `help` before `run` sees them. */
function flagCommand(spec, run) {
    return {
        async run(argv) {
            const { values, positionals } = parseFlags(argv, spec.flags, spec.usage);
            if (values.help) {
                spec.writeStdout(spec.help);
                return 0;
            }
            return run(values, positionals);
        },
    };
}


/***/ }),

/***/ 934:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.command = exports.discoverCommand = void 0;
exports.makeDiscoverCommand = makeDiscoverCommand;
const read_capped_1 = __nccwpck_require__(725);
const command_1 = __nccwpck_require__(567);
const registry_flags_1 = __nccwpck_require__(285);
const errors_1 = __nccwpck_require__(296);
const render_1 = __nccwpck_require__(291);
const tree_1 = __nccwpck_require__(835);
const open_1 = __nccwpck_require__(321);
const store_1 = __nccwpck_require__(800);
const USAGE = 'ship-image discover IMAGE [--json] [--depth N] [--artifact-type TYPE] [--no-cosign-tags] ' +
    '[--insecure-registry HOST]... [--username U --password-stdin] [--timeout 10m]  (IMAGE: [registry/]repo[:tag|@digest] or oci-layout:DIR[:tag|@digest]; env SHIP_IMAGE_CA_FILE: extra CA PEM file)';
const FLAGS = {
    json: { type: 'boolean' },
    depth: { type: 'string' },
    'artifact-type': { type: 'string' },
    'no-cosign-tags': { type: 'boolean' },
    ...registry_flags_1.REGISTRY_FLAGS,
};
/** `ship-image discover`: what is attached to an image (referrers, fallback index, cosign tags). */
function makeDiscoverCommand(deps) {
    return (0, command_1.flagCommand)({ flags: FLAGS, usage: USAGE, help: `usage: ${USAGE}\n`, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
        if (positionals.length !== 1)
            throw new errors_1.UserError(`discover takes exactly one IMAGE, got ${positionals.length}; usage: ${USAGE}`);
        const maxDepth = parseDepth(values.depth);
        const registryOptions = (0, registry_flags_1.registryOptionsFromFlags)(values, deps.env, deps.readStdin);
        const image = (0, open_1.openImage)(positionals[0], registryOptions);
        try {
            let tree;
            try {
                tree = await (0, tree_1.discover)(image.store, image.reference, {
                    display: image.display,
                    maxDepth,
                    artifactType: values['artifact-type'],
                    legacyTags: !values['no-cosign-tags'],
                });
            }
            catch (err) {
                if (err instanceof store_1.NotFoundError)
                    throw new errors_1.UserError(`${image.display} not found (${err.message}); check the image reference`);
                throw err;
            }
            deps.writeStdout(values.json ? (0, render_1.renderJson)(tree) : (0, render_1.renderText)(tree));
            return 0;
        }
        finally {
            image.close();
        }
    });
}
function parseDepth(text) {
    if (text === undefined)
        return undefined;
    const depth = Number(text);
    if (!Number.isInteger(depth) || depth < 1 || depth > 20)
        throw new errors_1.UserError(`--depth '${text}' must be a whole number from 1 to 20`);
    return depth;
}
exports.discoverCommand = makeDiscoverCommand({
    env: process.env,
    readStdin: () => (0, read_capped_1.readStdinCapped)(read_capped_1.READ_CAPS.stdin),
    writeStdout: (text) => process.stdout.write(text),
});
/** What src/cli/main.ts loads. */
exports.command = exports.discoverCommand;


/***/ }),

/***/ 285:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.REGISTRY_FLAGS = void 0;
exports.registryOptionsFromFlags = registryOptionsFromFlags;
exports.registryTimeout = registryTimeout;
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const duration_1 = __nccwpck_require__(432);
const read_capped_1 = __nccwpck_require__(725);
/** The registry flags every command that talks to a registry takes. */
exports.REGISTRY_FLAGS = {
    'insecure-registry': { type: 'string', multiple: true },
    username: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    timeout: { type: 'string' },
};
/**
 * Registry flags and environment (SHIP_IMAGE_CA_FILE) → client options. The password only ever
 * comes from stdin, never from a flag (argv is visible to every process on the machine).
 */
function registryOptionsFromFlags(values, env, readStdin) {
    const opts = { insecureRegistries: values['insecure-registry'] ?? [], env, userAgent: 'ship-image' };
    if (values.timeout !== undefined)
        opts.deadlineMs = registryTimeout(values.timeout);
    if (values['password-stdin']) {
        if (!values.username)
            throw new errors_1.UserError('--password-stdin needs --username; give both or neither');
        const password = readStdin().replace(/\r?\n$/, '');
        if (!password)
            throw new errors_1.UserError('--password-stdin read an empty password; pipe the password into ship-image');
        (0, log_1.addSecret)(password);
        opts.username = values.username;
        opts.password = password;
    }
    else if (values.username) {
        throw new errors_1.UserError('--username needs --password-stdin (the password is read from stdin, never from a flag)');
    }
    const caFile = env.SHIP_IMAGE_CA_FILE;
    if (caFile) {
        try {
            opts.caPems = [(0, read_capped_1.readTextCapped)(caFile, read_capped_1.READ_CAPS.certificate)];
        }
        catch (err) {
            if (err.code === 'ETOOLARGE')
                throw err;
            throw new errors_1.UserError(`SHIP_IMAGE_CA_FILE '${caFile}' cannot be read; point it at a PEM file of CA certificates`);
        }
    }
    return opts;
}
/** `--timeout`: how long one registry request may take in all (connect, retries, body), as a Go duration. */
function registryTimeout(text) {
    const duration = (0, duration_1.positiveDuration)(text);
    if (!duration || duration.milliseconds < 1)
        throw new errors_1.UserError(`--timeout '${text}' is not a positive duration; write e.g. 30s or 10m`);
    return duration.milliseconds;
}


/***/ }),

/***/ 296:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DeniedError = exports.UserError = void 0;
exports.oneLine = oneLine;
/**
 * A problem with what the user gave us (flags, inputs, files, credentials). The CLI and the
 * action print its message as one line and exit with code 2; nothing else is shown.
 */
class UserError extends Error {
    exitCode = 2;
    constructor(message) {
        super(message);
        this.name = 'UserError';
    }
}
exports.UserError = UserError;
/** A policy or scan gate said no: exit code 1, message on one line. */
class DeniedError extends Error {
    exitCode = 1;
    constructor(message) {
        super(message);
        this.name = 'DeniedError';
    }
}
exports.DeniedError = DeniedError;
/** One line, whatever the error carried (no stack, no newlines). */
function oneLine(err) {
    const msg = err instanceof Error ? err.message : String(err);
    return msg.replace(/\s*\n\s*/g, ' ').trim();
}


/***/ }),

/***/ 994:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.fsReason = fsReason;
/**
 * File-system failures in words. Messages name the path and what is wrong with it, never the raw
 * errno text (`ENOTDIR: not a directory, open ...`), which reads as a crash.
 */
const FS_PROBLEMS = {
    ENOENT: 'it does not exist',
    ENOTDIR: 'a file is in the way where a directory belongs',
    EISDIR: 'a directory is where a file belongs',
    ENAMETOOLONG: 'the path is too long for the file system',
    EEXIST: 'something that is not a directory is in the way',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ELOOP: 'too many symbolic links',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EMLINK: 'too many links',
    EINVAL: 'the path is not valid here',
};
/** What went wrong, in words, when `err` is an errno failure of a known kind; else undefined. */
function fsReason(err) {
    const code = err?.code;
    return typeof code === 'string' ? FS_PROBLEMS[code] : undefined;
}


/***/ }),

/***/ 69:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.withKeyedLock = withKeyedLock;
/**
 * One-at-a-time sections per key inside this process. Writers that share a process (the four
 * referrers of one ship, say) take turns on a tag instead of racing for it; writers in other
 * processes are still handled by the read-back in `updateListedTag`.
 */
const tails = new Map();
async function withKeyedLock(key, section) {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(section, section);
    const tail = run.then(() => undefined, () => undefined);
    tails.set(key, tail);
    try {
        return await run;
    }
    finally {
        if (tails.get(key) === tail)
            tails.delete(key);
    }
}


/***/ }),

/***/ 325:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.silentLogger = void 0;
exports.addSecret = addSecret;
exports.redact = redact;
exports.stderrLogger = stderrLogger;
const untrusted_text_1 = __nccwpck_require__(37);
// Shared through globalThis: the CLI's commands are separate bundles, and a secret registered in one
// must be masked by the error printer of another.
const SECRETS = Symbol.for('ship-image.secrets');
const holder = globalThis;
const secrets = (holder[SECRETS] ??= new Set());
/** Register a value that must never be printed; every logger built by this module masks it. */
function addSecret(value) {
    if (value && value.length >= 4)
        secrets.add(value);
}
function redact(text) {
    let out = text;
    for (const s of secrets)
        out = out.split(s).join('***');
    return out;
}
exports.silentLogger = { info() { }, warn() { }, debug() { } };
function stderrLogger(opts = {}) {
    // Messages quote registries and tools: made inert (multi-line kept, e.g. a tool's output tail).
    const write = (prefix, m) => process.stderr.write(`${prefix}${(0, untrusted_text_1.inertText)(m, { max: 8000, multiline: true })}\n`);
    return {
        info: (m) => write('', m),
        warn: (m) => write('warning: ', m),
        debug: (m) => {
            if (opts.debug)
                write('debug: ', m);
        },
    };
}


/***/ }),

/***/ 762:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.mapLimited = mapLimited;
/** `work` over every item, at most `limit` at a time; results in the items' order. */
async function mapLimited(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            results[i] = await work(items[i]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}


/***/ }),

/***/ 725:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.FileReadError = exports.READ_CAPS = void 0;
exports.formatBytes = formatBytes;
exports.readFileCapped = readFileCapped;
exports.createCappedReadStream = createCappedReadStream;
exports.readTextCapped = readTextCapped;
exports.readStdinCapped = readStdinCapped;
exports.readFileCappedAsync = readFileCappedAsync;
exports.readTextCappedAsync = readTextCappedAsync;
const fs = __importStar(__nccwpck_require__(24));
const node_stream_1 = __nccwpck_require__(75);
const errors_1 = __nccwpck_require__(296);
const fs_errors_1 = __nccwpck_require__(994);
// Every file we parse is read through here, with a cap chosen for its kind: a policy, a key or a
// report given as `/dev/zero`, a FIFO that never ends or a 1 GB sparse file must fail in a moment
// with one line, not fill memory first. A regular file is judged by its size before a byte is read;
// anything else (pipe, character device, socket) is read up to the cap and refused past it.
const KiB = 1024;
const MiB = 1024 * KiB;
/** The caps by kind of input (bytes). One table so the limits are documented in one place. */
exports.READ_CAPS = {
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
};
/** Why a file could not be read; a UserError (exit 2) naming the file. `reason` is the bare phrase. */
class FileReadError extends errors_1.UserError {
    path;
    reason;
    code;
    constructor(path, head, reason, hint, code) {
        super(`${path}: ${head}; ${hint}`);
        this.name = 'FileReadError';
        this.path = path;
        this.reason = reason;
        this.code = code;
    }
}
exports.FileReadError = FileReadError;
function formatBytes(n) {
    if (n >= MiB && n % MiB === 0)
        return `${n / MiB} MiB`;
    if (n >= KiB && n % KiB === 0)
        return `${n / KiB} KiB`;
    return `${n} bytes`;
}
function tooLarge(path, maxBytes, o, size) {
    const seen = size === undefined ? `more than ${formatBytes(maxBytes)}` : `${formatBytes(size)}, more than the ${formatBytes(maxBytes)}`;
    const reason = `is too large (${seen} ship-image reads for it)`;
    return new FileReadError(path, `${o.what ?? 'the file'} ${reason}`, reason, o.hint ?? 'check the path', 'ETOOLARGE');
}
function openFailed(path, err, o) {
    const code = err.code;
    const why = (0, fs_errors_1.fsReason)(err) ?? code ?? err.message;
    return new FileReadError(path, `cannot read ${o.what ?? 'the file'} (${why})`, `cannot be read (${why})`, o.hint ?? 'check the path', code);
}
function notAFile(path, o) {
    return new FileReadError(path, `${o.what ?? 'the file'} is a directory, not a file`, 'is a directory, not a file', o.hint ?? 'check the path', 'EISDIR');
}
const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
/**
 * Opened without blocking: a FIFO with no writer would otherwise block open() for ever (and with it
 * the process, or a thread-pool thread). A pipe that is open but silent is waited for this long.
 */
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
const SILENT_PIPE_MS = 10_000;
function silentPipe(path, o) {
    const reason = `gave no data for ${SILENT_PIPE_MS / 1000} s`;
    return new FileReadError(path, `${o.what ?? 'the file'} ${reason}`, reason, o.hint ?? 'pass a regular file', 'ETIMEDOUT');
}
/** Reads at most `maxBytes` from an open descriptor; undefined when there was more. */
function readFdSync(fd, maxBytes, onSilence = () => new Error('the input gave no data')) {
    const chunks = [];
    let total = 0;
    let waited = 0;
    for (;;) {
        const chunk = Buffer.allocUnsafe(Math.min(64 * KiB, maxBytes + 1 - total));
        let n;
        try {
            n = fs.readSync(fd, chunk, 0, chunk.length, null);
        }
        catch (err) {
            // A non-blocking stdin pipe with nothing in it yet.
            if (err.code === 'EAGAIN') {
                if (waited >= SILENT_PIPE_MS)
                    throw onSilence();
                Atomics.wait(sleepBuffer, 0, 0, 10);
                waited += 10;
                continue;
            }
            throw err;
        }
        if (n === 0)
            return Buffer.concat(chunks, total);
        chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
        total += n;
        if (total > maxBytes)
            return undefined;
    }
}
/** The whole file, or a FileReadError (a UserError) when it cannot be read or holds more than `maxBytes`. */
function readFileCapped(path, maxBytes, o = {}) {
    let fd;
    try {
        fd = fs.openSync(path, OPEN_FLAGS);
    }
    catch (err) {
        throw openFailed(path, err, o);
    }
    try {
        const st = fs.fstatSync(fd);
        if (st.isDirectory())
            throw notAFile(path, o);
        if (st.isFile() && st.size > maxBytes)
            throw tooLarge(path, maxBytes, o, st.size);
        const bytes = readFdSync(fd, maxBytes, () => silentPipe(path, o));
        if (!bytes)
            throw tooLarge(path, maxBytes, o);
        return bytes;
    }
    catch (err) {
        if (err instanceof FileReadError)
            throw err;
        throw openFailed(path, err, o);
    }
    finally {
        fs.closeSync(fd);
    }
}
/**
 * A read stream of the file that fails (with the FileReadError readFileCapped would give) once more
 * than `maxBytes` went through: for inputs streamed rather than held (a tarball being extracted).
 */
function createCappedReadStream(path, maxBytes, o = {}) {
    const st = statOrFail(path, o);
    if (st.isDirectory())
        throw notAFile(path, o);
    if (st.isFile() && st.size > maxBytes)
        throw tooLarge(path, maxBytes, o, st.size);
    let total = 0;
    const counter = new node_stream_1.Transform({
        transform(chunk, _enc, done) {
            total += chunk.length;
            if (total > maxBytes)
                done(tooLarge(path, maxBytes, o));
            else
                done(null, chunk);
        },
    });
    const source = fs.createReadStream(path);
    source.on('error', (err) => counter.destroy(openFailed(path, err, o)));
    counter.on('close', () => source.destroy());
    return source.pipe(counter);
}
function statOrFail(path, o) {
    try {
        return fs.statSync(path);
    }
    catch (err) {
        throw openFailed(path, err, o);
    }
}
function readTextCapped(path, maxBytes, o = {}) {
    return readFileCapped(path, maxBytes, o).toString('utf8');
}
/** Standard input, up to `maxBytes` (for `--password-stdin` and `-` arguments). */
function readStdinCapped(maxBytes, o = {}) {
    const bytes = readFdSync(0, maxBytes);
    if (!bytes)
        throw tooLarge('stdin', maxBytes, { what: 'the input', ...o });
    return bytes.toString('utf8');
}
/** As readFileCapped, without blocking the event loop (a FIFO is waited for on the thread pool). */
async function readFileCappedAsync(path, maxBytes, o = {}) {
    let handle;
    try {
        handle = await fs.promises.open(path, OPEN_FLAGS);
    }
    catch (err) {
        throw openFailed(path, err, o);
    }
    try {
        const st = await handle.stat();
        if (st.isDirectory())
            throw notAFile(path, o);
        if (st.isFile() && st.size > maxBytes)
            throw tooLarge(path, maxBytes, o, st.size);
        const chunks = [];
        let total = 0;
        let waited = 0;
        for (;;) {
            const chunk = Buffer.allocUnsafe(Math.min(256 * KiB, maxBytes + 1 - total));
            let bytesRead;
            try {
                ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
            }
            catch (err) {
                if (err.code !== 'EAGAIN')
                    throw err;
                if (waited >= SILENT_PIPE_MS)
                    throw silentPipe(path, o);
                await new Promise((resolve) => setTimeout(resolve, 10));
                waited += 10;
                continue;
            }
            if (bytesRead === 0)
                return Buffer.concat(chunks, total);
            chunks.push(chunk.subarray(0, bytesRead));
            total += bytesRead;
            if (total > maxBytes)
                throw tooLarge(path, maxBytes, o);
        }
    }
    catch (err) {
        if (err instanceof FileReadError)
            throw err;
        throw openFailed(path, err, o);
    }
    finally {
        await handle.close();
    }
}
async function readTextCappedAsync(path, maxBytes, o = {}) {
    return (await readFileCappedAsync(path, maxBytes, o)).toString('utf8');
}


/***/ }),

/***/ 37:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DEFAULT_MAX_CHARS = void 0;
exports.inertText = inertText;
exports.inertDeep = inertDeep;
const log_1 = __nccwpck_require__(325);
// Text a registry, a service or a user sent us is printed into terminals, CI logs, job summaries
// and --json. Before it goes anywhere it is made inert here (the plain-text half; markdown escaping
// lives with the summary renderer): registered secrets masked, control characters and bidi
// overrides taken out (an ESC or U+202E from a lying registry would rewrite what a CI log shows),
// and the length capped.
exports.DEFAULT_MAX_CHARS = 300;
// C0 controls but TAB/LF/CR (handled as whitespace below), DEL, C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Bidi embeddings/overrides/isolates and marks, zero-width characters, BOM, interlinear annotations.
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;
/**
 * The text, safe to print: secrets registered with addSecret() masked, controls and bidi
 * characters removed, whitespace folded (onto one line unless `multiline`), at most `max`
 * characters followed by `… (N characters cut)`.
 */
function inertText(text, opts = {}) {
    const max = opts.max ?? exports.DEFAULT_MAX_CHARS;
    let s = typeof text === 'string' ? text : String(text);
    // Bound the work before the regexps run, leaving room so a secret cut by the cap is still whole
    // when redact() looks for it (the kept part is much shorter than this window).
    const window = max * 4 + 4096;
    const overLong = s.length > window ? s.length : 0;
    if (overLong)
        s = s.slice(0, window);
    // Masked before and after the strip: a secret may hold line breaks (a PEM), or be split by an
    // inserted control character.
    s = (0, log_1.redact)(toWellFormed(s));
    s = (0, log_1.redact)(s.replace(LINE_BREAKS, '\n').replace(CONTROLS, '').replace(INVISIBLE, ''));
    s = opts.multiline
        ? s
            .split('\n')
            .map((line) => line.replace(/\s+/g, ' ').trimEnd())
            .join('\n')
            .replace(/\n{3,}/g, '\n\n')
            .trim()
        : s.replace(/\s+/g, ' ').trim();
    const total = overLong || s.length;
    if (s.length <= max && !overLong)
        return s;
    let cut = Math.max(0, max);
    // Never split a surrogate pair.
    if (cut > 0 && cut < s.length && isHighSurrogate(s.charCodeAt(cut - 1)))
        cut--;
    const kept = s.slice(0, cut);
    return `${kept}… (${total - kept.length} characters cut)`;
}
function isHighSurrogate(code) {
    return code >= 0xd800 && code <= 0xdbff;
}
/** Lone surrogates become U+FFFD (String.prototype.toWellFormed is Node 20+ only as of 20.0). */
function toWellFormed(s) {
    return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
/**
 * Every string in a JSON-able value made inert (for --json outputs that carry registry or user
 * text). Keys are kept; numbers, booleans and null pass through.
 */
function inertDeep(value, opts = {}) {
    if (typeof value === 'string')
        return inertText(value, opts);
    if (Array.isArray(value))
        return value.map((v) => inertDeep(v, opts));
    if (value !== null && typeof value === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(value))
            out[k] = inertDeep(v, opts);
        return out;
    }
    return value;
}


/***/ }),

/***/ 291:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.renderText = renderText;
exports.renderJson = renderJson;
const untrusted_text_1 = __nccwpck_require__(37);
// Every string in the tree came from a registry (or the user, for `reference`): untrusted text.
const FIELD_MAX = 200;
const JSON_FIELD_MAX = 1000;
const t = (s) => (0, untrusted_text_1.inertText)(s, { max: FIELD_MAX });
/**
 * The tree as text, one line per node:
 *
 *   registry/repo:tag@sha256:… application/vnd.oci.image.manifest.v1+json 1234 bytes
 *   ├── application/vnd.dev.sigstore.bundle.v0.3+json sha256:… [fallback-tag]
 *   │       predicateType=https://slsa.dev/provenance/v1 created=2026-01-01T00:00:00Z size=1234
 *   └── application/vnd.dev.cosign.simplesigning.v1+json sha256:… [cosign-tag sha256-….sig]
 *           signer=URI:https://github.com/… size=250
 *
 * Each node's second line, indented under it, carries its details.
 */
function renderText(tree) {
    const lines = [`${t(tree.reference.includes('@') ? tree.reference : `${tree.reference}@${tree.digest}`)} ${t(tree.mediaType)} ${tree.size} bytes`];
    if (tree.referrers.length === 0)
        lines.push('└── (nothing attached: no referrers, no cosign tags)');
    renderChildren(tree.referrers, '', lines);
    if (tree.omitted)
        lines.push(`└── … (${tree.omitted} more not shown)`);
    for (const note of tree.notes ?? [])
        lines.push(`note: ${note}`);
    return lines.join('\n') + '\n';
}
function renderJson(tree) {
    return JSON.stringify((0, untrusted_text_1.inertDeep)(tree, { max: JSON_FIELD_MAX }), null, 2) + '\n';
}
function renderChildren(nodes, prefix, lines) {
    nodes.forEach((node, i) => {
        const last = i === nodes.length - 1;
        lines.push(`${prefix}${last ? '└── ' : '├── '}${headline(node)}`);
        const childPrefix = prefix + (last ? '    ' : '│   ');
        const details = detailLine(node);
        if (details)
            lines.push(`${childPrefix}${node.referrers.length > 0 || node.truncated || node.omitted ? '│   ' : '    '}${details}`);
        renderChildren(node.referrers, childPrefix, lines);
        if (node.truncated)
            lines.push(`${childPrefix}└── … (more below the depth limit)`);
        if (node.omitted)
            lines.push(`${childPrefix}└── … (${node.omitted} more not shown)`);
    });
}
function headline(node) {
    const where = node.source === 'cosign-tag' ? `[cosign-tag ${t(node.tag ?? '')}]` : `[${node.source}]`;
    return `${t(node.artifactType ?? node.mediaType)} ${t(node.digest)} ${where}`;
}
function detailLine(node) {
    const parts = [];
    if (node.predicateType)
        parts.push(`predicateType=${t(node.predicateType)}`);
    if (node.created)
        parts.push(`created=${t(node.created)}`);
    if (node.signer)
        parts.push(`signer=${t(node.signer)}`);
    parts.push(`size=${node.size}`);
    return parts.join(' ');
}


/***/ }),

/***/ 835:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.discover = discover;
const map_limited_1 = __nccwpck_require__(762);
const legacy_cosign_1 = __nccwpck_require__(816);
const media_types_1 = __nccwpck_require__(217);
const referrers_1 = __nccwpck_require__(961);
const PARALLEL_LOOKUPS = 8;
const DEFAULT_MAX_FAN_OUT = 100;
const DEFAULT_MAX_NODES = 1000;
/** The tree of everything attached to the image `reference` in `store`, like `oras discover`. */
async function discover(store, reference, opts = {}) {
    const maxDepth = Math.max(1, opts.maxDepth ?? 3);
    const maxFanOut = Math.max(1, opts.maxFanOut ?? DEFAULT_MAX_FAN_OUT);
    let nodesLeft = Math.max(1, opts.maxNodes ?? DEFAULT_MAX_NODES);
    const root = await store.resolve(reference);
    const visited = new Set([root.digest]);
    const notes = [];
    let depthCut = 0;
    const walk = async (subjectDigest, depth, artifactType) => {
        const { found, skipped } = await referrersWithSource(store, subjectDigest, artifactType);
        notes.push(...skipped);
        const fresh = found.filter(({ descriptor }) => !visited.has(descriptor.digest));
        const take = Math.min(fresh.length, maxFanOut, nodesLeft);
        nodesLeft -= take;
        const kept = fresh.slice(0, take);
        const omitted = fresh.length - take;
        if (omitted > 0) {
            const why = take < Math.min(fresh.length, maxFanOut) ? `the limit of ${opts.maxNodes ?? DEFAULT_MAX_NODES} nodes in the tree` : `the fan-out limit of ${maxFanOut} per subject`;
            notes.push(`${omitted} referrer(s) of ${subjectDigest} not shown: ${why}`);
        }
        for (const { descriptor } of kept)
            visited.add(descriptor.digest);
        const nodes = await (0, map_limited_1.mapLimited)(kept, PARALLEL_LOOKUPS, async ({ descriptor, source }) => {
            const node = referrerNode(await withAnnotations(store, descriptor), source);
            if (depth < maxDepth) {
                const below = await walk(descriptor.digest, depth + 1);
                node.referrers = below.nodes;
                if (below.omitted > 0)
                    node.omitted = below.omitted;
            }
            else if ((await (0, referrers_1.findReferrers)(store, descriptor.digest)).referrers.length > 0) {
                node.truncated = true;
                depthCut++;
            }
            return node;
        });
        return { nodes, omitted };
    };
    const walked = await walk(root.digest, 1, opts.artifactType);
    const referrers = walked.nodes;
    if (depthCut > 0)
        notes.push(`${depthCut} referrer(s) have more attached below the depth limit of ${maxDepth}`);
    if ((opts.legacyTags ?? true) && opts.artifactType === undefined) {
        for (const entry of await (0, legacy_cosign_1.readLegacyCosign)(store, root.digest)) {
            const node = {
                digest: entry.digest,
                mediaType: entry.mediaType,
                size: entry.size,
                artifactType: entry.mediaType,
                source: 'cosign-tag',
                tag: entry.tag,
                cosignKind: entry.kind,
                referrers: [],
            };
            if (entry.predicateType)
                node.predicateType = entry.predicateType;
            if (entry.certificateSubject)
                node.signer = entry.certificateSubject;
            referrers.push(node);
        }
    }
    return {
        reference: opts.display ?? `${store.location}@${root.digest}`,
        digest: root.digest,
        mediaType: root.mediaType,
        size: root.size,
        referrers,
        ...(walked.omitted > 0 ? { omitted: walked.omitted } : {}),
        notes,
    };
}
/**
 * The referrers API's answer, plus what a fallback tag lists beside it (an image copied from a
 * registry without the API brings its fallback tag along); else the fallback tag alone.
 */
async function referrersWithSource(store, subjectDigest, artifactType) {
    const listing = await (0, referrers_1.findReferrers)(store, subjectDigest, { artifactType });
    const found = listing.referrers.map((descriptor) => ({ descriptor, source: listing.source }));
    const skipped = [...listing.skipped];
    if (listing.source === 'referrers-api') {
        const known = new Set(listing.referrers.map((d) => d.digest));
        const fallback = await (0, referrers_1.readFallbackReferrers)(store, subjectDigest, { artifactType });
        skipped.push(...fallback.skipped);
        for (const descriptor of fallback.referrers) {
            if (!known.has(descriptor.digest))
                found.push({ descriptor, source: 'fallback-tag' });
        }
    }
    return { found, skipped };
}
function referrerNode(d, source) {
    const node = { digest: d.digest, mediaType: d.mediaType, size: d.size, source, referrers: [] };
    if (d.artifactType)
        node.artifactType = d.artifactType;
    const predicateType = d.annotations?.[media_types_1.ANNOTATION.bundlePredicateType] ?? d.annotations?.[media_types_1.ANNOTATION.predicateType];
    if (predicateType)
        node.predicateType = predicateType;
    const created = d.annotations?.[media_types_1.ANNOTATION.created];
    if (created)
        node.created = created;
    return node;
}
/** Some registries list referrers without their annotations: read them from the manifest then. */
async function withAnnotations(store, d) {
    if (d.annotations && d.artifactType)
        return d;
    const { manifest } = await store.getManifest(d.digest);
    const artifactType = d.artifactType ?? manifest.artifactType ?? ('config' in manifest ? manifest.config?.mediaType : undefined);
    const out = { ...d };
    if (artifactType)
        out.artifactType = artifactType;
    if (!d.annotations && manifest.annotations)
        out.annotations = manifest.annotations;
    return out;
}


/***/ }),

/***/ 949:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseWwwAuthenticate = parseWwwAuthenticate;
/**
 * Parse a `WWW-Authenticate` value (RFC 9110 §11.6.1): one or more challenges separated by commas,
 * each a scheme followed by `name=value` pairs where values may be quoted strings holding commas
 * and backslash escapes.
 */
function parseWwwAuthenticate(header) {
    if (header === undefined)
        return [];
    if (Array.isArray(header))
        return header.flatMap((h) => parseWwwAuthenticate(h));
    const challenges = [];
    let i = 0;
    const n = header.length;
    const skip = (chars) => {
        while (i < n && chars.includes(header[i]))
            i++;
    };
    const readToken = () => {
        const start = i;
        while (i < n && !' \t,="'.includes(header[i]))
            i++;
        return header.slice(start, i);
    };
    const readQuoted = () => {
        i++; // opening quote
        let out = '';
        while (i < n && header[i] !== '"') {
            if (header[i] === '\\' && i + 1 < n)
                i++;
            out += header[i];
            i++;
        }
        i++; // closing quote
        return out;
    };
    let current;
    while (i < n) {
        skip(' \t,');
        if (i >= n)
            break;
        const token = readToken();
        if (token === '') {
            i++; // stray character: skip it
            continue;
        }
        const afterToken = i;
        skip(' \t');
        if (header[i] === '=' && current) {
            i++;
            skip(' \t');
            const value = header[i] === '"' ? readQuoted() : readToken();
            current.params[token.toLowerCase()] = value;
            continue;
        }
        i = afterToken;
        current = { scheme: token.toLowerCase(), params: {} };
        challenges.push(current);
        // A token68 (e.g. `Negotiate abc==`) after the scheme carries no parameters we use: skip it.
        skip(' \t');
        const mark = i;
        const next = readToken();
        skip(' \t');
        const isParam = header[i] === '=' && header[i + 1] !== '=';
        if (next && !isParam)
            skip('=');
        else
            i = mark;
    }
    return challenges;
}


/***/ }),

/***/ 587:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.runCredentialHelper = runCredentialHelper;
const node_child_process_1 = __nccwpck_require__(421);
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const HELPER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;
/**
 * Run `docker-credential-<helper> get` with the server URL on stdin (the docker credential helper
 * protocol). Returns undefined when the helper has nothing for that server.
 */
function runCredentialHelper(helper, serverUrl, opts = {}) {
    const program = `docker-credential-${helper}`;
    const where = opts.configuredIn ? ` (named in ${opts.configuredIn})` : '';
    if (!HELPER_NAME_RE.test(helper)) {
        return Promise.reject(new errors_1.UserError(`credential helper name '${helper}'${where} is not valid; use a plain name like 'pass' or 'ecr-login'`));
    }
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.spawn)(program, ['get'], { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
        const out = [];
        const err = [];
        let outBytes = 0;
        let done = false;
        const finish = (fn) => {
            if (done)
                return;
            done = true;
            clearTimeout(timer);
            fn();
        };
        const timer = setTimeout(() => {
            child.kill('SIGKILL');
            finish(() => reject(new errors_1.UserError(`credential helper ${program}${where} did not answer within ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms; check that it works with '${program} get'`)));
        }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        child.stdout.on('data', (chunk) => {
            outBytes += chunk.length;
            if (outBytes <= MAX_OUTPUT_BYTES)
                out.push(chunk);
        });
        child.stderr.on('data', (chunk) => err.push(chunk));
        child.on('error', (e) => finish(() => reject(e.code === 'ENOENT'
            ? new errors_1.UserError(`credential helper ${program}${where} is not on PATH; install it or remove it from the docker config`)
            : new errors_1.UserError(`credential helper ${program}${where} could not run: ${e.message}`))));
        child.stdin.on('error', () => undefined); // a helper that exits without reading stdin
        child.on('close', (code) => finish(() => {
            const stdout = Buffer.concat(out).toString('utf8').trim();
            const stderr = Buffer.concat(err).toString('utf8').trim();
            if (code !== 0) {
                if (/credentials not found/i.test(stdout + stderr))
                    return resolve(undefined);
                const why = (stderr || stdout).split('\n')[0]?.slice(0, 200) ?? '';
                return reject(new errors_1.UserError(`credential helper ${program}${where} failed for ${serverUrl} (exit ${code}${why ? `: ${why}` : ''}); run '${program} get' to see why`));
            }
            let parsed;
            try {
                parsed = JSON.parse(stdout);
            }
            catch {
                return reject(new errors_1.UserError(`credential helper ${program}${where} printed something other than JSON for ${serverUrl}; it must print {"Username":..,"Secret":..}`));
            }
            if (typeof parsed.Secret !== 'string' || parsed.Secret === '')
                return resolve(undefined);
            (0, log_1.addSecret)(parsed.Secret);
            resolve({ username: typeof parsed.Username === 'string' ? parsed.Username : '', secret: parsed.Secret });
        }));
        child.stdin.end(serverUrl);
    });
}


/***/ }),

/***/ 626:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.CredentialResolver = void 0;
const log_1 = __nccwpck_require__(325);
const reference_1 = __nccwpck_require__(148);
const docker_config_1 = __nccwpck_require__(277);
/**
 * Finds the credentials for a registry, in this order: explicit username/password option,
 * per-host credentials option, then the auth file / docker config (helpers included).
 * Looked up once per registry, only when a registry asks for authentication.
 */
class CredentialResolver {
    opts;
    cache = new Map();
    perHost = new Map();
    constructor(opts = {}) {
        this.opts = opts;
        (0, log_1.addSecret)(opts.password);
        for (const [host, cred] of Object.entries(opts.credentials ?? {})) {
            (0, log_1.addSecret)(cred.password);
            this.perHost.set((0, docker_config_1.normalizeRegistryKey)(host), cred);
        }
    }
    get(registry) {
        const key = (0, reference_1.canonicalRegistry)(registry.toLowerCase());
        let found = this.cache.get(key);
        if (!found) {
            found = this.lookup(key, registry);
            this.cache.set(key, found);
            // A failing helper should not poison later attempts.
            found.catch(() => this.cache.delete(key));
        }
        return found;
    }
    async lookup(key, registry) {
        if (this.opts.username !== undefined && this.opts.password !== undefined) {
            return { username: this.opts.username, password: this.opts.password, source: 'the username/password option' };
        }
        const given = this.perHost.get(key);
        if (given)
            return { username: given.username, password: given.password, source: `the credentials option for ${key}` };
        return (0, docker_config_1.dockerConfigCredential)(registry, this.opts, this.opts.helperTimeoutMs);
    }
}
exports.CredentialResolver = CredentialResolver;


/***/ }),

/***/ 277:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DOCKER_HUB_SERVER_URL = void 0;
exports.dockerConfigPaths = dockerConfigPaths;
exports.readDockerConfigFile = readDockerConfigFile;
exports.normalizeRegistryKey = normalizeRegistryKey;
exports.dockerConfigCredential = dockerConfigCredential;
const os = __importStar(__nccwpck_require__(161));
const path = __importStar(__nccwpck_require__(760));
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const reference_1 = __nccwpck_require__(148);
const cred_helper_1 = __nccwpck_require__(587);
const read_capped_1 = __nccwpck_require__(725);
/** The server URL docker uses for Docker Hub in config keys and with credential helpers. */
exports.DOCKER_HUB_SERVER_URL = 'https://index.docker.io/v1/';
/** Files to read, first match wins: the auth file when set, then the docker config. */
function dockerConfigPaths(loc = {}) {
    const env = loc.env ?? process.env;
    const paths = [];
    const authFile = loc.authFile ?? env.REGISTRY_AUTH_FILE;
    if (authFile)
        paths.push(authFile);
    const dir = loc.dockerConfigDir ?? env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker');
    paths.push(path.join(dir, 'config.json'));
    return paths;
}
/** Read and parse one config file; undefined when it does not exist. */
function readDockerConfigFile(file) {
    let text;
    try {
        text = (0, read_capped_1.readTextCapped)(file, read_capped_1.READ_CAPS.document, { what: 'the registry auth file', hint: 'fix it or point DOCKER_CONFIG elsewhere' });
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return undefined;
        if (err.code === 'ETOOLARGE')
            throw err;
        throw new errors_1.UserError(`cannot read registry auth file ${file}: ${err.message}; fix its permissions or point DOCKER_CONFIG elsewhere`);
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        throw new errors_1.UserError(`registry auth file ${file} is not valid JSON; fix it or point DOCKER_CONFIG / REGISTRY_AUTH_FILE elsewhere`);
    }
    const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {});
    return {
        path: file,
        auths: isRecord(obj.auths) ? obj.auths : {},
        credHelpers: isRecord(obj.credHelpers) ? obj.credHelpers : {},
        credsStore: typeof obj.credsStore === 'string' && obj.credsStore ? obj.credsStore : undefined,
    };
}
/** `https://index.docker.io/v1/` → `docker.io`; `https://ghcr.io/foo` → `ghcr.io`; `Ghcr.IO` → `ghcr.io`. */
function normalizeRegistryKey(key) {
    let host = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    const slash = host.indexOf('/');
    if (slash >= 0)
        host = host.slice(0, slash);
    return (0, reference_1.canonicalRegistry)(host.toLowerCase());
}
/**
 * Credentials for `registry` from the auth file and docker config, in docker's order per file:
 * `credHelpers[host]`, then `credsStore`, then the `auths` entry.
 */
async function dockerConfigCredential(registry, loc = {}, helperTimeoutMs) {
    const wanted = (0, reference_1.canonicalRegistry)(registry.toLowerCase());
    for (const file of dockerConfigPaths(loc)) {
        const config = readDockerConfigFile(file);
        if (!config)
            continue;
        const serverUrl = wanted === reference_1.DOCKER_HUB ? exports.DOCKER_HUB_SERVER_URL : registry;
        const helperKey = findKey(config.credHelpers, wanted);
        const helper = helperKey !== undefined ? config.credHelpers[helperKey] : config.credsStore;
        if (helper) {
            const configuredIn = `${file} ${helperKey !== undefined ? `credHelpers["${helperKey}"]` : 'credsStore'}`;
            const found = await (0, cred_helper_1.runCredentialHelper)(helper, serverUrl, { timeoutMs: helperTimeoutMs, env: loc.env, configuredIn });
            if (found)
                return fromHelper(found, `docker-credential-${helper}`);
        }
        const authKey = findKey(config.auths, wanted);
        if (authKey !== undefined) {
            const entry = config.auths[authKey];
            const credential = entry && fromAuthEntry(entry, `${file} auths["${authKey}"]`);
            if (credential)
                return credential;
        }
    }
    return undefined;
}
function findKey(record, wanted) {
    if (Object.prototype.hasOwnProperty.call(record, wanted))
        return wanted;
    return Object.keys(record).find((k) => normalizeRegistryKey(k) === wanted);
}
function fromHelper(found, source) {
    if (found.username === '<token>')
        return { identityToken: found.secret, source };
    return { username: found.username, password: found.secret, source };
}
function fromAuthEntry(entry, source) {
    if (!isRecord(entry))
        return undefined;
    if (typeof entry.registrytoken === 'string' && entry.registrytoken) {
        (0, log_1.addSecret)(entry.registrytoken);
        return { registryToken: entry.registrytoken, source };
    }
    let username = typeof entry.username === 'string' ? entry.username : undefined;
    let password = typeof entry.password === 'string' ? entry.password : undefined;
    if (typeof entry.auth === 'string' && entry.auth) {
        (0, log_1.addSecret)(entry.auth);
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon < 0)
            throw new errors_1.UserError(`${source}: 'auth' must be base64 of user:password; log in again to rewrite it`);
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
    }
    (0, log_1.addSecret)(password);
    if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
        (0, log_1.addSecret)(entry.identitytoken);
        return { username, identityToken: entry.identitytoken, source };
    }
    if (username !== undefined && password !== undefined && (username !== '' || password !== ''))
        return { username, password, source };
    return undefined;
}
function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}


/***/ }),

/***/ 832:
/***/ ((__unused_webpack_module, exports) => {


/**
 * Token scopes (`repository:acme/api:pull,push`) as the Docker token spec writes them:
 * resource type, resource name (which may hold ':'), comma-separated actions.
 */
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.repositoryScope = repositoryScope;
exports.mergeScopes = mergeScopes;
exports.scopesCover = scopesCover;
function repositoryScope(repository, actions) {
    return `repository:${repository}:${actions.join(',')}`;
}
function parseScope(scope) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last === first)
        return undefined;
    return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions: new Set(scope.slice(last + 1).split(',').filter(Boolean)) };
}
/** Union of scope lists, actions merged per resource; stable order; unparseable scopes kept as is. */
function mergeScopes(...lists) {
    const byResource = new Map();
    const opaque = [];
    for (const scope of lists.flat()) {
        for (const one of scope.split(' ').filter(Boolean)) {
            const parsed = parseScope(one);
            if (!parsed) {
                if (!opaque.includes(one))
                    opaque.push(one);
                continue;
            }
            const key = `${parsed.type}:${parsed.name}`;
            const existing = byResource.get(key);
            if (existing)
                for (const a of parsed.actions)
                    existing.actions.add(a);
            else
                byResource.set(key, parsed);
        }
    }
    const ordered = [...byResource.values()].map((s) => `${s.type}:${s.name}:${[...s.actions].sort().join(',')}`);
    return [...ordered, ...opaque].sort();
}
/** True when every action of every scope in `wanted` is granted by `held`. */
function scopesCover(held, wanted) {
    const heldParsed = held.map(parseScope);
    return wanted.every((w) => {
        const want = parseScope(w);
        if (!want)
            return held.includes(w);
        return heldParsed.some((h) => h && h.type === want.type && h.name === want.name && [...want.actions].every((a) => h.actions.has(a) || h.actions.has('*')));
    });
}


/***/ }),

/***/ 532:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RegistrySession = void 0;
const log_1 = __nccwpck_require__(325);
const http_1 = __nccwpck_require__(809);
const reference_1 = __nccwpck_require__(148);
const challenge_1 = __nccwpck_require__(949);
const scope_1 = __nccwpck_require__(832);
const token_1 = __nccwpck_require__(713);
/**
 * Speaks to one registry with authentication: learns the challenge from the first 401, then sends
 * Basic preemptively or a bearer token per scope (cached), and retries once with a fresh, wider
 * token when the registry challenges a token we sent. Also learns whether a loopback/insecure
 * registry speaks TLS or plain HTTP.
 */
class RegistrySession {
    registry;
    deps;
    apiHost;
    scheme = 'https';
    schemeKnown = false;
    challenge;
    tokenRequests = new Map();
    logger;
    constructor(registry, deps) {
        this.registry = registry;
        this.deps = deps;
        this.apiHost = (0, reference_1.registryApiHost)(registry);
        this.logger = deps.logger ?? log_1.silentLogger;
    }
    /** Absolute URL for an API path on this registry (scheme as learned so far). */
    url(path) {
        return new URL(`${this.scheme}://${this.apiHost}${path}`);
    }
    /**
     * True when `url` is this registry's own API (same host and port; https, or the plain HTTP this
     * session speaks). Credentials and tokens go only to such URLs.
     */
    isRegistryUrl(url) {
        const own = this.url('/');
        if (url.host.toLowerCase() !== own.host.toLowerCase())
            return false;
        return url.protocol === 'https:' || url.protocol === own.protocol;
    }
    send(req) {
        return this.exchange(req, false);
    }
    /** A 2xx body comes back unread in `stream`. */
    stream(req) {
        return this.exchange(req, true);
    }
    async exchange(req, streamBody) {
        // An upload Location on another host (storage offload): followed, but without our credentials,
        // and its 401 challenges are not learned (they would point our token requests elsewhere).
        if (typeof req.target !== 'string' && !this.isRegistryUrl(req.target))
            return this.sendElsewhere(req, req.target, streamBody);
        let scopes = req.scopes;
        let sentToken;
        let challenged = false;
        for (let round = 0;; round++) {
            const headers = { ...(req.headers ?? {}) };
            const auth = await this.authorization(scopes);
            if (auth)
                headers.Authorization = auth.header;
            sentToken = auth?.token;
            const res = await this.sendOnce(req, headers, streamBody);
            if (res.status !== 401 || round >= 2)
                return res;
            const challenge = pickChallenge((0, challenge_1.parseWwwAuthenticate)(res.headers['www-authenticate']));
            if (!challenge)
                return res;
            this.challenge = challenge;
            if (challenge.scheme === 'bearer') {
                if (sentToken)
                    this.deps.tokens.drop(this.registry, sentToken);
                const widened = challenge.params.scope ? (0, scope_1.mergeScopes)(scopes, challenge.params.scope.split(' ')) : scopes;
                // Retry when we sent nothing (first contact), or a token that a wider/fresh one may fix.
                if (auth && challenged && widened.join(' ') === scopes.join(' '))
                    return res;
                scopes = widened;
            }
            else if (challenge.scheme === 'basic') {
                // Basic credentials that were sent and refused stay refused; without any there is nothing to try.
                if (auth || !(await this.credential()))
                    return res;
            }
            else {
                return res;
            }
            challenged = true;
            this.logger.debug(`registry ${this.registry}: ${res.status} challenge ${challenge.scheme}${challenge.params.scope ? ` scope=${challenge.params.scope}` : ''}; retrying with credentials`);
        }
    }
    async sendOnce(req, headers, streamBody) {
        const what = `registry ${req.op.registry}: ${req.op.operation}`;
        const build = () => ({
            method: req.method,
            url: typeof req.target === 'string' ? this.url(req.target) : req.target,
            headers,
            body: req.body,
            replayable: req.replayable,
            maxBytes: req.maxBytes,
            deadlineMs: req.deadlineMs,
            what,
        });
        const first = build();
        try {
            const res = streamBody ? await this.deps.transport.stream(first) : await this.deps.transport.send(first);
            if (typeof req.target === 'string')
                this.schemeKnown = true;
            return res;
        }
        catch (err) {
            // Requests sent concurrently before the scheme was known may fail after another one switched it.
            const undecided = !this.schemeKnown || this.scheme === 'http';
            const mayFallBack = undecided && first.url.protocol === 'https:' && typeof req.target === 'string' && (0, http_1.isTlsProtocolError)(err) && this.deps.transport.plainHttpAllowed(this.apiHost);
            if (!mayFallBack)
                throw err;
            if (this.scheme !== 'http')
                this.logger.debug(`registry ${this.registry}: no TLS on ${this.apiHost}; using plain HTTP (loopback or insecure registry)`);
            this.scheme = 'http';
            this.schemeKnown = true;
            const second = build();
            return streamBody ? this.deps.transport.stream(second) : this.deps.transport.send(second);
        }
    }
    sendElsewhere(req, url, streamBody) {
        const headers = Object.fromEntries(Object.entries(req.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'authorization'));
        this.logger.debug(`registry ${this.registry}: ${req.op.operation} goes to ${url.host}, another host: sent without credentials`);
        const out = {
            method: req.method,
            url,
            headers,
            body: req.body,
            replayable: req.replayable,
            maxBytes: req.maxBytes,
            deadlineMs: req.deadlineMs,
            what: `registry ${req.op.registry}: ${req.op.operation} (at ${url.host})`,
        };
        return streamBody ? this.deps.transport.stream(out) : this.deps.transport.send(out);
    }
    /** For 401/403 messages: which credentials were tried (never the secret). */
    async authHint() {
        const cred = await this.credential().catch(() => undefined);
        if (!cred)
            return `no credentials found for ${this.registry}; pass username/password or run 'docker login ${this.registry}'`;
        return `credentials from ${cred.source}`;
    }
    credential() {
        return this.deps.credentials.get(this.registry);
    }
    async authorization(scopes) {
        const challenge = this.challenge;
        if (!challenge)
            return undefined;
        const cred = await this.credential();
        if (cred?.registryToken)
            return { header: `Bearer ${cred.registryToken}` };
        if (challenge.scheme === 'basic') {
            if (!cred || cred.username === undefined || cred.password === undefined)
                return undefined;
            return { header: (0, token_1.basicAuthorization)(cred.username, cred.password) };
        }
        if (challenge.scheme !== 'bearer' || !challenge.params.realm)
            return undefined;
        const { realm, service } = challenge.params;
        const cached = this.deps.tokens.find(this.registry, scopes) ?? (await this.newToken({ realm, service }, scopes, cred));
        return { header: `Bearer ${cached.token}`, token: cached.token };
    }
    /** A fresh token for `scopes`; requests that need the same one at the same time share one token request. */
    newToken(where, scopes, credential) {
        const key = scopes.join(' ');
        let pending = this.tokenRequests.get(key);
        if (!pending) {
            pending = (0, token_1.fetchToken)(this.deps.transport, {
                registry: this.registry,
                realm: where.realm,
                service: where.service,
                scopes,
                credential,
                clientId: this.deps.clientId ?? 'ship-image',
                registryHost: this.apiHost,
            }).then((token) => {
                this.deps.tokens.put(this.registry, token);
                return token;
            });
            this.tokenRequests.set(key, pending);
            const done = () => this.tokenRequests.delete(key);
            pending.then(done, done);
        }
        return pending;
    }
}
exports.RegistrySession = RegistrySession;
/** Bearer when offered (it carries scopes), else Basic. */
function pickChallenge(challenges) {
    return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}


/***/ }),

/***/ 713:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.TokenCache = void 0;
exports.fetchToken = fetchToken;
exports.registrableDomain = registrableDomain;
exports.basicAuthorization = basicAuthorization;
const log_1 = __nccwpck_require__(325);
const errors_1 = __nccwpck_require__(630);
const http_1 = __nccwpck_require__(809);
const scope_1 = __nccwpck_require__(832);
const DEFAULT_EXPIRES_IN_S = 60;
const MAX_SLACK_MS = 10_000;
const TOKEN_RESPONSE_MAX_BYTES = 1024 * 1024;
/** Tokens per registry; a lookup is satisfied by any live token whose scopes cover the wanted ones. */
class TokenCache {
    now;
    byRegistry = new Map();
    constructor(now = Date.now) {
        this.now = now;
    }
    find(registry, scopes) {
        const live = (this.byRegistry.get(registry) ?? []).filter((t) => t.expiresAt > this.now());
        this.byRegistry.set(registry, live);
        return live.find((t) => (0, scope_1.scopesCover)(t.scopes, scopes));
    }
    put(registry, token) {
        const list = (this.byRegistry.get(registry) ?? []).filter((t) => t.token !== token.token);
        list.push(token);
        this.byRegistry.set(registry, list);
    }
    drop(registry, token) {
        this.byRegistry.set(registry, (this.byRegistry.get(registry) ?? []).filter((t) => t.token !== token));
    }
}
exports.TokenCache = TokenCache;
/**
 * Get a bearer token from the realm (Docker token spec): GET with Basic credentials (or none),
 * or the OAuth2 refresh-token POST when we hold an identity token.
 */
async function fetchToken(transport, req, now = Date.now) {
    let realm;
    try {
        realm = new URL(req.realm);
    }
    catch {
        throw new errors_1.RegistryError(`registry ${req.registry}: its token realm '${req.realm}' is not a URL`);
    }
    const what = `registry ${req.registry}: token request to ${(0, http_1.redactUrl)(realm)} for ${req.scopes.join(' ') || 'no scope'}`;
    const cred = req.credential;
    checkRealm(transport, realm, req, cred);
    let res;
    if (cred?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: req.clientId });
        if (req.service)
            form.set('service', req.service);
        if (req.scopes.length > 0)
            form.set('scope', req.scopes.join(' '));
        res = await transport.send({
            method: 'POST',
            url: realm,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: Buffer.from(form.toString()),
            replayable: true,
            maxBytes: TOKEN_RESPONSE_MAX_BYTES,
            what,
        });
    }
    else {
        const url = new URL(realm);
        if (req.service)
            url.searchParams.set('service', req.service);
        for (const scope of req.scopes)
            url.searchParams.append('scope', scope);
        const headers = {};
        if (cred?.username !== undefined && cred.password !== undefined)
            headers.Authorization = basicAuthorization(cred.username, cred.password);
        res = await transport.send({ method: 'GET', url, headers, maxBytes: TOKEN_RESPONSE_MAX_BYTES, what });
    }
    if (res.status === 401 || res.status === 403) {
        const from = cred ? ` (credentials from ${cred.source})` : ' (no credentials found)';
        throw new errors_1.RegistryAuthError(`${what} failed: ${(0, errors_1.describeStatus)(res.status, res.body)}${from}; check the username and password or token for ${req.registry}`, res.status);
    }
    if (res.status !== 200)
        throw new errors_1.RegistryError(`${what} failed: ${(0, errors_1.describeStatus)(res.status, res.body)}`, res.status);
    let parsed;
    try {
        parsed = JSON.parse(res.body.toString('utf8'));
    }
    catch {
        throw new errors_1.RegistryError(`${what}: the answer is not JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : '';
    if (!token)
        throw new errors_1.RegistryError(`${what}: the answer holds neither 'token' nor 'access_token'`);
    (0, log_1.addSecret)(token);
    const expiresInS = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_EXPIRES_IN_S;
    const lifeMs = expiresInS * 1000;
    const slack = Math.min(MAX_SLACK_MS, lifeMs / 4);
    return { token, scopes: [...req.scopes], expiresAt: now() + lifeMs - slack };
}
/**
 * Where a registry may send us for tokens. Docker's token spec lets the realm be another host, and
 * real registries use that (Docker Hub: registry-1.docker.io → auth.docker.io), so Basic credentials
 * may go there — but only over https (plain HTTP only to loopback or a host listed as insecure, or
 * the insecure registry's own host), never over another scheme. An identity token (a long-lived
 * refresh token) goes only to a realm of the registry's own registrable domain.
 */
function checkRealm(transport, realm, req, cred) {
    const registryHost = req.registryHost ?? req.registry;
    const where = `registry ${req.registry}: its token realm ${realm.protocol}//${realm.host}`;
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
        throw new errors_1.RegistryError(`${where} is not an http(s) URL; refusing to ask it for a token`);
    }
    if (realm.protocol === 'http:') {
        const sameInsecureHost = hostname(realm.host) === hostname(registryHost) && transport.plainHttpAllowed(registryHost);
        if (!transport.plainHttpAllowed(realm.host) && !sameInsecureHost) {
            throw new errors_1.RegistryError(`${where} is plain HTTP on a host that is neither loopback nor listed in insecure-registries; refusing to send credentials there`);
        }
    }
    if (cred?.identityToken && registrableDomain(realm.hostname) !== registrableDomain(hostname(registryHost))) {
        throw new errors_1.RegistryAuthError(`${where} is on another domain than the registry; ship-image sends the identity token (${cred.source}) only to the registry's own domain; log in to ${req.registry} with a username and password instead`, 401);
    }
}
/** `host[:port]` → host name, lower-cased, IPv6 without brackets. */
function hostname(host) {
    return new URL(`http://${host}`).hostname.toLowerCase().replace(/^\[|\]$/g, '');
}
// Second-level labels under which country domains register names (co.uk, com.au, …).
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go']);
/**
 * The name a registrant controls: the last two labels (three under `co.uk`-style suffixes); an IP
 * address or a one-label name stands for itself. An approximation of the public suffix list: two
 * names under a multi-label public suffix it does not know (`github.io`) count as one domain.
 */
function registrableDomain(name) {
    const host = name.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
    if (host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host))
        return host;
    const labels = host.split('.');
    if (labels.length <= 2)
        return host;
    const keep = labels.at(-1).length === 2 && SECOND_LEVEL.has(labels.at(-2)) ? 3 : 2;
    return labels.slice(-keep).join('.');
}
function basicAuthorization(username, password) {
    const encoded = Buffer.from(`${username}:${password}`).toString('base64');
    (0, log_1.addSecret)(encoded);
    return `Basic ${encoded}`;
}


/***/ }),

/***/ 825:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.sha256Digest = sha256Digest;
exports.isDigest = isDigest;
exports.digestOf = digestOf;
exports.fallbackTag = fallbackTag;
const node_crypto_1 = __nccwpck_require__(598);
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
function sha256Digest(data) {
    return 'sha256:' + (0, node_crypto_1.createHash)('sha256').update(data).digest('hex');
}
function isDigest(s) {
    return DIGEST_RE.test(s);
}
/** Digest of `data` with the algorithm `expected` names. */
function digestOf(data, algorithm) {
    return `${algorithm}:` + (0, node_crypto_1.createHash)(algorithm).update(data).digest('hex');
}
/** `sha256:abc` -> `sha256-abc`, the referrers fallback tag (distribution-spec 1.1). */
function fallbackTag(digest) {
    return digest.replace(':', '-');
}


/***/ }),

/***/ 630:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DigestMismatchError = exports.RetryAfterTooLongError = exports.ResponseTooLargeError = exports.RegistryAuthError = exports.RegistryError = void 0;
exports.parseDistributionErrors = parseDistributionErrors;
exports.describeStatus = describeStatus;
exports.errorForStatus = errorForStatus;
exports.failurePrefix = failurePrefix;
const errors_1 = __nccwpck_require__(296);
const untrusted_text_1 = __nccwpck_require__(37);
const store_1 = __nccwpck_require__(800);
// What a registry says is untrusted text: each part it sent is made inert (secrets masked before
// anything is cut) and capped here; whole messages are made inert again where they are printed.
const MAX_DETAIL_CHARS = 300;
const MAX_PLAIN_BODY_CHARS = 200;
const MAX_CODE_CHARS = 64;
const MAX_ENTRIES = 5;
// For answers without a body (HEAD): the status alone says little.
const STATUS_WORDS = { 401: 'UNAUTHORIZED', 403: 'DENIED', 404: 'NOT FOUND', 405: 'UNSUPPORTED', 429: 'TOOMANYREQUESTS' };
/** A registry answered with an error status, or broke the protocol (bad digest, oversized body). */
class RegistryError extends Error {
    status;
    codes;
    constructor(message, status, codes = []) {
        super(message);
        this.name = 'RegistryError';
        this.status = status;
        this.codes = codes;
    }
}
exports.RegistryError = RegistryError;
/** Credentials were missing, wrong, or do not grant the operation (401/403). Exit code 2. */
class RegistryAuthError extends errors_1.UserError {
    status;
    constructor(message, status) {
        super(message);
        this.name = 'RegistryAuthError';
        this.status = status;
    }
}
exports.RegistryAuthError = RegistryAuthError;
/** The server sent more than we accept for this kind of body. */
class ResponseTooLargeError extends RegistryError {
    constructor(message) {
        super(message);
        this.name = 'ResponseTooLargeError';
    }
}
exports.ResponseTooLargeError = ResponseTooLargeError;
/** The server asked us to come back later than we are willing to wait (`Retry-After` over the cap). */
class RetryAfterTooLongError extends RegistryError {
    constructor(message) {
        super(message);
        this.name = 'RetryAfterTooLongError';
    }
}
exports.RetryAfterTooLongError = RetryAfterTooLongError;
/** The bytes received do not hash to the digest asked for (or announced). */
class DigestMismatchError extends RegistryError {
    constructor(message) {
        super(message);
        this.name = 'DigestMismatchError';
    }
}
exports.DigestMismatchError = DigestMismatchError;
function parseDistributionErrors(body) {
    if (!body || body.length === 0)
        return [];
    try {
        const parsed = JSON.parse(body.toString());
        if (!Array.isArray(parsed.errors))
            return [];
        return parsed.errors
            .filter((e) => typeof e === 'object' && e !== null && typeof e.code === 'string')
            .map((e) => ({
            code: (0, untrusted_text_1.inertText)(e.code, { max: MAX_CODE_CHARS }),
            message: typeof e.message === 'string' ? (0, untrusted_text_1.inertText)(e.message, { max: MAX_DETAIL_CHARS }) : undefined,
            detail: e.detail,
        }));
    }
    catch {
        return [];
    }
}
/** `400 MANIFEST_INVALID: manifest invalid (detail)`, or the status and a clip of a non-JSON body. */
function describeStatus(status, body) {
    const entries = parseDistributionErrors(body);
    if (entries.length === 0) {
        const text = body ? (0, untrusted_text_1.inertText)(body.subarray(0, 64 * 1024).toString('utf8'), { max: MAX_PLAIN_BODY_CHARS }) : '';
        return text ? `${status}: ${text}` : `${status}${STATUS_WORDS[status] ? ` ${STATUS_WORDS[status]}` : ''}`;
    }
    const parts = entries.slice(0, MAX_ENTRIES).map((e) => {
        let s = e.code;
        if (e.message)
            s += `: ${e.message}`;
        const detail = detailText(e.detail);
        if (detail)
            s += ` (${detail})`;
        return s;
    });
    const more = entries.length > MAX_ENTRIES ? `; and ${entries.length - MAX_ENTRIES} more` : '';
    return `${status} ${parts.join('; ')}${more}`;
}
/** Map a failed response to the error the rest of the code expects (404 → NotFoundError, 412 → ConflictError). */
function errorForStatus(op, status, body) {
    const message = `${failurePrefix(op)}: ${describeStatus(status, body)}`;
    if (status === 404)
        return new store_1.NotFoundError(message);
    if (status === 412)
        return new store_1.ConflictError(message);
    if (status === 401 || status === 403) {
        const used = op.authHint ? ` (${op.authHint})` : '';
        const needs = op.scopes && op.scopes.length > 0 ? ` grant ${op.scopes.join(' and ')}` : ' grant this operation';
        return new RegistryAuthError(`${message}${used}; check the credentials for ${op.registry} and that they${needs}`, status);
    }
    return new RegistryError(message, status, parseDistributionErrors(body).map((e) => e.code));
}
function failurePrefix(op) {
    return `registry ${op.registry}: ${op.operation} failed`;
}
function detailText(detail) {
    if (detail === undefined || detail === null || detail === '')
        return '';
    return (0, untrusted_text_1.inertText)(typeof detail === 'string' ? detail : JSON.stringify(detail), { max: MAX_DETAIL_CHARS });
}


/***/ }),

/***/ 809:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.HttpTransport = exports.DEFAULT_DEADLINE_MS = exports.DEFAULT_MAX_RESPONSE_BYTES = exports.HttpConnectionError = void 0;
exports.isLoopbackHost = isLoopbackHost;
exports.isTlsProtocolError = isTlsProtocolError;
exports.parseRetryAfter = parseRetryAfter;
exports.retriableStatus = retriableStatus;
exports.redactUrl = redactUrl;
exports.nextLink = nextLink;
const http = __importStar(__nccwpck_require__(67));
const https = __importStar(__nccwpck_require__(708));
const node_stream_1 = __nccwpck_require__(75);
const tls = __importStar(__nccwpck_require__(692));
const promises_1 = __nccwpck_require__(500);
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const errors_2 = __nccwpck_require__(630);
/** A failure below HTTP: refused, reset, timed out, TLS. `code` is Node's error code. */
class HttpConnectionError extends Error {
    code;
    constructor(message, code) {
        super(message);
        this.name = 'HttpConnectionError';
        this.code = code;
    }
}
exports.HttpConnectionError = HttpConnectionError;
exports.DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
exports.DEFAULT_DEADLINE_MS = 10 * 60_000;
const ERROR_BODY_MAX_BYTES = 64 * 1024;
const MAX_REDIRECTS = 5;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);
const RETRIABLE_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'ECONNECTTIMEOUT', 'UND_ERR_SOCKET']);
const TLS_VERIFY_CODES = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
class HttpTransport {
    opts;
    insecure;
    httpAgent;
    httpsAgent;
    insecureHttpsAgent;
    counters = { requests: 0, bytesUp: 0, bytesDown: 0 };
    constructor(options = {}) {
        this.opts = {
            timeoutMs: options.timeoutMs ?? 60_000,
            deadlineMs: options.deadlineMs ?? exports.DEFAULT_DEADLINE_MS,
            connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
            maxAttempts: Math.max(1, options.maxAttempts ?? 4),
            backoffBaseMs: options.backoffBaseMs ?? 250,
            maxBackoffMs: options.maxBackoffMs ?? 8_000,
            maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
            userAgent: options.userAgent ?? 'ship-image',
            logger: options.logger ?? log_1.silentLogger,
        };
        this.insecure = new Set((options.insecureHosts ?? []).map((h) => h.toLowerCase()));
        const ca = options.caPems && options.caPems.length > 0 ? [...tls.rootCertificates, ...options.caPems] : undefined;
        this.httpAgent = new http.Agent({ keepAlive: true });
        this.httpsAgent = new https.Agent({ keepAlive: true, ca });
        this.insecureHttpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
    }
    /** True when `host` (`name[:port]`, IPv6 in brackets) may be spoken to over plain HTTP. */
    plainHttpAllowed(host) {
        const lower = host.toLowerCase();
        return isLoopbackHost(lower) || this.insecure.has(lower) || this.insecure.has(stripPort(lower));
    }
    stats() {
        return { ...this.counters };
    }
    /** Close idle keep-alive sockets (call when done, so the process can exit). */
    close() {
        this.httpAgent.destroy();
        this.httpsAgent.destroy();
        this.insecureHttpsAgent.destroy();
    }
    /** Send with retries; the whole body is read (up to `maxBytes`). Every status is returned, none thrown. */
    async send(req) {
        const res = await this.withRetries(req, false);
        return res;
    }
    /** Like send, but a 2xx body comes back as an unread stream the caller must consume or destroy. */
    async stream(req) {
        return this.withRetries(req, true);
    }
    async withRetries(req, streamBody) {
        const mayRetry = IDEMPOTENT.has(req.method) || req.replayable === true;
        const attempts = mayRetry ? this.opts.maxAttempts : 1;
        const deadlineMs = req.deadlineMs ?? this.opts.deadlineMs;
        const deadline = Date.now() + deadlineMs;
        const what = req.what ?? `${req.method} ${redactUrl(req.url)}`;
        const pastDeadline = (why) => new HttpConnectionError(`${what}: ${why} within the ${deadlineMs} ms deadline (deadlineMs)`, 'EDEADLINE');
        for (let attempt = 1;; attempt++) {
            if (Date.now() >= deadline)
                throw pastDeadline(attempt === 1 ? 'not started' : `no answer after ${attempt - 1} attempt(s)`);
            let res;
            let failure;
            try {
                res = await this.followRedirects(req, streamBody, deadline, deadlineMs);
            }
            catch (err) {
                failure = err;
            }
            const last = attempt >= attempts;
            if (res) {
                if (last || !retriableStatus(res.status))
                    return res;
                res.stream?.destroy();
                const wait = this.retryDelay(attempt, res.headers['retry-after'], `${what}: ${res.status}`);
                if (Date.now() + wait >= deadline)
                    throw pastDeadline(`${res.status} and retrying in ${wait} ms would not finish`);
                this.opts.logger.debug(`${req.method} ${redactUrl(req.url)}: ${res.status}, retry ${attempt}/${attempts - 1} in ${wait} ms`);
                await (0, promises_1.setTimeout)(wait);
                continue;
            }
            if (last || !(failure instanceof HttpConnectionError) || !RETRIABLE_CODES.has(failure.code))
                throw failure;
            const wait = this.retryDelay(attempt, undefined, what);
            this.opts.logger.debug(`${req.method} ${redactUrl(req.url)}: ${failure.code}, retry ${attempt}/${attempts - 1} in ${wait} ms`);
            await (0, promises_1.setTimeout)(Math.max(0, Math.min(wait, deadline - Date.now())));
        }
    }
    /**
     * Full jitter: uniform in [0, min(max, base·2^(attempt-1))]. A Retry-After replaces it, up to
     * `maxRetryAfterMs`; a server asking for longer gets an error instead of an endless wait.
     */
    retryDelay(attempt, retryAfter, what) {
        const after = parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
        if (after !== undefined) {
            if (after > this.opts.maxRetryAfterMs) {
                throw new errors_2.RetryAfterTooLongError(`${what}: the server asks to retry after ${seconds(after)}, longer than the ${seconds(this.opts.maxRetryAfterMs)} ship-image waits (maxRetryAfterMs); try again later`);
            }
            return after;
        }
        const ceiling = Math.min(this.opts.maxBackoffMs, this.opts.backoffBaseMs * 2 ** (attempt - 1));
        return Math.floor(Math.random() * ceiling);
    }
    async followRedirects(req, streamBody, deadline, deadlineMs) {
        let current = req;
        for (let hop = 0;; hop++) {
            const res = await this.once(current, streamBody, deadline, deadlineMs);
            const location = res.headers.location;
            const redirect = [301, 302, 303, 307, 308].includes(res.status) && location && (current.method === 'GET' || current.method === 'HEAD');
            if (!redirect)
                return res;
            res.stream?.destroy();
            if (hop >= MAX_REDIRECTS)
                throw new HttpConnectionError(`${current.what ?? redactUrl(current.url)}: more than ${MAX_REDIRECTS} redirects`, 'ETOOMANYREDIRECTS');
            const next = new URL(location, current.url);
            if (next.protocol !== 'https:' && next.protocol !== 'http:') {
                throw new HttpConnectionError(`${current.what ?? redactUrl(current.url)}: redirected to a ${next.protocol} URL; only http(s) is followed`, 'EBADREDIRECT');
            }
            // Blob storage redirects (S3, CDN) must not see the registry credentials.
            const crossOrigin = next.origin !== current.url.origin;
            const headers = Object.fromEntries(Object.entries(current.headers ?? {}).filter(([name]) => !(crossOrigin && name.toLowerCase() === 'authorization')));
            current = { ...current, url: next, headers };
        }
    }
    once(req, streamBody, deadline, deadlineMs) {
        const { url } = req;
        if (url.protocol === 'http:' && !this.plainHttpAllowed(url.host)) {
            throw new errors_1.UserError(`${req.what ?? url.host}: plain HTTP to ${url.host} is not allowed; serve the registry over TLS or list it in insecure-registries`);
        }
        const isHttps = url.protocol === 'https:';
        const agent = isHttps ? (this.isListedInsecure(url.host) ? this.insecureHttpsAgent : this.httpsAgent) : this.httpAgent;
        const headers = { 'User-Agent': this.opts.userAgent, ...(req.headers ?? {}) };
        const body = req.body;
        if (body !== undefined)
            headers['Content-Length'] = String(body.length);
        else if (req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH')
            headers['Content-Length'] = '0';
        const maxBytes = req.maxBytes ?? exports.DEFAULT_MAX_RESPONSE_BYTES;
        const what = req.what ?? `${req.method} ${redactUrl(url)}`;
        this.counters.requests++;
        const started = Date.now();
        return new Promise((resolve, reject) => {
            const mod = isHttps ? https : http;
            const request = mod.request(url, { method: req.method, headers, agent });
            let settled = false;
            // The body stream once handed over: a timeout then fails it with its own message.
            let handedOver;
            const failLate = (err) => {
                handedOver?.destroy(err);
                request.destroy(err);
            };
            const fail = (err) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(connectTimer);
                clearTimeout(deadlineTimer);
                request.destroy();
                reject(err);
            };
            // The idle timeout below restarts with every byte; this one does not.
            const deadlineTimer = setTimeout(() => {
                const err = new HttpConnectionError(`${what}: not finished within the ${deadlineMs} ms deadline (deadlineMs)`, 'EDEADLINE');
                if (settled)
                    failLate(err);
                else
                    fail(err);
            }, Math.max(0, deadline - Date.now()));
            const connectTimer = setTimeout(() => fail(new HttpConnectionError(`${what}: could not connect to ${url.host} within ${this.opts.connectTimeoutMs} ms`, 'ECONNECTTIMEOUT')), this.opts.connectTimeoutMs);
            request.on('socket', (socket) => {
                // Small request/response exchanges (HEAD, POST, PUT) otherwise wait on Nagle + delayed ACK.
                socket.setNoDelay(true);
                if (!socket.connecting)
                    clearTimeout(connectTimer);
                else
                    socket.once(isHttps ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
            });
            request.setTimeout(this.opts.timeoutMs, () => {
                const err = new HttpConnectionError(`${what}: no data from ${url.host} for ${this.opts.timeoutMs} ms`, 'ETIMEDOUT');
                if (settled)
                    failLate(err);
                else
                    fail(err);
            });
            request.on('error', (err) => fail(connectionError(what, url, err)));
            request.on('response', (res) => {
                clearTimeout(connectTimer);
                const status = res.statusCode ?? 0;
                this.opts.logger.debug(`${req.method} ${redactUrl(url)} → ${status} (${Date.now() - started} ms)`);
                const base = { status, headers: res.headers, url };
                const ok = status >= 200 && status < 300;
                if (streamBody && ok && req.method !== 'HEAD') {
                    settled = true;
                    // Count through a pass-through: a 'data' listener on `res` would start the flow before the caller reads.
                    const counted = new node_stream_1.Transform({
                        transform: (chunk, _enc, done) => {
                            this.counters.bytesDown += chunk.length;
                            done(null, chunk);
                        },
                    });
                    res.on('error', (err) => counted.destroy(connectionError(what, url, err)));
                    res.on('aborted', () => counted.destroy(new HttpConnectionError(`${what}: the connection closed mid-body`, 'ECONNRESET')));
                    handedOver = counted;
                    counted.on('close', () => {
                        clearTimeout(deadlineTimer);
                        if (!res.complete)
                            res.destroy();
                    });
                    resolve({ ...base, body: Buffer.alloc(0), stream: res.pipe(counted) });
                    return;
                }
                const cap = ok ? maxBytes : Math.min(maxBytes, ERROR_BODY_MAX_BYTES);
                const announced = Number(res.headers['content-length']);
                // A HEAD answer's Content-Length is the size of what a GET would send (a blob's), not of this body.
                if (ok && req.method !== 'HEAD' && Number.isFinite(announced) && announced > cap) {
                    fail(new errors_2.ResponseTooLargeError(`${what}: response of ${announced} bytes is over the ${cap}-byte limit`));
                    return;
                }
                const chunks = [];
                let total = 0;
                res.on('data', (chunk) => {
                    total += chunk.length;
                    this.counters.bytesDown += chunk.length;
                    if (total > cap) {
                        if (ok)
                            fail(new errors_2.ResponseTooLargeError(`${what}: response body is over the ${cap}-byte limit`));
                        else {
                            // An oversized error page: keep what we have, the status says enough.
                            settled = true;
                            clearTimeout(deadlineTimer);
                            res.destroy();
                            resolve({ ...base, body: Buffer.concat(chunks) });
                        }
                        return;
                    }
                    chunks.push(chunk);
                });
                res.on('error', (err) => fail(connectionError(what, url, err)));
                res.on('end', () => {
                    if (settled)
                        return;
                    settled = true;
                    clearTimeout(deadlineTimer);
                    resolve({ ...base, body: Buffer.concat(chunks) });
                });
            });
            if (body === undefined)
                request.end();
            else if (Buffer.isBuffer(body)) {
                this.counters.bytesUp += body.length;
                request.end(body);
            }
            else {
                const source = body.open();
                source.on('data', (chunk) => (this.counters.bytesUp += chunk.length));
                source.on('error', (err) => fail(err));
                source.pipe(request);
            }
        });
    }
    isListedInsecure(host) {
        const lower = host.toLowerCase();
        return this.insecure.has(lower) || this.insecure.has(stripPort(lower));
    }
}
exports.HttpTransport = HttpTransport;
/** localhost, 127.0.0.0/8, ::1 (with or without port / brackets). */
function isLoopbackHost(host) {
    const name = stripPort(host.toLowerCase()).replace(/^\[|\]$/g, '');
    return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
/** True for errors that mean "this endpoint does not speak TLS" (so plain HTTP may be tried). */
function isTlsProtocolError(err) {
    if (!(err instanceof HttpConnectionError))
        return false;
    return err.code === 'EPROTO' || err.code.startsWith('ERR_SSL_');
}
/** Seconds (`120`) or an HTTP date; undefined when absent or unreadable. Milliseconds, never negative. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed) * 1000;
    const date = Date.parse(trimmed);
    if (Number.isNaN(date))
        return undefined;
    return Math.max(0, date - now);
}
function retriableStatus(status) {
    return status === 429 || (status >= 500 && status !== 501);
}
function seconds(ms) {
    return `${Math.round(ms / 100) / 10} s`;
}
function stripPort(host) {
    if (host.startsWith('[')) {
        const close = host.indexOf(']');
        return close >= 0 ? host.slice(0, close + 1) : host;
    }
    const colon = host.lastIndexOf(':');
    return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
function connectionError(what, url, err) {
    if (err instanceof HttpConnectionError || err instanceof errors_2.ResponseTooLargeError)
        return err;
    const code = err.code ?? 'EUNKNOWN';
    if (TLS_VERIFY_CODES.has(code)) {
        return new errors_1.UserError(`${what}: the TLS certificate of ${url.host} is not trusted (${code}); give the registry's CA certificate (PEM) or list the host in insecure-registries`);
    }
    return new HttpConnectionError(`${what}: ${code === 'EUNKNOWN' ? err.message : `${code} (${err.message})`}`, code);
}
/** URLs of upload sessions carry opaque state; drop the query in logs. */
function redactUrl(url) {
    return `${url.origin}${url.pathname}`;
}
/** The `rel="next"` target of a `Link` header (RFC 8288), resolved against `base`. */
function nextLink(header, base) {
    const value = Array.isArray(header) ? header.join(', ') : header;
    if (!value)
        return undefined;
    for (const match of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
        const params = match[2] ?? '';
        if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(params))
            return new URL(match[1], base);
    }
    return undefined;
}


/***/ }),

/***/ 823:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DamagedLayoutError = exports.OciLayoutStore = void 0;
exports.fsProblem = fsProblem;
const node_fs_1 = __nccwpck_require__(24);
const node_crypto_1 = __nccwpck_require__(598);
const path = __importStar(__nccwpck_require__(760));
const promises_1 = __nccwpck_require__(500);
const errors_1 = __nccwpck_require__(296);
const fs_errors_1 = __nccwpck_require__(994);
const read_capped_1 = __nccwpck_require__(725);
const keyed_lock_1 = __nccwpck_require__(69);
const digest_1 = __nccwpck_require__(825);
const media_types_1 = __nccwpck_require__(217);
const store_1 = __nccwpck_require__(800);
const types_1 = __nccwpck_require__(48);
const LAYOUT_FILE = 'oci-layout';
const INDEX_FILE = 'index.json';
const LAYOUT_VERSION = '1.0.0';
/**
 * An OCI image layout directory (image-spec `image-layout.md`) as a repository:
 * `oci-layout`, `index.json`, `blobs/<alg>/<hex>`. Tags are `org.opencontainers.image.ref.name`
 * annotations on `index.json` entries; manifests written by digest get an untagged entry so that
 * referrers stay reachable. It answers referrers itself (every manifest whose `subject` matches),
 * so it behaves like a registry with the referrers API and never needs a fallback tag.
 */
class OciLayoutStore {
    dir;
    location;
    summaries = new Map();
    constructor(dir) {
        this.dir = dir;
        this.location = `oci-layout:${dir}`;
    }
    /** File-system failures inside the layout are the layout's problem: one line naming the path. */
    async guard(work) {
        try {
            return await work();
        }
        catch (err) {
            throw fsProblem(err, this.dir, this.location);
        }
    }
    resolve(reference) {
        return this.guard(() => this.resolveIn(reference));
    }
    async resolveIn(reference) {
        const index = await this.readIndex();
        if ((0, digest_1.isDigest)(reference)) {
            const entry = index.manifests.find((d) => d.digest === reference);
            if (entry)
                return plainDescriptor(entry);
            if (!(await this.hasBlob(reference)))
                throw new store_1.NotFoundError(`manifest ${reference} not found in ${this.location}`);
            const bytes = await this.readVerified(reference);
            return { mediaType: mediaTypeOf(parseManifest(bytes, reference, this.location)), digest: reference, size: bytes.length };
        }
        const entry = findTagged(index, reference);
        if (!entry) {
            const layoutExists = await node_fs_1.promises.access(path.join(this.dir, LAYOUT_FILE)).then(() => true, () => false);
            throw new store_1.NotFoundError(layoutExists ? `tag ${reference} not found in ${this.location}` : `there is no OCI image layout (oci-layout file) in ${this.dir}`);
        }
        // A tag is only as good as the manifest it names: missing or corrupt, it is said here, not later.
        parseManifest(await this.readVerified(entry.digest, entry.size), entry.digest, this.location);
        return plainDescriptor(entry);
    }
    getManifest(reference) {
        return this.guard(() => this.getManifestIn(reference));
    }
    async getManifestIn(reference) {
        const resolved = await this.resolveIn(reference);
        const bytes = await this.readVerified(resolved.digest, resolved.size);
        const manifest = parseManifest(bytes, resolved.digest, this.location);
        return {
            descriptor: { mediaType: manifest.mediaType ?? resolved.mediaType, digest: resolved.digest, size: bytes.length },
            bytes,
            manifest,
        };
    }
    putManifest(bytes, mediaType, reference, opts = {}) {
        return this.guard(() => this.putManifestIn(bytes, mediaType, reference, opts));
    }
    async putManifestIn(bytes, mediaType, reference, opts) {
        const digest = (0, digest_1.sha256Digest)(bytes);
        if (reference !== undefined && (0, digest_1.isDigest)(reference) && reference !== digest) {
            throw new Error(`manifest bytes have digest ${digest}, not the ${reference} they were pushed as`);
        }
        const manifest = parseManifest(bytes, digest, this.location);
        await this.ensureLayout();
        await this.writeBlob(digest, bytes);
        const descriptor = { mediaType, digest, size: bytes.length };
        if (manifest.artifactType)
            descriptor.artifactType = manifest.artifactType;
        const tag = reference !== undefined && !(0, digest_1.isDigest)(reference) ? reference : undefined;
        await this.updateIndex(async (index) => {
            if (tag === undefined) {
                if (!index.manifests.some((d) => d.digest === digest))
                    index.manifests.push({ ...descriptor });
                return;
            }
            const current = findTagged(index, tag);
            if (opts.ifNoneMatch && current)
                throw new store_1.ConflictError(`tag ${tag} already exists in ${this.location}`);
            if (opts.ifMatch !== undefined && current?.digest !== opts.ifMatch) {
                throw new store_1.ConflictError(`tag ${tag} in ${this.location} no longer points at ${opts.ifMatch}`);
            }
            const tagged = { ...descriptor, annotations: { [media_types_1.ANNOTATION.refName]: tag } };
            const kept = [];
            let placed = false;
            for (const d of index.manifests) {
                if (refName(d) === tag) {
                    if (!placed)
                        kept.push(tagged); // the new entry takes the old one's place
                    placed = true;
                }
                else if (!(d.digest === digest && refName(d) === undefined)) {
                    kept.push(d);
                }
            }
            // Tagged entries go before untagged ones: tools that take the first manifest of a layout
            // (trivy --input) then find an image, not a referrer.
            if (!placed) {
                const firstUntagged = kept.findIndex((d) => refName(d) === undefined);
                kept.splice(firstUntagged < 0 ? kept.length : firstUntagged, 0, tagged);
            }
            // A referrer that loses its tag keeps an untagged entry, or it would drop out of referrers.
            if (current && current.digest !== digest && !kept.some((d) => d.digest === current.digest)) {
                if ((await this.summary(current.digest))?.subjectDigest)
                    kept.push(plainDescriptor(current));
            }
            index.manifests = kept;
        });
        return { descriptor, subjectIndexed: true };
    }
    deleteManifest(digest) {
        return this.guard(() => this.updateIndex(async (index) => {
            index.manifests = index.manifests.filter((d) => d.digest !== digest);
        }));
    }
    async hasBlob(digest) {
        try {
            await node_fs_1.promises.access(this.blobPath(digest));
            return true;
        }
        catch {
            return false;
        }
    }
    getBlob(descriptor, maxBytes) {
        if (maxBytes !== undefined && descriptor.size > maxBytes) {
            return Promise.reject(new Error(`blob ${descriptor.digest} in ${this.location} is ${descriptor.size} bytes, more than the ${maxBytes} allowed`));
        }
        return this.guard(() => this.readVerified(descriptor.digest, descriptor.size));
    }
    putBlob(content, mediaType) {
        return this.guard(async () => {
            const digest = (0, digest_1.sha256Digest)(content);
            await this.ensureLayout();
            await this.writeBlob(digest, content);
            return { mediaType, digest, size: content.length };
        });
    }
    listTags() {
        return this.guard(() => this.listTagsIn());
    }
    async listTagsIn() {
        const index = await this.readIndex();
        const tags = new Set();
        for (const d of index.manifests) {
            const name = refName(d);
            if (name !== undefined)
                tags.add(name);
        }
        return [...tags].sort();
    }
    referrersApi(subjectDigest, artifactType) {
        return this.guard(() => this.referrersIn(subjectDigest, artifactType));
    }
    /**
     * Every manifest `reference` reaches (index children, config, layers) is in the layout: what a
     * copy of it will read, checked before anything is written elsewhere. Foreign layers (with
     * `urls`) may be absent, as registries allow.
     */
    checkComplete(reference) {
        return this.guard(async () => {
            const root = await this.getManifestIn(reference);
            const pending = [root];
            for (let fetched = pending.pop(); fetched; fetched = pending.pop()) {
                const m = fetched.manifest;
                if ((0, types_1.isIndex)(m)) {
                    for (const child of m.manifests ?? [])
                        pending.push(await this.reachable(child, fetched.descriptor.digest, () => this.getManifestIn(child.digest)));
                    continue;
                }
                for (const blob of [m.config, ...(m.layers ?? [])]) {
                    if (!blob || blob.urls?.length)
                        continue;
                    await this.reachable(blob, fetched.descriptor.digest, async () => {
                        const stat = await node_fs_1.promises.stat(this.blobPath(blob.digest));
                        if (!stat.isFile() || stat.size !== blob.size)
                            throw new DamagedLayoutError(`${this.location}: blob ${blob.digest} is not a file of the ${blob.size} bytes manifest ${fetched?.descriptor.digest} says; the layout is damaged`);
                    });
                }
            }
            return root.descriptor;
        });
    }
    async reachable(d, parent, read) {
        if (!d || typeof d.digest !== 'string' || !(0, digest_1.isDigest)(d.digest)) {
            throw new DamagedLayoutError(`${this.location}: manifest ${parent} lists the digest ${shown(d?.digest)}, which is not sha256:<64 hex>; the layout is damaged`);
        }
        try {
            return await read();
        }
        catch (err) {
            if (err instanceof store_1.NotFoundError || err.code === 'ENOENT') {
                throw new DamagedLayoutError(`${this.location} lacks ${d.digest}, which manifest ${parent} lists; the layout is incomplete (copy it again, e.g. with skopeo or oras)`);
            }
            throw err;
        }
    }
    async referrersIn(subjectDigest, artifactType) {
        const index = await this.readIndex();
        const seen = new Set();
        const referrers = [];
        for (const entry of index.manifests) {
            if (seen.has(entry.digest))
                continue;
            seen.add(entry.digest);
            const summary = await this.summary(entry.digest);
            if (!summary || summary.subjectDigest !== subjectDigest)
                continue;
            if (artifactType !== undefined && summary.descriptor.artifactType !== artifactType)
                continue;
            referrers.push(summary.descriptor);
        }
        return referrers;
    }
    /** What referrers need of a manifest (cached: blobs never change). Null for a blob that is not a manifest. */
    async summary(digest) {
        const cached = this.summaries.get(digest);
        if (cached !== undefined)
            return cached;
        let result = null;
        try {
            const bytes = await this.readVerified(digest);
            const manifest = parseManifest(bytes, digest, this.location);
            const descriptor = { mediaType: mediaTypeOf(manifest), digest, size: bytes.length };
            const artifactType = manifest.artifactType ?? ((0, types_1.isIndex)(manifest) ? undefined : manifest.config?.mediaType);
            if (artifactType)
                descriptor.artifactType = artifactType;
            if (manifest.annotations)
                descriptor.annotations = { ...manifest.annotations };
            result = { descriptor, subjectDigest: manifest.subject?.digest };
        }
        catch (err) {
            if (!(err instanceof store_1.NotFoundError) && !(err instanceof DamagedLayoutError))
                throw err;
        }
        this.summaries.set(digest, result);
        return result;
    }
    blobPath(digest) {
        if (!(0, digest_1.isDigest)(digest))
            throw new DamagedLayoutError(`${this.location}: ${shown(digest)} is not a valid digest (sha256:<64 hex>); the layout or a manifest in it is damaged`);
        const [algorithm, hex] = digest.split(':');
        return path.join(this.dir, 'blobs', algorithm, hex);
    }
    /** Reads a blob and checks its digest (and size when known). */
    async readVerified(digest, size) {
        let bytes;
        try {
            // Never more than the descriptor says (a known size) or than a layer may be: a layout is untrusted input.
            bytes = await (0, read_capped_1.readFileCappedAsync)(this.blobPath(digest), size ?? read_capped_1.READ_CAPS.layer, { what: `blob ${digest} of ${this.location}` });
        }
        catch (err) {
            if (err.code === 'ENOENT')
                throw new store_1.NotFoundError(`blob ${digest} not found in ${this.location}`);
            if (err.code === 'ETOOLARGE') {
                throw new DamagedLayoutError(`blob ${digest} in ${this.location} is corrupt: it is larger than ${size === undefined ? 'a blob may be' : 'its descriptor says'}`);
            }
            if (err instanceof read_capped_1.FileReadError)
                throw err;
            throw withPath(err, this.blobPath(digest));
        }
        if ((size !== undefined && bytes.length !== size) || (0, digest_1.digestOf)(bytes, digest.split(':')[0]) !== digest) {
            throw new DamagedLayoutError(`blob ${digest} in ${this.location} is corrupt: its content does not match its digest and size`);
        }
        return bytes;
    }
    async writeBlob(digest, bytes) {
        const file = this.blobPath(digest);
        if (await this.hasBlob(digest))
            return;
        await node_fs_1.promises.mkdir(path.dirname(file), { recursive: true });
        await writeFileAtomic(file, bytes);
    }
    async ensureLayout() {
        await node_fs_1.promises.mkdir(path.join(this.dir, 'blobs'), { recursive: true });
        const layoutFile = path.join(this.dir, LAYOUT_FILE);
        try {
            await node_fs_1.promises.writeFile(layoutFile, JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }), { flag: 'wx' });
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
        }
    }
    async readIndex() {
        const hasLayoutFile = await this.checkLayoutVersion();
        let text;
        try {
            text = (await (0, read_capped_1.readFileCappedAsync)(path.join(this.dir, INDEX_FILE), read_capped_1.READ_CAPS.document, { what: `the index.json of ${this.location}` })).toString('utf8');
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return { schemaVersion: 2, mediaType: media_types_1.OCI_INDEX, manifests: [] };
            if (err instanceof read_capped_1.FileReadError)
                throw err;
            throw withPath(err, path.join(this.dir, INDEX_FILE));
        }
        if (!hasLayoutFile)
            throw new DamagedLayoutError(`${this.location}: index.json but no oci-layout file, so it is not an OCI image layout; the layout is damaged`);
        let index;
        try {
            index = JSON.parse(text);
        }
        catch {
            throw new DamagedLayoutError(`${this.location}: index.json is not valid JSON; the layout is damaged`);
        }
        if (!index || typeof index !== 'object' || !Array.isArray(index.manifests)) {
            throw new DamagedLayoutError(`${this.location}: index.json has no manifests list; the layout is damaged`);
        }
        for (const d of index.manifests) {
            if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !(0, digest_1.isDigest)(d.digest)) {
                throw new DamagedLayoutError(`${this.location}: index.json lists the digest ${shown(d?.digest)}, which is not sha256:<64 hex>; the layout is damaged`);
            }
        }
        return index;
    }
    /** False when there is no oci-layout file yet (reads find nothing, the first write creates it). */
    async checkLayoutVersion() {
        let text;
        try {
            text = (await (0, read_capped_1.readFileCappedAsync)(path.join(this.dir, LAYOUT_FILE), read_capped_1.READ_CAPS.document, { what: `the oci-layout file of ${this.location}` })).toString('utf8');
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return false;
            if (err instanceof read_capped_1.FileReadError)
                throw err;
            throw withPath(err, path.join(this.dir, LAYOUT_FILE));
        }
        let version;
        try {
            version = JSON.parse(text).imageLayoutVersion;
        }
        catch {
            version = undefined;
        }
        if (typeof version !== 'string' || !version.startsWith('1.')) {
            throw new DamagedLayoutError(`${this.location}: unsupported oci-layout file (imageLayoutVersion ${shown(version)}; expected 1.x)`);
        }
        return true;
    }
    /** Read-modify-write of index.json under a lock shared by this process and others. */
    async updateIndex(mutate) {
        await this.ensureLayout();
        const indexFile = path.join(this.dir, INDEX_FILE);
        await withFileLock(`${indexFile}.lock`, async () => {
            const index = await this.readIndex();
            await mutate(index);
            await writeFileAtomic(indexFile, JSON.stringify({ ...index, schemaVersion: 2, mediaType: media_types_1.OCI_INDEX }));
        });
    }
}
exports.OciLayoutStore = OciLayoutStore;
function refName(d) {
    return d.annotations?.[media_types_1.ANNOTATION.refName];
}
function findTagged(index, tag) {
    for (let i = index.manifests.length - 1; i >= 0; i--) {
        if (refName(index.manifests[i]) === tag)
            return index.manifests[i];
    }
    return undefined;
}
function plainDescriptor(d) {
    return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}
function parseManifest(bytes, digest, location) {
    let parsed;
    try {
        parsed = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new DamagedLayoutError(`${digest} in ${location} is not a JSON manifest`);
    }
    if (!parsed || typeof parsed !== 'object' || parsed.schemaVersion !== 2) {
        throw new DamagedLayoutError(`${digest} in ${location} is not a schemaVersion 2 manifest`);
    }
    return parsed;
}
function mediaTypeOf(manifest) {
    if (manifest.mediaType)
        return manifest.mediaType;
    return (0, types_1.isIndex)(manifest) ? media_types_1.OCI_INDEX : media_types_1.OCI_MANIFEST;
}
// ---- file helpers (kept here: only the layout writes files) ----
/**
 * Mutual exclusion on a path: turns inside this process (`withKeyedLock`), and an exclusive-create
 * lockfile across processes (retried with backoff; one older than a minute is taken to be
 * left behind by a crashed process and removed).
 */
function withFileLock(lockPath, work, timeoutMs = 30_000) {
    const key = path.resolve(lockPath);
    return (0, keyed_lock_1.withKeyedLock)(`file ${key}`, () => holdLockfile(key, work, timeoutMs));
}
const STALE_LOCK_MS = 60_000;
async function holdLockfile(lockPath, work, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let delay = 5;
    for (;;) {
        try {
            await node_fs_1.promises.writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
            break;
        }
        catch (err) {
            if (err.code !== 'EEXIST')
                throw err;
            await removeIfStale(lockPath);
            if (Date.now() > deadline) {
                throw new Error(`timed out waiting for the lock ${lockPath}; if no other ship-image process uses this layout, remove that file`);
            }
            await (0, promises_1.setTimeout)(delay + Math.random() * delay);
            delay = Math.min(delay * 2, 200);
        }
    }
    try {
        return await work();
    }
    finally {
        await node_fs_1.promises.rm(lockPath, { force: true });
    }
}
async function removeIfStale(lockPath) {
    try {
        const stat = await node_fs_1.promises.stat(lockPath);
        if (Date.now() - stat.mtimeMs > STALE_LOCK_MS)
            await node_fs_1.promises.rm(lockPath, { force: true });
    }
    catch {
        // Already gone: the next attempt takes it.
    }
}
/** Readers see the old content or the new, never a partial file (temp file + rename). */
async function writeFileAtomic(file, data) {
    const tmp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${(0, node_crypto_1.randomBytes)(6).toString('hex')}`);
    try {
        await node_fs_1.promises.writeFile(tmp, data);
        await node_fs_1.promises.rename(tmp, file);
    }
    catch (err) {
        await node_fs_1.promises.rm(tmp, { force: true });
        throw err;
    }
}
/** The layout's content is not what the image-spec says: bad input, not a crash. */
class DamagedLayoutError extends errors_1.UserError {
    constructor(message) {
        super(message);
        this.name = 'DamagedLayoutError';
    }
}
exports.DamagedLayoutError = DamagedLayoutError;
/** An errno failure as a one-line UserError naming the path inside the layout (no raw errno text). */
function fsProblem(err, dir, location) {
    const e = err;
    const why = e?.code === 'ENOENT' ? undefined : (0, fs_errors_1.fsReason)(err);
    if (!why)
        return err;
    const where = typeof e.path === 'string' && e.path.startsWith(dir) ? path.relative(dir, e.path) || '.' : '';
    return new errors_1.UserError(`${location}: ${where ? `${clip(where)}: ` : ''}${why}; point at an OCI image layout directory (oci-layout, index.json, blobs/) you can read and write`);
}
/** Node leaves `path` off some errors (readFile of a directory): say which file it was. */
function withPath(err, file) {
    const e = err;
    if (e && typeof e === 'object' && typeof e.code === 'string' && e.path === undefined)
        e.path = file;
    return err;
}
/** A value from a file, shown in a message: JSON-quoted and clipped. */
function shown(value) {
    return clip(value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value));
}
function clip(text) {
    return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}


/***/ }),

/***/ 816:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.LEGACY_COSIGN_KINDS = void 0;
exports.legacyCosignTag = legacyCosignTag;
exports.readLegacyCosign = readLegacyCosign;
exports.appendLegacyCosign = appendLegacyCosign;
exports.simpleSigningPayload = simpleSigningPayload;
exports.legacySignatureLayer = legacySignatureLayer;
exports.legacyAttestationLayer = legacyAttestationLayer;
const node_crypto_1 = __nccwpck_require__(598);
const digest_1 = __nccwpck_require__(825);
const media_types_1 = __nccwpck_require__(217);
const referrers_1 = __nccwpck_require__(961);
const store_1 = __nccwpck_require__(800);
const types_1 = __nccwpck_require__(48);
exports.LEGACY_COSIGN_KINDS = ['sig', 'att', 'sbom'];
function legacyCosignTag(subjectDigest, kind) {
    return `${(0, digest_1.fallbackTag)(subjectDigest)}.${kind}`;
}
/** Every layer under the legacy tags of `subjectDigest` (missing tags contribute nothing). */
async function readLegacyCosign(store, subjectDigest, kinds = exports.LEGACY_COSIGN_KINDS) {
    const entries = [];
    for (const kind of kinds) {
        const tag = legacyCosignTag(subjectDigest, kind);
        const state = await readTag(store, tag);
        if (!state.digest)
            continue;
        for (const layer of state.entries) {
            const annotations = { ...(layer.annotations ?? {}) };
            const entry = {
                kind,
                tag,
                manifestDigest: state.digest,
                mediaType: layer.mediaType,
                digest: layer.digest,
                size: layer.size,
                annotations,
            };
            const predicateType = annotations[media_types_1.ANNOTATION.predicateType];
            if (predicateType)
                entry.predicateType = predicateType;
            const subject = certificateSubject(annotations[media_types_1.ANNOTATION.cosignCertificate]);
            if (subject)
                entry.certificateSubject = subject;
            entries.push(entry);
        }
    }
    return entries;
}
/**
 * Add one layer to the subject's `.sig` or `.att` manifest, creating it if needed. Adding rewrites
 * the tag, so the same read-back-and-retry care as the referrers fallback index applies: layers
 * written concurrently by others are kept.
 */
async function appendLegacyCosign(store, subjectDigest, kind, layer, opts = {}) {
    const tag = legacyCosignTag(subjectDigest, kind);
    const pushed = await store.putBlob(layer.content, layer.mediaType);
    const descriptor = { mediaType: layer.mediaType, digest: pushed.digest, size: pushed.size, annotations: { ...layer.annotations } };
    const added = await (0, referrers_1.updateListedTag)({
        description: `cosign tag ${tag} in ${store.location}`,
        read: () => readTag(store, tag),
        async write(layers, current, removed) {
            const config = Buffer.from(JSON.stringify(signatureImageConfig(layers)));
            const configDescriptor = await store.putBlob(config, media_types_1.OCI_CONFIG);
            const manifest = {
                schemaVersion: 2,
                mediaType: media_types_1.OCI_MANIFEST,
                config: { mediaType: media_types_1.OCI_CONFIG, digest: configDescriptor.digest, size: configDescriptor.size },
                layers,
            };
            const annotations = (0, referrers_1.withTombstones)(current.manifest?.annotations, removed);
            if (annotations)
                manifest.annotations = annotations;
            await store.putManifest(Buffer.from(JSON.stringify(manifest)), media_types_1.OCI_MANIFEST, tag, (0, referrers_1.conditionFor)(current));
        },
    }, { add: descriptor }, opts);
    return { tag, layer: descriptor, added };
}
/** A simple-signing payload (cosign `SIGNATURE_SPEC.md`) for the image `repository@digest`. */
function simpleSigningPayload(repository, manifestDigest, optional) {
    return Buffer.from(JSON.stringify({
        critical: {
            identity: { 'docker-reference': repository },
            image: { 'docker-manifest-digest': manifestDigest },
            type: 'cosign container image signature',
        },
        optional: optional ?? null,
    }));
}
/** A `.sig` layer: the simple-signing payload with its base64 signature and cosign annotations. */
function legacySignatureLayer(payload, signatureBase64, material = {}) {
    return { content: payload, mediaType: media_types_1.COSIGN_SIMPLESIGNING, annotations: { [media_types_1.ANNOTATION.cosignSignature]: signatureBase64, ...materialAnnotations(material) } };
}
/** An `.att` layer: the DSSE envelope JSON; the signature annotation is empty, as cosign writes it. */
function legacyAttestationLayer(envelope, predicateType, material = {}) {
    return {
        content: envelope,
        mediaType: media_types_1.DSSE_ENVELOPE,
        annotations: { [media_types_1.ANNOTATION.cosignSignature]: '', ...materialAnnotations(material), [media_types_1.ANNOTATION.predicateType]: predicateType },
    };
}
function materialAnnotations(material) {
    const out = {};
    if (material.certificate)
        out[media_types_1.ANNOTATION.cosignCertificate] = material.certificate;
    if (material.chain)
        out[media_types_1.ANNOTATION.cosignChain] = material.chain;
    if (material.rekorBundle)
        out[media_types_1.ANNOTATION.cosignBundle] = material.rekorBundle;
    return out;
}
async function readTag(store, tag) {
    let fetched;
    try {
        fetched = await store.getManifest(tag);
    }
    catch (err) {
        if (err instanceof store_1.NotFoundError)
            return { entries: [] };
        throw err;
    }
    if ((0, types_1.isIndex)(fetched.manifest))
        throw new Error(`cosign tag ${tag} in ${store.location} holds an image index, not an image manifest`);
    const manifest = fetched.manifest;
    return { digest: fetched.descriptor.digest, manifest, entries: (0, referrers_1.dedupe)(manifest.layers ?? []), removed: (0, referrers_1.readTombstones)(manifest.annotations) };
}
/** The small image config cosign's signature images carry: layers listed as (uncompressed) diff ids. */
function signatureImageConfig(layers) {
    return {
        architecture: '',
        os: '',
        config: {},
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    };
}
function certificateSubject(pem) {
    if (!pem)
        return undefined;
    try {
        const cert = new node_crypto_1.X509Certificate(pem);
        return cert.subjectAltName || cert.subject || undefined;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 876:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.checkListedDescriptors = checkListedDescriptors;
const digest_1 = __nccwpck_require__(825);
const MEDIA_TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const MAX_SHOWN_CHARS = 80;
function checkListedDescriptors(listed, where) {
    const descriptors = [];
    const skipped = [];
    for (const entry of listed) {
        const problem = descriptorProblem(entry);
        if (problem === undefined)
            descriptors.push(entry);
        else
            skipped.push(`${where} lists a malformed descriptor (${problem}); skipped it`);
    }
    return { descriptors, skipped };
}
function descriptorProblem(entry) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        return 'not an object';
    const d = entry;
    if (typeof d.digest !== 'string' || !(0, digest_1.isDigest)(d.digest))
        return `digest ${shown(d.digest)} is not sha256:<64 hex> or sha512:<128 hex>`;
    if (typeof d.mediaType !== 'string' || !MEDIA_TYPE_RE.test(d.mediaType))
        return `${d.digest}: mediaType ${shown(d.mediaType)} is not a media type`;
    if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0)
        return `${d.digest}: size ${shown(d.size)} is not a byte count`;
    if (d.artifactType !== undefined && (typeof d.artifactType !== 'string' || !MEDIA_TYPE_RE.test(d.artifactType))) {
        return `${d.digest}: artifactType ${shown(d.artifactType)} is not a media type`;
    }
    if (d.annotations !== undefined) {
        const a = d.annotations;
        if (typeof a !== 'object' || a === null || Array.isArray(a) || Object.values(a).some((v) => typeof v !== 'string')) {
            return `${d.digest}: annotations are not a map of strings`;
        }
    }
    return undefined;
}
/** A clipped, printable rendering of an untrusted value for the note. */
function shown(value) {
    if (value === undefined)
        return 'missing';
    const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
    // eslint-disable-next-line no-control-regex
    const printable = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
    return `'${printable.length > MAX_SHOWN_CHARS ? printable.slice(0, MAX_SHOWN_CHARS) + '…' : printable}'`;
}


/***/ }),

/***/ 217:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.SBOM_PREDICATE_TYPES = exports.PREDICATE = exports.ANNOTATION = exports.IN_TOTO_PAYLOAD_TYPE = exports.DSSE_ENVELOPE = exports.COSIGN_SIMPLESIGNING = exports.SIGSTORE_BUNDLE_PREFIX = exports.SIGSTORE_BUNDLE_V03 = exports.EMPTY_JSON_DIGEST = exports.EMPTY_JSON = exports.ALL_MANIFEST_MEDIA_TYPES = exports.DOCKER_CONFIG = exports.DOCKER_MANIFEST_LIST = exports.DOCKER_MANIFEST = exports.OCI_EMPTY = exports.OCI_LAYER_TAR = exports.OCI_LAYER_TAR_GZIP = exports.OCI_CONFIG = exports.OCI_INDEX = exports.OCI_MANIFEST = void 0;
// Media types and annotation keys from the OCI image/distribution specs and the Sigstore/cosign specs.
exports.OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
exports.OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
exports.OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
exports.OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
exports.OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
exports.OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
exports.DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
exports.DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
exports.DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
exports.ALL_MANIFEST_MEDIA_TYPES = [exports.OCI_MANIFEST, exports.OCI_INDEX, exports.DOCKER_MANIFEST, exports.DOCKER_MANIFEST_LIST];
/** The 2-byte `{}` blob every artifact manifest uses as its config. */
exports.EMPTY_JSON = Buffer.from('{}');
exports.EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
exports.SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
exports.SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
// Legacy cosign tag layout (cosign <= v2).
exports.COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
exports.DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
exports.IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
exports.ANNOTATION = {
    created: 'org.opencontainers.image.created',
    refName: 'org.opencontainers.image.ref.name',
    bundleContent: 'dev.sigstore.bundle.content',
    bundlePredicateType: 'dev.sigstore.bundle.predicateType',
    cosignSignature: 'dev.cosignproject.cosign/signature',
    cosignCertificate: 'dev.sigstore.cosign/certificate',
    cosignChain: 'dev.sigstore.cosign/chain',
    cosignBundle: 'dev.sigstore.cosign/bundle',
    predicateType: 'predicateType',
};
exports.PREDICATE = {
    signature: 'https://sigstore.dev/cosign/sign/v1',
    cyclonedx: 'https://cyclonedx.org/bom',
    spdx: 'https://spdx.dev/Document',
    /** What GitHub's actions/attest-sbom writes for SPDX 2.3; read as SBOM evidence, never written. */
    spdxV23: 'https://spdx.dev/Document/v2.3',
    vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
    slsaProvenance: 'https://slsa.dev/provenance/v1',
};
/** Every predicate type accepted as SBOM evidence: CycloneDX, SPDX as cosign writes it, SPDX as GitHub writes it. */
exports.SBOM_PREDICATE_TYPES = [exports.PREDICATE.cyclonedx, exports.PREDICATE.spdx, exports.PREDICATE.spdxV23];


/***/ }),

/***/ 321:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.OCI_LAYOUT_PREFIX = void 0;
exports.parseLayoutInput = parseLayoutInput;
exports.openImage = openImage;
exports.checkLayoutImage = checkLayoutImage;
const node_fs_1 = __nccwpck_require__(24);
const path = __importStar(__nccwpck_require__(760));
const errors_1 = __nccwpck_require__(296);
const digest_1 = __nccwpck_require__(825);
const layout_1 = __nccwpck_require__(823);
const reference_1 = __nccwpck_require__(148);
const registry_1 = __nccwpck_require__(494);
const store_1 = __nccwpck_require__(800);
exports.OCI_LAYOUT_PREFIX = 'oci-layout:';
const DIGEST_SUFFIX_RE = /@([a-z0-9]+:[a-zA-Z0-9]+)$/;
/**
 * `oci-layout:DIR[:TAG|@DIGEST]`. A trailing `@<digest>` selects a manifest by digest. Otherwise
 * the text after the LAST `:` is taken as the tag when it is a valid tag (letters, digits, `_`,
 * `.`, `-`; no `/`), and DIR is what precedes it; else the whole text is DIR and the tag is
 * `latest`. So a directory whose name ends in `:something` must be given with an explicit tag:
 * `oci-layout:/tmp/a:b:latest` is DIR `/tmp/a:b`, tag `latest`.
 */
function parseLayoutInput(input) {
    if (!input.startsWith(exports.OCI_LAYOUT_PREFIX))
        throw new errors_1.UserError(`'${input}' is not an ${exports.OCI_LAYOUT_PREFIX}DIR[:tag|@digest] reference`);
    const rest = input.slice(exports.OCI_LAYOUT_PREFIX.length);
    let dir = rest;
    let reference = 'latest';
    const digestMatch = DIGEST_SUFFIX_RE.exec(rest);
    if (digestMatch) {
        if (!(0, digest_1.isDigest)(digestMatch[1])) {
            throw new errors_1.UserError(`invalid digest '${digestMatch[1]}' in '${input}'; use ${exports.OCI_LAYOUT_PREFIX}DIR@sha256:<64 lowercase hex>`);
        }
        dir = rest.slice(0, digestMatch.index);
        reference = digestMatch[1];
    }
    else {
        const colon = rest.lastIndexOf(':');
        if (colon >= 0 && (0, reference_1.isTag)(rest.slice(colon + 1))) {
            dir = rest.slice(0, colon);
            reference = rest.slice(colon + 1);
        }
    }
    if (dir.length === 0)
        throw new errors_1.UserError(`no directory in '${input}'; use ${exports.OCI_LAYOUT_PREFIX}DIR[:tag|@digest]`);
    return { dir, reference };
}
/**
 * Open what an IMAGE argument names: a registry reference (`[registry/]repo[:tag][@digest]`,
 * default tag `latest`) or an OCI image layout (`oci-layout:DIR[:tag|@digest]`).
 * `client` may be given to share one RegistryClient (connections, tokens) across images.
 */
function openImage(input, opts = {}, client) {
    if (input.startsWith(exports.OCI_LAYOUT_PREFIX)) {
        const { dir, reference } = parseLayoutInput(input);
        const resolvedDir = path.resolve(dir);
        const display = `${exports.OCI_LAYOUT_PREFIX}${dir}${(0, digest_1.isDigest)(reference) ? '@' : ':'}${reference}`;
        return { store: new layout_1.OciLayoutStore(resolvedDir), reference, display, close: () => undefined };
    }
    const ref = (0, reference_1.parseReference)(input);
    const registryClient = client ?? new registry_1.RegistryClient(opts);
    return {
        store: registryClient.repository(ref.registry, ref.repository),
        reference: (0, reference_1.referenceTarget)(ref),
        display: (0, reference_1.formatReference)(ref.tag || ref.digest ? ref : { ...ref, tag: 'latest' }),
        close: () => {
            if (!client)
                registryClient.close();
        },
    };
}
/**
 * An `oci-layout:` image that is there in full: the directory, its oci-layout file and index.json,
 * the tag or digest, and every manifest and blob it reaches. What a copy would trip over half-way,
 * as one UserError before anything is written elsewhere.
 */
async function checkLayoutImage(input) {
    const { dir, reference } = parseLayoutInput(input);
    const resolved = path.resolve(dir);
    const fail = (why) => {
        throw new errors_1.UserError(`${input}: ${why}; point at an OCI image layout directory (oci-layout, index.json, blobs/)`);
    };
    const statOf = async (p) => {
        try {
            return await node_fs_1.promises.stat(p);
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return undefined;
            throw (0, layout_1.fsProblem)(err, resolved, `${exports.OCI_LAYOUT_PREFIX}${dir}`);
        }
    };
    const stat = await statOf(resolved);
    if (!stat)
        fail(`the directory ${dir} does not exist`);
    if (!stat?.isDirectory())
        fail(`${dir} is not a directory`);
    const layoutFile = await statOf(path.join(resolved, 'oci-layout'));
    if (!layoutFile?.isFile())
        fail(`${dir} has no oci-layout file, so it is not an OCI image layout`);
    try {
        return await new layout_1.OciLayoutStore(resolved).checkComplete(reference);
    }
    catch (err) {
        if (err instanceof store_1.NotFoundError)
            throw new errors_1.UserError(`${err.message}; give a tag or digest the layout holds`);
        throw err;
    }
}


/***/ }),

/***/ 148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DOCKER_HUB = void 0;
exports.isTag = isTag;
exports.parseReference = parseReference;
exports.formatReference = formatReference;
exports.familiarName = familiarName;
exports.registryApiHost = registryApiHost;
exports.canonicalRegistry = canonicalRegistry;
exports.referenceTarget = referenceTarget;
const errors_1 = __nccwpck_require__(296);
exports.DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const NAME_TOTAL_LENGTH_MAX = 255;
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DOMAIN_COMPONENT_RE = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST_RE = /^\[[a-fA-F0-9:.]+\]$/;
const PORT_RE = /^[0-9]+$/;
const DIGEST_ALGORITHM_RE = /^[A-Za-z][A-Za-z0-9]*(?:[+._-][A-Za-z][A-Za-z0-9]*)*$/;
const DIGEST_HEX_LENGTH = { sha256: 64, sha384: 96, sha512: 128 };
/** A valid tag: 1-128 of letters, digits, `_`, `.`, `-`, not starting with `.` or `-`. */
function isTag(s) {
    return TAG_RE.test(s);
}
/** Parse `[registry/]repository[:tag][@digest]`; throws a UserError naming the offending part. */
function parseReference(input) {
    const fail = (why) => {
        throw new errors_1.UserError(`invalid reference '${input}': ${why}; use [registry/]repository[:tag][@sha256:<64 hex>]`);
    };
    if (input.length === 0)
        fail('it is empty');
    if (/\s/.test(input))
        fail('it contains whitespace');
    let rest = input;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        const why = digestProblem(digest);
        if (why)
            fail(why);
    }
    let tag;
    const lastColon = rest.lastIndexOf(':');
    if (lastColon > rest.lastIndexOf('/') && lastColon > rest.lastIndexOf(']')) {
        tag = rest.slice(lastColon + 1);
        rest = rest.slice(0, lastColon);
        if (!TAG_RE.test(tag)) {
            fail(`tag '${tag}' must be 1-128 characters of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
        }
    }
    if (rest.length === 0)
        fail('the repository name is empty');
    let registry = exports.DOCKER_HUB;
    let path = rest;
    const slash = rest.indexOf('/');
    if (slash >= 0 && looksLikeRegistry(rest.slice(0, slash))) {
        registry = rest.slice(0, slash);
        path = rest.slice(slash + 1);
        const why = registryProblem(registry);
        if (why)
            fail(why);
        if (DOCKER_HUB_ALIASES.has(registry.toLowerCase()))
            registry = exports.DOCKER_HUB;
    }
    if (path.length === 0)
        fail('the repository name is empty');
    for (const component of path.split('/')) {
        if (component.length === 0)
            fail('the repository path has an empty component');
        if (component !== component.toLowerCase())
            fail(`repository path component '${component}' must be lowercase`);
        if (!PATH_COMPONENT_RE.test(component)) {
            fail(`repository path component '${component}' must be lowercase letters and digits joined by '.', '_', '__' or '-'`);
        }
    }
    if (registry === exports.DOCKER_HUB && !path.includes('/'))
        path = `library/${path}`;
    const fullName = `${registry}/${path}`;
    if (fullName.length > NAME_TOTAL_LENGTH_MAX) {
        fail(`the name '${fullName}' is ${fullName.length} characters, more than ${NAME_TOTAL_LENGTH_MAX}`);
    }
    const ref = { registry, repository: path };
    if (tag !== undefined)
        ref.tag = tag;
    if (digest !== undefined)
        ref.digest = digest;
    return ref;
}
/** Canonical string: `registry/repository[:tag][@digest]`. */
function formatReference(ref) {
    let out = `${ref.registry}/${ref.repository}`;
    if (ref.tag)
        out += `:${ref.tag}`;
    if (ref.digest)
        out += `@${ref.digest}`;
    return out;
}
/** The short form docker prints: `nginx:1.27`, `acme/api`, or the full name off Docker Hub. */
function familiarName(ref) {
    let name = formatReference({ registry: ref.registry, repository: ref.repository });
    if (ref.registry === exports.DOCKER_HUB) {
        name = ref.repository.startsWith('library/') && ref.repository.split('/').length === 2 ? ref.repository.slice(8) : ref.repository;
    }
    if (ref.tag)
        name += `:${ref.tag}`;
    if (ref.digest)
        name += `@${ref.digest}`;
    return name;
}
/** The host that serves the registry API: Docker Hub's API lives on registry-1.docker.io. */
function registryApiHost(registry) {
    return registry === exports.DOCKER_HUB || DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB_API_HOST : registry;
}
/** The canonical registry name for credentials and comparisons (docker.io for every Hub alias). */
function canonicalRegistry(registry) {
    return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) ? exports.DOCKER_HUB : registry;
}
/** What a tag or digest after the repository name is: used by `resolve(reference)`. */
function referenceTarget(ref) {
    const target = ref.digest ?? ref.tag;
    return target ?? 'latest';
}
// The first path component is a registry when it has a '.', a ':' (port), is 'localhost' or an IPv6 literal.
function looksLikeRegistry(component) {
    return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}
function registryProblem(registry) {
    let host = registry;
    let port;
    if (registry.startsWith('[')) {
        const close = registry.indexOf(']');
        if (close < 0)
            return `registry '${registry}' has an unclosed IPv6 bracket`;
        host = registry.slice(0, close + 1);
        const after = registry.slice(close + 1);
        if (after.length > 0) {
            if (!after.startsWith(':'))
                return `registry '${registry}' has text after the IPv6 address`;
            port = after.slice(1);
        }
        if (!IPV6_HOST_RE.test(host))
            return `registry '${registry}' is not a valid IPv6 literal`;
    }
    else {
        const colon = registry.indexOf(':');
        if (colon >= 0) {
            host = registry.slice(0, colon);
            port = registry.slice(colon + 1);
        }
        for (const component of host.split('.')) {
            if (!DOMAIN_COMPONENT_RE.test(component))
                return `registry host '${host}' is not a valid host name`;
        }
    }
    if (port !== undefined && !PORT_RE.test(port))
        return `registry port '${port}' must be a number`;
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
        return `registry port '${port}' is out of range (1-65535)`;
    return undefined;
}
function digestProblem(digest) {
    const colon = digest.indexOf(':');
    if (colon <= 0)
        return `digest '${digest}' must be <algorithm>:<hex>`;
    const algorithm = digest.slice(0, colon);
    const hex = digest.slice(colon + 1);
    if (!DIGEST_ALGORITHM_RE.test(algorithm))
        return `digest algorithm '${algorithm}' is malformed`;
    const length = DIGEST_HEX_LENGTH[algorithm];
    if (length === undefined)
        return `digest algorithm '${algorithm}' is not supported (sha256, sha384, sha512)`;
    if (!/^[a-f0-9]*$/.test(hex))
        return `digest '${digest}' must be lowercase hexadecimal after '${algorithm}:'`;
    if (hex.length !== length)
        return `${algorithm} digest must have ${length} hex characters, not ${hex.length}`;
    return undefined;
}


/***/ }),

/***/ 961:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.findReferrers = findReferrers;
exports.readFallbackReferrers = readFallbackReferrers;
exports.listFallbackReferrers = listFallbackReferrers;
exports.listReferrers = listReferrers;
exports.attachReferrer = attachReferrer;
exports.attachReferrers = attachReferrers;
exports.ensureReferrersListed = ensureReferrersListed;
exports.removeReferrer = removeReferrer;
exports.pushArtifact = pushArtifact;
exports.conditionFor = conditionFor;
exports.updateListedTag = updateListedTag;
exports.readTombstones = readTombstones;
exports.withTombstones = withTombstones;
exports.dedupe = dedupe;
const promises_1 = __nccwpck_require__(500);
const keyed_lock_1 = __nccwpck_require__(69);
const digest_1 = __nccwpck_require__(825);
const listed_descriptor_1 = __nccwpck_require__(876);
const media_types_1 = __nccwpck_require__(217);
const store_1 = __nccwpck_require__(800);
const types_1 = __nccwpck_require__(48);
/**
 * Referrers of a subject, and where they came from: the referrers API when the store has one,
 * else the fallback tag `<alg>-<hex>` (an image index; a missing tag means none).
 */
async function findReferrers(store, subjectDigest, opts = {}) {
    const fromApi = await store.referrersApi(subjectDigest, opts.artifactType);
    if (fromApi !== undefined) {
        const { descriptors, skipped } = (0, listed_descriptor_1.checkListedDescriptors)(dedupe(fromApi), `${store.location}: the referrers of ${subjectDigest}`);
        return { source: 'referrers-api', referrers: descriptors, skipped };
    }
    return { source: 'fallback-tag', ...(await readFallbackReferrers(store, subjectDigest, opts)) };
}
/** Only what the fallback tag `<alg>-<hex>` lists (also on registries with the API: tags copied from elsewhere). */
async function readFallbackReferrers(store, subjectDigest, opts = {}) {
    const tag = (0, digest_1.fallbackTag)(subjectDigest);
    const { listed } = await readFallback(store, tag);
    const { descriptors, skipped } = (0, listed_descriptor_1.checkListedDescriptors)(dedupe(listed), `${store.location}: the referrers fallback tag ${tag}`);
    return { referrers: opts.artifactType === undefined ? descriptors : descriptors.filter((d) => d.artifactType === opts.artifactType), skipped };
}
async function listFallbackReferrers(store, subjectDigest, opts = {}) {
    return (await readFallbackReferrers(store, subjectDigest, opts)).referrers;
}
async function listReferrers(store, subjectDigest, opts = {}) {
    return (await findReferrers(store, subjectDigest, opts)).referrers;
}
/**
 * PUT a referrer manifest by digest (its blobs must already be in the store). When the store did
 * not index the subject itself, add the referrer's descriptor to the subject's fallback index
 * without losing entries written concurrently by others.
 */
async function attachReferrer(store, manifest, opts = {}) {
    return (await attachReferrers(store, [manifest], opts))[0];
}
/**
 * Attach several referrer manifests (blobs already pushed): every manifest is put, then each
 * subject's fallback index is updated once for all of its new entries.
 */
async function attachReferrers(store, manifests, opts = {}) {
    const put = await Promise.all(manifests.map(async (manifest) => {
        if (!manifest.subject?.digest)
            throw new Error('a referrer manifest needs a subject');
        const mediaType = manifest.mediaType ?? ((0, types_1.isIndex)(manifest) ? media_types_1.OCI_INDEX : media_types_1.OCI_MANIFEST);
        const { descriptor, subjectIndexed } = await store.putManifest(Buffer.from(JSON.stringify(manifest)), mediaType);
        const entry = { mediaType, digest: descriptor.digest, size: descriptor.size };
        const artifactType = manifest.artifactType ?? ((0, types_1.isIndex)(manifest) ? undefined : manifest.config.mediaType);
        if (artifactType)
            entry.artifactType = artifactType;
        if (manifest.annotations && Object.keys(manifest.annotations).length > 0)
            entry.annotations = { ...manifest.annotations };
        return { entry, subject: manifest.subject.digest, subjectIndexed };
    }));
    // Started in one turn, the updates of one subject's index join one write (see updateListedTag).
    await Promise.all(put.filter((p) => !p.subjectIndexed).map((p) => updateFallbackIndex(store, p.subject, { add: p.entry }, opts)));
    return put.map((p) => p.entry);
}
/**
 * Check that each referrer is listed for its subject, and attach again any that a concurrent writer
 * of the fallback index (another process) overwrote, up to `rounds` times. Returns how many had to be
 * attached again; throws when some are still missing, so a push is never reported complete without them.
 */
async function ensureReferrersListed(store, expected, opts = {}) {
    const rounds = opts.rounds ?? 3;
    let reattached = 0;
    for (let round = 1;; round++) {
        const missing = [];
        for (const subject of new Set(expected.map((e) => e.subject))) {
            const descriptors = await listReferrers(store, subject);
            opts.listed?.set(subject, descriptors);
            const listed = new Set(descriptors.map((d) => d.digest));
            missing.push(...expected.filter((e) => e.subject === subject && !listed.has(e.referrer)));
        }
        if (missing.length === 0)
            return reattached;
        if (round > rounds) {
            const names = missing.map((m) => `${m.referrer} (of ${m.subject})`).join(', ');
            throw new store_1.ConflictError(`${store.location}: referrers still not listed after ${rounds} attempts: ${names}; another writer keeps overwriting the referrers fallback index, push again later`);
        }
        opts.logger?.warn(`${store.location}: ${missing.length} referrer(s) were dropped from the fallback index by a concurrent writer; attaching them again`);
        for (const m of missing) {
            const fetched = await store.getManifest(m.referrer);
            const again = await attachReferrer(store, fetched.manifest, opts);
            if (again.digest !== m.referrer)
                throw new Error(`${store.location}: re-attaching ${m.referrer} produced ${again.digest}`);
            reattached++;
        }
    }
}
/**
 * Take a referrer away from a subject (to supersede a stale attestation). With a fallback index
 * the entry is removed from it (keeping every other entry); with a referrers API the manifest
 * itself must be deleted, since the registry lists referrers from the manifests it holds.
 */
async function removeReferrer(store, subjectDigest, referrerDigest, opts = {}) {
    const hasApi = (await store.referrersApi(subjectDigest)) !== undefined;
    const removedFromFallback = hasApi ? false : await updateFallbackIndex(store, subjectDigest, { remove: referrerDigest }, opts);
    let deleted = false;
    if (hasApi || opts.deleteManifest) {
        if (!store.deleteManifest)
            throw new Error(`${store.location} does not support deleting manifests, so referrer ${referrerDigest} cannot be removed`);
        try {
            await store.deleteManifest(referrerDigest);
            deleted = true;
        }
        catch (err) {
            if (!(err instanceof store_1.NotFoundError))
                throw err;
        }
    }
    return { removedFromFallback, deleted };
}
/** Push config and layer blobs, then attach the manifest as a referrer of `subject`. */
async function pushArtifact(store, artifact, opts = {}) {
    const config = artifact.config ?? { content: media_types_1.EMPTY_JSON, mediaType: media_types_1.OCI_EMPTY };
    const configDescriptor = await store.putBlob(config.content, config.mediaType);
    const layers = [];
    for (const layer of artifact.layers) {
        const pushed = await store.putBlob(layer.content, layer.mediaType);
        const descriptor = { mediaType: layer.mediaType, digest: pushed.digest, size: pushed.size };
        if (layer.annotations)
            descriptor.annotations = { ...layer.annotations };
        layers.push(descriptor);
    }
    const manifest = {
        schemaVersion: 2,
        mediaType: media_types_1.OCI_MANIFEST,
        artifactType: artifact.artifactType,
        config: { mediaType: config.mediaType, digest: configDescriptor.digest, size: configDescriptor.size },
        layers,
        subject: { mediaType: artifact.subject.mediaType, digest: artifact.subject.digest, size: artifact.subject.size },
    };
    if (artifact.annotations)
        manifest.annotations = { ...artifact.annotations };
    return attachReferrer(store, manifest, opts);
}
async function readFallback(store, tag) {
    let fetched;
    try {
        fetched = await store.getManifest(tag, [media_types_1.OCI_INDEX]);
    }
    catch (err) {
        if (err instanceof store_1.NotFoundError)
            return { entries: [], listed: [] };
        throw err;
    }
    if (!(0, types_1.isIndex)(fetched.manifest))
        throw new Error(`referrers fallback tag ${tag} in ${store.location} is not an image index`);
    const index = fetched.manifest;
    // Entries are kept as listed (a rewrite must not drop others' data); readers check them.
    const listed = Array.isArray(index.manifests) ? index.manifests : [];
    const entries = listed.filter((d) => typeof d === 'object' && d !== null && typeof d.digest === 'string');
    return { digest: fetched.descriptor.digest, index, entries: dedupe(entries), listed, removed: readTombstones(index.annotations) };
}
function updateFallbackIndex(store, subjectDigest, change, opts) {
    const tag = (0, digest_1.fallbackTag)(subjectDigest);
    return updateListedTag({
        description: `referrers fallback tag ${tag} in ${store.location}`,
        read: () => readFallback(store, tag),
        async write(entries, current, removed) {
            const annotations = withTombstones(current.index?.annotations, removed);
            const body = { ...(current.index ?? {}), schemaVersion: 2, mediaType: media_types_1.OCI_INDEX, manifests: entries };
            if (annotations)
                body.annotations = annotations;
            else
                delete body.annotations;
            await store.putManifest(Buffer.from(JSON.stringify(body)), media_types_1.OCI_INDEX, tag, conditionFor(current));
        },
    }, change, opts);
}
/** If-Match on the digest we read, or If-None-Match when the tag did not exist. */
function conditionFor(current) {
    return current.digest ? { ifMatch: current.digest } : { ifNoneMatch: true };
}
/**
 * Read-modify-write of a tag holding a descriptor list (the fallback index, a cosign .sig/.att
 * manifest) that never drops entries written by others: a conditional PUT for registries that
 * honour it, and for those that ignore it a read-back that must show our change plus every
 * entry we have seen, retried with exponential backoff and jitter; after a good read-back one
 * more check a moment later catches a writer who read just before our write. Returns whether
 * the tag had to change.
 *
 * A removal leaves a tombstone (the `dev.ship-image.removed` annotation, last
 * 32 digests) so that a writer who saw the entry before it was removed does not
 * put it back; without it a removal could not be told from an overwrite by a stale writer.
 */
function updateListedTag(target, change, opts = {}) {
    // The read-back below only makes losing an entry unlikely; between writers of this process it is ruled out.
    if (opts.lockInProcess === false)
        return updateListedTagNow(target, batchOf(change, opts), opts);
    const key = target.description;
    const open = waiting.get(key);
    if (open && joinable(open, change, opts)) {
        add(open, change);
        return open.done;
    }
    const batch = batchOf(change, opts);
    waiting.set(key, batch);
    batch.done = (0, keyed_lock_1.withKeyedLock)(key, () => {
        if (waiting.get(key) === batch)
            waiting.delete(key); // from here on, later changes wait for the next turn
        return updateListedTagNow(target, batch, opts);
    });
    return batch.done;
}
const waiting = new Map();
function batchOf(change, opts) {
    const batch = { adds: new Map(), removes: new Set(), opts, done: Promise.resolve(false) };
    add(batch, change);
    return batch;
}
function add(batch, change) {
    if (change.add)
        batch.adds.set(change.add.digest, change.add);
    if (change.remove !== undefined)
        batch.removes.add(change.remove);
}
/** Same retry settings, and no digest both added and removed (whose order would then be lost). */
function joinable(batch, change, opts) {
    const a = batch.opts;
    if (a.maxAttempts !== opts.maxAttempts || a.baseDelayMs !== opts.baseDelayMs || a.maxDelayMs !== opts.maxDelayMs || a.settleMs !== opts.settleMs)
        return false;
    if (change.add && batch.removes.has(change.add.digest))
        return false;
    return change.remove === undefined || !batch.adds.has(change.remove);
}
async function updateListedTagNow(target, change, opts) {
    const maxAttempts = opts.maxAttempts ?? 30;
    const baseDelayMs = opts.baseDelayMs ?? 25;
    const maxDelayMs = opts.maxDelayMs ?? 2000;
    const seen = new Map();
    // Tombstones read, plus ours (kept last, so the cap never drops them).
    const removed = new Set(change.removes);
    const remember = (state) => {
        for (const digest of state.removed ?? [])
            if (!change.adds.has(digest))
                removed.add(digest);
        for (const d of state.entries)
            seen.set(d.digest, d);
    };
    const wanted = () => [...seen.values()].filter((d) => !removed.has(d.digest));
    const satisfied = (state) => {
        const present = new Set(state.entries.map((d) => d.digest));
        for (const digest of change.removes)
            if (present.has(digest))
                return false;
        for (const digest of change.adds.keys())
            if (!present.has(digest))
                return false;
        return wanted().every((d) => present.has(d.digest));
    };
    const tombstones = () => [...[...removed].filter((d) => !change.removes.has(d)), ...change.removes].slice(-MAX_TOMBSTONES);
    const retryLater = async (attempt, why) => {
        opts.logger?.debug(`${target.description}: ${why} (attempt ${attempt}), retrying`);
        await (0, promises_1.setTimeout)(backoff(attempt, baseDelayMs, maxDelayMs));
    };
    let changed = false;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        try {
            const started = Date.now();
            const current = await target.read();
            remember(current);
            if (!satisfied(current)) {
                const desired = wanted();
                const listed = new Set(desired.map((d) => d.digest));
                for (const d of change.adds.values())
                    if (!listed.has(d.digest))
                        desired.push(d);
                try {
                    await target.write(desired, current, tombstones());
                    changed = true;
                }
                catch (err) {
                    if (!(err instanceof store_1.ConflictError))
                        throw err;
                    await retryLater(attempt, 'conditional write lost');
                    continue;
                }
                const readBack = await target.read();
                remember(readBack);
                if (!satisfied(readBack)) {
                    await retryLater(attempt, 'overwritten by a concurrent writer');
                    continue;
                }
            }
            else if (!changed && attempt === 1) {
                return false; // Already as wanted and we wrote nothing: there is no write of ours to lose.
            }
            const settleMs = opts.settleMs ?? Math.min(1000, Math.max(20, 2 * (Date.now() - started)));
            await (0, promises_1.setTimeout)(settleMs * (1 + Math.random() / 2));
            const settled = await target.read();
            remember(settled);
            if (satisfied(settled))
                return changed;
            await retryLater(attempt, 'overwritten after our write');
        }
        catch (err) {
            // Registries on plain filesystems answer 5xx while a tag is being rewritten under them.
            if (!isTransient(err) || attempt === maxAttempts)
                throw err;
            await retryLater(attempt, `server error (${err.message})`);
        }
    }
    throw new store_1.ConflictError(`could not update the ${target.description} after ${maxAttempts} attempts: concurrent writers kept overwriting it; retry later`);
}
const TOMBSTONE_ANNOTATION = 'dev.ship-image.removed';
const MAX_TOMBSTONES = 32;
/** Tombstones kept in an annotation: space-separated digests. */
function readTombstones(annotations) {
    const text = annotations?.[TOMBSTONE_ANNOTATION];
    return text ? text.split(/\s+/).filter(Boolean) : [];
}
/** `annotations` with the tombstone annotation set to `removed` (dropped when empty); undefined when nothing is left. */
function withTombstones(annotations, removed) {
    const out = { ...(annotations ?? {}) };
    delete out[TOMBSTONE_ANNOTATION];
    if (removed.length > 0)
        out[TOMBSTONE_ANNOTATION] = removed.join(' ');
    return Object.keys(out).length > 0 ? out : undefined;
}
function isTransient(err) {
    const status = err.status;
    return typeof status === 'number' && (status >= 500 || status === 429);
}
function backoff(attempt, baseDelayMs, maxDelayMs) {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
}
/** First of each digest; entries that are not objects with a digest pass through (for the caller to judge). */
function dedupe(descriptors) {
    const seen = new Set();
    return descriptors.filter((d) => {
        const digest = typeof d === 'object' && d !== null ? d.digest : undefined;
        if (typeof digest !== 'string')
            return true;
        if (seen.has(digest))
            return false;
        seen.add(digest);
        return true;
    });
}


/***/ }),

/***/ 494:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RegistryRepository = exports.RegistryClient = void 0;
const node_crypto_1 = __nccwpck_require__(598);
const fs = __importStar(__nccwpck_require__(24));
const path = __importStar(__nccwpck_require__(760));
const node_stream_1 = __nccwpck_require__(75);
const promises_1 = __nccwpck_require__(466);
const promises_2 = __nccwpck_require__(500);
const errors_1 = __nccwpck_require__(296);
const keyed_lock_1 = __nccwpck_require__(69);
const log_1 = __nccwpck_require__(325);
const credentials_1 = __nccwpck_require__(626);
const scope_1 = __nccwpck_require__(832);
const session_1 = __nccwpck_require__(532);
const token_1 = __nccwpck_require__(713);
const digest_1 = __nccwpck_require__(825);
const errors_2 = __nccwpck_require__(630);
const http_1 = __nccwpck_require__(809);
const media_types_1 = __nccwpck_require__(217);
const reference_1 = __nccwpck_require__(148);
const DEFAULT_LIST_LIMITS = { tagPages: 1000, referrerPages: 100, totalBytes: 32 * 1024 * 1024 };
const DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
const MANIFEST_MAX_BYTES = http_1.DEFAULT_MAX_RESPONSE_BYTES;
const TAG_PAGE_SIZE = 1000;
/** A blob download may take the request deadline plus this long per byte (as if at 64 KiB/s). */
const BLOB_MS_PER_BYTE = 1000 / (64 * 1024);
const ACCEPT_MANIFESTS = media_types_1.ALL_MANIFEST_MEDIA_TYPES.join(', ');
/** The registry side of the OCI distribution client: one per run, shared by every repository. */
class RegistryClient {
    transport;
    credentials;
    tokens = new token_1.TokenCache();
    sessions = new Map();
    logger;
    chunkSize;
    limits;
    deadlineMs;
    constructor(opts = {}) {
        this.logger = opts.logger ?? log_1.silentLogger;
        this.transport = new http_1.HttpTransport({
            caPems: opts.caPems,
            insecureHosts: opts.insecureRegistries,
            timeoutMs: opts.timeoutMs,
            deadlineMs: opts.deadlineMs,
            connectTimeoutMs: opts.connectTimeoutMs,
            maxAttempts: opts.maxAttempts,
            backoffBaseMs: opts.backoffBaseMs,
            maxRetryAfterMs: opts.maxRetryAfterMs,
            userAgent: opts.userAgent,
            logger: this.logger,
        });
        this.credentials = new credentials_1.CredentialResolver({
            username: opts.username,
            password: opts.password,
            credentials: opts.credentials,
            dockerConfigDir: opts.dockerConfigDir,
            authFile: opts.authFile,
            env: opts.env,
        });
        if (opts.chunkSize !== undefined && !(opts.chunkSize > 0))
            throw new errors_1.UserError(`chunk size ${opts.chunkSize} must be a positive number of bytes`);
        this.chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
        this.limits = { ...DEFAULT_LIST_LIMITS, ...(opts.listLimits ?? {}) };
        this.deadlineMs = opts.deadlineMs ?? http_1.DEFAULT_DEADLINE_MS;
    }
    repository(registry, repository) {
        return new RegistryRepository(this.session(registry), repository, this.chunkSize, { limits: this.limits, deadlineMs: this.deadlineMs });
    }
    /** The repository an image reference names. */
    repositoryFor(ref) {
        return this.repository(ref.registry, ref.repository);
    }
    /** Requests and bytes so far (every attempt and token request counted). */
    stats() {
        return this.transport.stats();
    }
    /** Close idle connections so the process can exit. */
    close() {
        this.transport.close();
    }
    session(registry) {
        const key = (0, reference_1.canonicalRegistry)(registry);
        let session = this.sessions.get(key);
        if (!session) {
            session = new session_1.RegistrySession(key, { transport: this.transport, credentials: this.credentials, tokens: this.tokens, logger: this.logger });
            this.sessions.set(key, session);
        }
        return session;
    }
}
exports.RegistryClient = RegistryClient;
/** One repository on a registry, speaking the distribution-spec API. */
class RegistryRepository {
    session;
    name;
    chunkSize;
    location;
    pull;
    push;
    limits;
    deadlineMs;
    constructor(session, name, chunkSize, tuning = {}) {
        this.session = session;
        this.name = name;
        this.chunkSize = chunkSize;
        this.limits = tuning.limits ?? DEFAULT_LIST_LIMITS;
        this.deadlineMs = tuning.deadlineMs ?? http_1.DEFAULT_DEADLINE_MS;
        this.location = `${session.registry}/${name}`;
        this.pull = [(0, scope_1.repositoryScope)(name, ['pull'])];
        this.push = [(0, scope_1.repositoryScope)(name, ['pull', 'push'])];
    }
    get registry() {
        return this.session.registry;
    }
    // ---- manifests ----
    async resolve(reference) {
        checkReference(reference, this.location);
        const op = this.op('HEAD manifest', reference);
        const res = await this.send({ method: 'HEAD', target: this.path('manifests', reference), headers: { Accept: ACCEPT_MANIFESTS }, scopes: this.pull, op });
        if (res.status !== 200)
            throw (0, errors_2.errorForStatus)(op, res.status, undefined);
        const digest = header(res, 'docker-content-digest') ?? ((0, digest_1.isDigest)(reference) ? reference : undefined);
        const mediaType = contentType(res);
        const size = Number(header(res, 'content-length'));
        if (!digest || !(0, digest_1.isDigest)(digest) || !mediaType || !Number.isFinite(size) || size <= 0) {
            // Some registries leave these out of HEAD answers: fetch the manifest instead.
            return (await this.getManifest(reference)).descriptor;
        }
        if ((0, digest_1.isDigest)(reference) && digest !== reference) {
            throw new errors_2.DigestMismatchError(`registry ${this.registry}: ${op.operation} answered digest ${digest}, not the one asked for`);
        }
        return { mediaType, digest, size };
    }
    async getManifest(reference, accept = media_types_1.ALL_MANIFEST_MEDIA_TYPES) {
        checkReference(reference, this.location);
        const op = this.op('GET manifest', reference);
        const res = await this.send({
            method: 'GET',
            target: this.path('manifests', reference),
            headers: { Accept: accept.join(', ') },
            scopes: this.pull,
            op,
            maxBytes: MANIFEST_MAX_BYTES,
        });
        if (res.status !== 200)
            throw (0, errors_2.errorForStatus)(op, res.status, res.body);
        const bytes = res.body;
        const announced = header(res, 'docker-content-digest');
        const expected = (0, digest_1.isDigest)(reference) ? reference : announced && (0, digest_1.isDigest)(announced) ? announced : undefined;
        if (expected)
            verifyDigest(bytes, expected, `registry ${this.registry}: ${op.operation}`);
        let manifest;
        try {
            manifest = JSON.parse(bytes.toString('utf8'));
        }
        catch {
            throw new errors_2.RegistryError(`registry ${this.registry}: ${op.operation}: the manifest is not valid JSON`);
        }
        if (typeof manifest !== 'object' || manifest === null || manifest.schemaVersion !== 2) {
            throw new errors_2.RegistryError(`registry ${this.registry}: ${op.operation}: not an OCI or Docker v2 manifest (schemaVersion must be 2)`);
        }
        const mediaType = (typeof manifest.mediaType === 'string' && manifest.mediaType) || contentType(res) || (Array.isArray(manifest.manifests) ? media_types_1.OCI_INDEX : media_types_1.OCI_MANIFEST);
        const digest = expected && expected.startsWith('sha256:') ? expected : (0, digest_1.sha256Digest)(bytes);
        return { descriptor: { mediaType, digest, size: bytes.length }, bytes, manifest };
    }
    async putManifest(bytes, mediaType, reference, opts = {}) {
        const digest = (0, digest_1.sha256Digest)(bytes);
        const target = reference ?? digest;
        checkReference(target, this.location);
        if ((0, digest_1.isDigest)(target) && target !== digest) {
            throw new errors_1.UserError(`cannot store manifest under ${target} in ${this.location}: its bytes hash to ${digest}; push it by its own digest`);
        }
        const op = this.op('PUT manifest', target);
        const headers = { 'Content-Type': mediaType };
        if (opts.ifMatch)
            headers['If-Match'] = opts.ifMatch.startsWith('"') || opts.ifMatch.startsWith('W/') ? opts.ifMatch : `"${opts.ifMatch}"`;
        if (opts.ifNoneMatch)
            headers['If-None-Match'] = '*';
        let res = await this.send({ method: 'PUT', target: this.path('manifests', target), headers, body: bytes, scopes: this.push, op });
        for (const wait of LINK_RACE_WAITS_MS) {
            if (!isLinkRace(res))
                break;
            await (0, promises_2.setTimeout)(wait);
            res = await this.send({ method: 'PUT', target: this.path('manifests', target), headers, body: bytes, scopes: this.push, op });
        }
        if (res.status < 200 || res.status >= 300)
            throw (0, errors_2.errorForStatus)(op, res.status, res.body);
        const answered = header(res, 'docker-content-digest');
        if (answered && answered.startsWith('sha256:') && answered !== digest) {
            throw new errors_2.DigestMismatchError(`registry ${this.registry}: ${op.operation}: the registry stored digest ${answered}, we sent ${digest}`);
        }
        return { descriptor: { mediaType, digest, size: bytes.length }, subjectIndexed: header(res, 'oci-subject') !== undefined };
    }
    async deleteManifest(digest) {
        if (!(0, digest_1.isDigest)(digest))
            throw new errors_1.UserError(`cannot delete '${digest}' from ${this.location}: manifests are deleted by digest (sha256:...)`);
        const op = this.op('DELETE manifest', digest);
        const res = await this.send({ method: 'DELETE', target: this.path('manifests', digest), scopes: this.deleteScope(), op });
        if (res.status !== 202 && res.status !== 200 && res.status !== 204)
            throw (0, errors_2.errorForStatus)(op, res.status, res.body);
    }
    /** Every tag, following `Link` pages of `pageSize`; [] for a repository that does not exist yet. */
    async listTags(pageSize = TAG_PAGE_SIZE) {
        const op = { registry: this.registry, operation: `GET tags ${this.name}` };
        const tags = [];
        const pages = new Pager(op, this.limits.tagPages, this.limits.totalBytes, (url) => this.session.isRegistryUrl(url));
        let target = `/v2/${this.name}/tags/list?n=${pageSize}`;
        for (let page = 0; target !== undefined; page++) {
            const res = await this.send({ method: 'GET', target, scopes: this.pull, op, maxBytes: Math.min(http_1.DEFAULT_MAX_RESPONSE_BYTES, pages.remainingBytes()) });
            if (res.status === 404 && page === 0)
                return []; // a repository with nothing pushed yet
            if (res.status !== 200)
                throw (0, errors_2.errorForStatus)(op, res.status, res.body);
            const body = parseJson(res.body, `registry ${this.registry}: ${op.operation}`);
            if (Array.isArray(body.tags))
                tags.push(...body.tags.filter((t) => typeof t === 'string'));
            target = pages.next(res);
        }
        return tags;
    }
    async referrersApi(subjectDigest, artifactType) {
        if (!(0, digest_1.isDigest)(subjectDigest))
            throw new errors_1.UserError(`cannot list referrers of '${subjectDigest}': a digest (sha256:...) is needed`);
        const op = this.op('GET referrers', subjectDigest);
        let target = `/v2/${this.name}/referrers/${subjectDigest}` + (artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '');
        if ((noReferrersApiUntil.get(this.session) ?? 0) > Date.now())
            return undefined;
        const found = [];
        let filtered = true;
        const pages = new Pager(op, this.limits.referrerPages, this.limits.totalBytes, (url) => this.session.isRegistryUrl(url));
        for (let page = 0; target !== undefined; page++) {
            const maxBytes = Math.min(MANIFEST_MAX_BYTES, pages.remainingBytes());
            const res = await this.send({ method: 'GET', target, headers: { Accept: media_types_1.OCI_INDEX }, scopes: this.pull, op, maxBytes });
            // No referrers API: the caller uses the fallback tag. CNCF distribution answers 404; like
            // go-containerregistry, 400, 406 and a 200 that is not an OCI index also mean "no API".
            if (page === 0 && (NO_REFERRERS_API.has(res.status) || (res.status === 200 && contentType(res)?.toLowerCase() !== media_types_1.OCI_INDEX))) {
                noReferrersApiUntil.set(this.session, Date.now() + NO_REFERRERS_API_MEMO_MS);
                return undefined;
            }
            if (res.status !== 200)
                throw (0, errors_2.errorForStatus)(op, res.status, res.body);
            const index = parseJson(res.body, `registry ${this.registry}: ${op.operation}`);
            if (!Array.isArray(index.manifests))
                throw new errors_2.RegistryError(`registry ${this.registry}: ${op.operation}: the answer is not an image index`);
            // Entries are passed on as listed: findReferrers sets malformed ones aside with a note.
            found.push(...index.manifests);
            const applied = String(header(res, 'oci-filters-applied') ?? '')
                .split(',')
                .map((s) => s.trim());
            if (!applied.includes('artifactType'))
                filtered = false;
            target = pages.next(res);
        }
        return artifactType && !filtered ? found.filter((d) => typeof d !== 'object' || d === null || d.artifactType === artifactType) : found;
    }
    // ---- blobs ----
    async hasBlob(digest) {
        return this.blobExists(digest, this.pull);
    }
    // Pushes check with the push scope so one token serves the HEAD, the upload and the manifest.
    async blobExists(digest, scopes) {
        checkDigest(digest, this.location);
        const op = this.op('HEAD blob', digest);
        const res = await this.send({ method: 'HEAD', target: this.path('blobs', digest), scopes, op });
        if (res.status === 200)
            return true;
        if (res.status === 404)
            return false;
        throw (0, errors_2.errorForStatus)(op, res.status, undefined);
    }
    async getBlob(descriptor, maxBytes) {
        const stream = await this.getBlobStream(descriptor, maxBytes);
        const chunks = [];
        for await (const chunk of stream)
            chunks.push(chunk);
        return Buffer.concat(chunks);
    }
    /**
     * The blob as a stream that errors (instead of ending) when the bytes do not match the
     * descriptor's size and digest, or pass `maxBytes` (default: the descriptor's size).
     */
    async getBlobStream(descriptor, maxBytes) {
        checkDigest(descriptor.digest, this.location);
        const op = this.op('GET blob', descriptor.digest);
        const what = `registry ${this.registry}: ${op.operation}`;
        const limit = maxBytes ?? descriptor.size;
        if (descriptor.size > limit)
            throw new errors_2.ResponseTooLargeError(`${what}: the blob is ${descriptor.size} bytes, over the ${limit}-byte limit`);
        // The deadline covers the whole body, so it grows with the blob (a slow but steady link is fine).
        const deadlineMs = this.deadlineMs + Math.ceil(descriptor.size * BLOB_MS_PER_BYTE);
        const req = { method: 'GET', target: this.path('blobs', descriptor.digest), scopes: this.pull, op, deadlineMs };
        const res = await this.session.stream(req);
        await this.noteAuth(req, res.status);
        if (res.status !== 200 || !res.stream) {
            res.stream?.destroy();
            throw (0, errors_2.errorForStatus)(op, res.status, res.body);
        }
        const announced = Number(header(res, 'content-length'));
        if (Number.isFinite(announced) && announced !== descriptor.size) {
            res.stream.destroy();
            const err = announced > limit ? errors_2.ResponseTooLargeError : errors_2.DigestMismatchError;
            throw new err(`${what}: the registry announced ${announced} bytes, the descriptor says ${descriptor.size}`);
        }
        const verifier = new VerifyingStream(descriptor.digest, descriptor.size, limit, what);
        const source = res.stream;
        source.on('error', (err) => verifier.destroy(err));
        // A refused body (too long, wrong digest) must not keep the connection half-read.
        verifier.on('error', () => source.destroy());
        verifier.on('close', () => source.destroy());
        return source.pipe(verifier);
    }
    /** Stream a blob to `filePath` (via a temporary file beside it), verified; nothing is left on failure. */
    async downloadBlob(descriptor, filePath, maxBytes) {
        const temp = path.join(path.dirname(filePath), `.${path.basename(filePath)}.${process.pid}.${Date.now()}.part`);
        try {
            await (0, promises_1.pipeline)(await this.getBlobStream(descriptor, maxBytes), fs.createWriteStream(temp));
            fs.renameSync(temp, filePath);
        }
        catch (err) {
            fs.rmSync(temp, { force: true });
            throw err;
        }
    }
    async putBlob(content, mediaType) {
        const digest = (0, digest_1.sha256Digest)(content);
        await this.uploadUnlessPresent(digest, { length: content.length, slice: (start, end) => content.subarray(start, end) });
        return { mediaType, digest, size: content.length };
    }
    /** Upload a file without reading it into memory; its digest is computed first when not given. */
    async putBlobFile(filePath, mediaType, knownDigest) {
        const size = fs.statSync(filePath).size;
        const digest = knownDigest ?? (await fileDigest(filePath));
        await this.uploadUnlessPresent(digest, {
            length: size,
            slice: (start, end) => ({ length: end - start, open: () => fs.createReadStream(filePath, { start, end: end - 1 }) }),
        });
        return { mediaType, digest, size };
    }
    /**
     * Cross-repository mount (`POST ?mount=&from=`). True when the registry mounted it (201). On 202
     * the registry opened an upload instead: with `content` we upload through it, else it is left to expire.
     */
    async mountBlob(digest, fromRepository, content) {
        checkDigest(digest, this.location);
        return this.oneUploadAtATime(digest, () => this.mountOrUpload(digest, fromRepository, content));
    }
    async mountOrUpload(digest, fromRepository, content) {
        const op = { registry: this.registry, operation: `POST mount ${this.name}@${digest} from ${fromRepository}` };
        const scopes = [...this.push, (0, scope_1.repositoryScope)(fromRepository, ['pull'])];
        const query = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepository)}`;
        const res = await this.send({ method: 'POST', target: `/v2/${this.name}/blobs/uploads/${query}`, scopes, op, replayable: true });
        if (res.status === 201)
            return true;
        if (res.status !== 202)
            throw (0, errors_2.errorForStatus)(op, res.status, res.body);
        if (content) {
            if ((0, digest_1.sha256Digest)(content) !== digest)
                throw new errors_1.UserError(`the content given for ${digest} hashes to ${(0, digest_1.sha256Digest)(content)}; pass the blob's own bytes`);
            const location = this.uploadLocation(res, op);
            await this.finishUpload(digest, location, { length: content.length, slice: (s, e) => content.subarray(s, e) }, minChunk(res));
        }
        return false;
    }
    // ---- internals ----
    /**
     * Pushes of one blob to one repository from this process wait for each other, so the later ones
     * find it with HEAD. Two uploads committing the same blob at once make distribution rewrite the
     * repository's link file in place, and a manifest PUT checked in that moment fails as
     * DIGEST_INVALID / MANIFEST_BLOB_UNKNOWN (seen with the referrers of a multi-platform ship).
     */
    oneUploadAtATime(digest, upload) {
        return (0, keyed_lock_1.withKeyedLock)(`blob ${this.location}@${digest}`, upload);
    }
    uploadUnlessPresent(digest, source) {
        return this.oneUploadAtATime(digest, async () => {
            if (!(await this.blobExists(digest, this.push)))
                await this.upload(digest, source);
        });
    }
    async upload(digest, source) {
        const op = this.op('POST upload', digest);
        const res = await this.send({ method: 'POST', target: `/v2/${this.name}/blobs/uploads/`, scopes: this.push, op, replayable: true });
        if (res.status !== 202)
            throw (0, errors_2.errorForStatus)(op, res.status, res.body);
        await this.finishUpload(digest, this.uploadLocation(res, op), source, minChunk(res));
    }
    /** Monolithic PUT for blobs up to the chunk size, else PATCH chunks then an empty PUT. */
    async finishUpload(digest, start, source, minChunkLength) {
        let location = start;
        if (source.length > this.chunkSize) {
            const chunk = Math.max(this.chunkSize, minChunkLength);
            for (let offset = 0; offset < source.length; offset += chunk) {
                const end = Math.min(source.length, offset + chunk);
                const op = this.op(`PATCH upload (bytes ${offset}-${end - 1})`, digest);
                const res = await this.send({
                    method: 'PATCH',
                    target: location,
                    headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${end - 1}` },
                    body: source.slice(offset, end),
                    scopes: this.push,
                    op,
                });
                if (res.status !== 202)
                    throw (0, errors_2.errorForStatus)(op, res.status, res.body);
                location = this.uploadLocation(res, op);
            }
        }
        const url = new URL(location);
        url.search += (url.search ? '&' : '?') + `digest=${encodeURIComponent(digest)}`;
        const op = this.op('PUT blob', digest);
        const monolithic = source.length <= this.chunkSize;
        const res = await this.send({
            method: 'PUT',
            target: url,
            headers: monolithic ? { 'Content-Type': 'application/octet-stream' } : {},
            body: monolithic ? source.slice(0, source.length) : undefined,
            scopes: this.push,
            op,
        });
        if (res.status === 201 || res.status === 204)
            return;
        // A retried PUT may find its first attempt already committed the blob.
        if (res.status === 404 && (await this.blobExists(digest, this.push)))
            return;
        throw (0, errors_2.errorForStatus)(op, res.status, res.body);
    }
    uploadLocation(res, op) {
        const location = header(res, 'location');
        if (!location)
            throw new errors_2.RegistryError(`registry ${this.registry}: ${op.operation}: the answer has no Location header`);
        let url;
        try {
            url = new URL(location, res.url);
        }
        catch {
            throw new errors_2.RegistryError(`registry ${this.registry}: ${op.operation}: the Location header is not a URL`);
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:')
            throw new errors_2.RegistryError(`registry ${this.registry}: ${op.operation}: the upload Location is a ${url.protocol} URL, not http(s)`);
        return url;
    }
    async send(req) {
        const res = await this.session.send(req);
        await this.noteAuth(req, res.status);
        return res;
    }
    async noteAuth(req, status) {
        if (status !== 401 && status !== 403)
            return;
        req.op.scopes ??= req.scopes;
        req.op.authHint ??= await this.session.authHint();
    }
    path(kind, reference) {
        return `/v2/${this.name}/${kind}/${reference}`;
    }
    op(action, reference) {
        return { registry: this.registry, operation: `${action} ${this.name}${(0, digest_1.isDigest)(reference) ? '@' : ':'}${reference}` };
    }
    deleteScope() {
        // Docker Hub and distribution's token servers grant deletes under `delete` or `*`.
        return [(0, scope_1.repositoryScope)(this.name, ['delete'])];
    }
}
exports.RegistryRepository = RegistryRepository;
const NO_REFERRERS_API = new Set([400, 404, 405, 406, 501]);
/**
 * A registry either serves the referrers API or not (distribution-spec: one that does answers 200
 * even for a subject with no referrers), so "no API" is remembered per registry for a minute: a
 * sweep over thousands of digests asks once, not once per digest.
 */
const NO_REFERRERS_API_MEMO_MS = 60_000;
const noReferrersApiUntil = new WeakMap();
/**
 * Follows `Link: rel="next"` pages within a page count and a byte budget. A next page on another
 * host (or a page seen before) is refused: pagination has no reason to leave the registry, and
 * following it would mean either sending our credentials elsewhere or reading a stranger's list.
 */
class Pager {
    op;
    maxPages;
    maxBytes;
    isRegistryUrl;
    pages = 0;
    bytes = 0;
    seen = new Set();
    constructor(op, maxPages, maxBytes, isRegistryUrl) {
        this.op = op;
        this.maxPages = maxPages;
        this.maxBytes = maxBytes;
        this.isRegistryUrl = isRegistryUrl;
    }
    /** What the next page may still weigh (at least 1 byte, so an over-budget page fails as too large). */
    remainingBytes() {
        return Math.max(1, this.maxBytes - this.bytes);
    }
    /** The next page's URL, or undefined at the last page; throws when a bound is passed. */
    next(res) {
        this.pages++;
        this.bytes += res.body.length;
        this.seen.add(res.url.href);
        const what = `registry ${this.op.registry}: ${this.op.operation}`;
        const next = (0, http_1.nextLink)(res.headers.link, res.url);
        if (!next)
            return undefined;
        if (!this.isRegistryUrl(next))
            throw new errors_2.RegistryError(`${what}: the next page link points at another host (${next.host}); refusing to follow it`);
        if (this.seen.has(next.href))
            throw new errors_2.RegistryError(`${what}: the next page link points back at a page already read; the registry's pagination loops`);
        if (this.pages >= this.maxPages)
            throw new errors_2.RegistryError(`${what}: more than ${this.maxPages} pages; the listing is cut off here (listLimits)`);
        if (this.bytes >= this.maxBytes)
            throw new errors_2.ResponseTooLargeError(`${what}: the pages add up to more than ${this.maxBytes} bytes (listLimits)`);
        return next;
    }
}
/** Hashes and counts as bytes pass; fails the stream on too many bytes, too few, or a wrong digest. */
class VerifyingStream extends node_stream_1.Transform {
    digest;
    size;
    limit;
    what;
    hash;
    received = 0;
    algorithm;
    constructor(digest, size, limit, what) {
        super();
        this.digest = digest;
        this.size = size;
        this.limit = limit;
        this.what = what;
        this.algorithm = digest.slice(0, digest.indexOf(':'));
        this.hash = (0, node_crypto_1.createHash)(this.algorithm);
    }
    _transform(chunk, _enc, done) {
        this.received += chunk.length;
        if (this.received > this.size)
            return done(new errors_2.DigestMismatchError(`${this.what}: more bytes arrived than the ${this.size} the descriptor says`));
        if (this.received > this.limit)
            return done(new errors_2.ResponseTooLargeError(`${this.what}: more than the ${this.limit}-byte limit arrived`));
        this.hash.update(chunk);
        done(null, chunk);
    }
    _flush(done) {
        if (this.received !== this.size)
            return done(new errors_2.DigestMismatchError(`${this.what}: ${this.received} bytes arrived, the descriptor says ${this.size}`));
        const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
        if (actual !== this.digest)
            return done(new errors_2.DigestMismatchError(`${this.what}: the bytes hash to ${actual}`));
        done();
    }
}
/**
 * Distribution's filesystem driver rewrites a repository's blob link in place when another client
 * commits the same blob; a manifest checked in that instant is refused as naming an unknown or
 * invalid blob. Such a refusal is tried again a few times before it is believed.
 */
const LINK_RACE_WAITS_MS = [100, 400, 1200];
function isLinkRace(res) {
    if (res.status !== 400)
        return false;
    const codes = (0, errors_2.parseDistributionErrors)(res.body).map((e) => e.code);
    return codes.length > 0 && codes.every((c) => c === 'MANIFEST_BLOB_UNKNOWN' || c === 'DIGEST_INVALID' || c === 'BLOB_UNKNOWN');
}
function verifyDigest(bytes, expected, what) {
    const actual = (0, digest_1.digestOf)(bytes, expected.slice(0, expected.indexOf(':')));
    if (actual !== expected)
        throw new errors_2.DigestMismatchError(`${what}: the bytes hash to ${actual}, expected ${expected}`);
}
async function fileDigest(filePath) {
    const hash = (0, node_crypto_1.createHash)('sha256');
    for await (const chunk of fs.createReadStream(filePath))
        hash.update(chunk);
    return `sha256:${hash.digest('hex')}`;
}
function checkReference(reference, location) {
    if (!(0, digest_1.isDigest)(reference) && !(0, reference_1.isTag)(reference)) {
        throw new errors_1.UserError(`'${reference}' is neither a tag nor a sha256/sha512 digest (for ${location}); use a tag like v1.2 or a digest sha256:<64 hex>`);
    }
}
function checkDigest(digest, location) {
    if (!(0, digest_1.isDigest)(digest))
        throw new errors_1.UserError(`'${digest}' is not a digest (for ${location}); use sha256:<64 hex>`);
}
function header(res, name) {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
function contentType(res) {
    const value = header(res, 'content-type');
    const bare = value?.split(';')[0]?.trim();
    return bare || undefined;
}
function minChunk(res) {
    const value = Number(header(res, 'oci-chunk-min-length'));
    return Number.isFinite(value) && value > 0 ? value : 0;
}
function parseJson(body, what) {
    try {
        return JSON.parse(body.toString('utf8'));
    }
    catch {
        throw new errors_2.RegistryError(`${what}: the answer is not valid JSON`);
    }
}


/***/ }),

/***/ 800:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ConflictError = exports.NotFoundError = void 0;
class NotFoundError extends Error {
    constructor(message) {
        super(message);
        this.name = 'NotFoundError';
    }
}
exports.NotFoundError = NotFoundError;
/** A conditional write lost against a concurrent writer (412), or a read-back check failed. */
class ConflictError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ConflictError';
    }
}
exports.ConflictError = ConflictError;


/***/ }),

/***/ 48:
/***/ ((__unused_webpack_module, exports) => {


// Shapes of the OCI image-spec documents we read and write.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isIndex = isIndex;
function isIndex(m) {
    return Array.isArray(m.manifests);
}


/***/ }),

/***/ 432:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseGoDuration = parseGoDuration;
exports.positiveDuration = positiveDuration;
exports.formatGoDuration = formatGoDuration;
exports.formatMillis = formatMillis;
const UNIT_NANOS = {
    ns: 1n,
    us: 1000n,
    'µs': 1000n, // U+00B5 micro sign
    'μs': 1000n, // U+03BC Greek mu
    ms: 1000000n,
    s: 1000000000n,
    m: 60000000000n,
    h: 3600000000000n,
};
const MAX_NANOS = (1n << 63n) - 1n;
/** Parses like Go's time.ParseDuration; returns undefined where Go returns an error. */
function parseGoDuration(text) {
    let s = text;
    let negative = false;
    if (s.startsWith('-') || s.startsWith('+')) {
        negative = s[0] === '-';
        s = s.slice(1);
    }
    if (s === '0')
        return 0n;
    if (s === '')
        return undefined;
    let total = 0n;
    while (s !== '') {
        const m = /^([0-9]*)(?:\.([0-9]*))?/.exec(s);
        const whole = m?.[1] ?? '';
        const frac = m?.[2] ?? '';
        if (whole === '' && frac === '')
            return undefined;
        s = s.slice(m[0].length);
        const unitMatch = /^[^0-9.]+/.exec(s);
        if (!unitMatch)
            return undefined; // missing unit
        const unit = UNIT_NANOS[unitMatch[0]];
        if (unit === undefined)
            return undefined;
        s = s.slice(unitMatch[0].length);
        let v = BigInt(whole === '' ? '0' : whole) * unit;
        if (frac !== '')
            v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
        total += v;
        if (total > MAX_NANOS)
            return undefined;
    }
    return negative ? -total : total;
}
/** A positive duration from the policy file, or undefined when the text is not one. */
function positiveDuration(text) {
    const ns = parseGoDuration(text);
    if (ns === undefined || ns <= 0n)
        return undefined;
    return { text, nanoseconds: ns, milliseconds: Number(ns / 1000000n) };
}
function trimFraction(digits) {
    const t = digits.replace(/0+$/, '');
    return t === '' ? '' : '.' + t;
}
/** Formats nanoseconds exactly as Go's Duration.String() does (`168h0m0s`, `1.5s`, `-2m3s`, `0s`). */
function formatGoDuration(nanoseconds) {
    if (nanoseconds === 0n)
        return '0s';
    const sign = nanoseconds < 0n ? '-' : '';
    const u = nanoseconds < 0n ? -nanoseconds : nanoseconds;
    if (u < 1000000000n) {
        if (u < 1000n)
            return `${sign}${u}ns`;
        const [scale, unit, width] = u < 1000000n ? [1000n, 'µs', 3] : [1000000n, 'ms', 6];
        return `${sign}${u / scale}${trimFraction((u % scale).toString().padStart(width, '0'))}${unit}`;
    }
    const seconds = u / 1000000000n;
    let out = `${seconds % 60n}${trimFraction((u % 1000000000n).toString().padStart(9, '0'))}s`;
    const minutes = seconds / 60n;
    if (minutes > 0n) {
        out = `${minutes % 60n}m${out}`;
        const hours = minutes / 60n;
        if (hours > 0n)
            out = `${hours}h${out}`;
    }
    return sign + out;
}
/** Milliseconds (a difference of two Dates) as a Go duration string. */
function formatMillis(ms) {
    return formatGoDuration(BigInt(Math.trunc(ms)) * 1000000n);
}


/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = require("node:child_process");

/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = require("node:crypto");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = require("node:fs");

/***/ }),

/***/ 67:
/***/ ((module) => {

module.exports = require("node:http");

/***/ }),

/***/ 708:
/***/ ((module) => {

module.exports = require("node:https");

/***/ }),

/***/ 161:
/***/ ((module) => {

module.exports = require("node:os");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = require("node:path");

/***/ }),

/***/ 75:
/***/ ((module) => {

module.exports = require("node:stream");

/***/ }),

/***/ 466:
/***/ ((module) => {

module.exports = require("node:stream/promises");

/***/ }),

/***/ 500:
/***/ ((module) => {

module.exports = require("node:timers/promises");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = require("node:tls");

/***/ }),

/***/ 975:
/***/ ((module) => {

module.exports = require("node:util");

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			// no module.id needed
/******/ 			// no module.loaded needed
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/compat */
/******/ 	
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/************************************************************************/
/******/ 	
/******/ 	// startup
/******/ 	// Load entry module and return exports
/******/ 	// This entry module is referenced by other modules so it can't be inlined
/******/ 	var __webpack_exports__ = __nccwpck_require__(934);
/******/ 	module.exports = __webpack_exports__;
/******/ 	
/******/ })()
;
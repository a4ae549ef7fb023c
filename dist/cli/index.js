#!/usr/bin/env node
/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 882:
/***/ (function(module, exports, __nccwpck_require__) {

/* module decorator */ module = __nccwpck_require__.nmd(module);

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
exports.codeCacheDir = codeCacheDir;
exports.loadWithCodeCache = loadWithCodeCache;
// A bundled command loaded with V8's code cache: the bytecode of every function its last run
// compiled, so a cold `verify` in a deploy pipeline does not parse and compile its bundle again.
// Node 20 has no module compile cache, and Node 22's keeps only what compiles before the module
// runs (the top level, not the functions a run calls); this one is written after the run.
//
// Bytecode from the cache runs as this process's code, so the cache lives only in a directory the
// user alone owns and can write, and each entry is named by the bundle's SHA-256, Node's version
// and the architecture: a cache never applies to other source. V8 refuses a cache made by another
// V8 or with other flags (then the entry is written afresh).
const node_crypto_1 = __nccwpck_require__(598);
const node_fs_1 = __nccwpck_require__(24);
const node_module_1 = __importStar(__nccwpck_require__(995));
const node_os_1 = __nccwpck_require__(161);
const path = __importStar(__nccwpck_require__(760));
const node_vm_1 = __nccwpck_require__(714);
/** Entries kept per command besides the current one (other node flags, or a bundle just replaced). */
const MAX_OTHER_ENTRIES = 2;
/** The cache directory: SHIP_IMAGE_CODE_CACHE (a directory, or `off`), else the user's cache dir. */
function codeCacheDir(env = process.env) {
    const given = env.SHIP_IMAGE_CODE_CACHE;
    if (given === 'off' || given === '0')
        return undefined;
    if (given)
        return path.resolve(given);
    const base = env.XDG_CACHE_HOME || path.join((0, node_os_1.homedir)(), '.cache');
    return path.join(base, 'ship-image', 'code-cache');
}
/** Only what this user owns and nobody else may write (no cache where the OS has no uids). */
function ownedPrivately(st) {
    return typeof process.getuid === 'function' && st.uid === process.getuid() && (st.mode & 0o022) === 0;
}
function privateDir(dir) {
    try {
        (0, node_fs_1.mkdirSync)(dir, { recursive: true, mode: 0o700 });
        const st = (0, node_fs_1.statSync)(dir);
        return st.isDirectory() && ownedPrivately(st);
    }
    catch {
        return false;
    }
}
function readEntry(file) {
    let fd;
    try {
        fd = (0, node_fs_1.openSync)(file, 'r');
        if (!ownedPrivately((0, node_fs_1.fstatSync)(fd)))
            return undefined;
        return (0, node_fs_1.readFileSync)(fd);
    }
    catch {
        return undefined;
    }
    finally {
        if (fd !== undefined)
            (0, node_fs_1.closeSync)(fd);
    }
}
/**
 * Loads the CommonJS file `file` as `require` would, compiled with the code cache in `cacheDir`
 * when that directory is private to this user (otherwise compiled as usual, nothing written).
 */
function loadWithCodeCache(file, cacheDir) {
    const source = (0, node_fs_1.readFileSync)(file, 'utf8');
    const dir = cacheDir && privateDir(cacheDir) ? cacheDir : undefined;
    // V8 flags (node's own options) are in the key too: V8 refuses a cache made under other flags,
    // and two ways of running one bundle would otherwise keep rewriting one entry.
    const flags = `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
    const key = (0, node_crypto_1.createHash)('sha256').update(source).update(`\0${process.version}\0${process.arch}\0${flags}`).digest('hex').slice(0, 40);
    const name = path.basename(path.dirname(file));
    const entry = dir ? path.join(dir, `${name}-${key}.v8`) : undefined;
    const cachedData = entry ? readEntry(entry) : undefined;
    const script = new node_vm_1.Script(node_module_1.default.wrap(source), { filename: file, cachedData });
    const mod = new node_module_1.default(file, module);
    mod.filename = file;
    const wrapper = script.runInThisContext();
    wrapper.call(mod.exports, mod.exports, (0, node_module_1.createRequire)(file), mod, file, path.dirname(file));
    mod.loaded = true;
    const stale = !cachedData || script.cachedDataRejected === true;
    return {
        exports: mod.exports,
        fromCache: !stale,
        save() {
            if (!entry || !stale)
                return;
            try {
                const tmp = `${entry}.${process.pid}.tmp`;
                (0, node_fs_1.writeFileSync)(tmp, script.createCachedData(), { mode: 0o600 });
                (0, node_fs_1.renameSync)(tmp, entry);
                // Entries of this command's earlier bundles (an upgrade) are never read again; a few are
                // kept for other node flags.
                const others = (0, node_fs_1.readdirSync)(dir)
                    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.v8') && f !== path.basename(entry))
                    .map((f) => ({ f, at: (0, node_fs_1.statSync)(path.join(dir, f)).mtimeMs }))
                    .sort((a, b) => b.at - a.at);
                for (const { f } of others.slice(MAX_OTHER_ENTRIES))
                    (0, node_fs_1.rmSync)(path.join(dir, f), { force: true });
            }
            catch {
                // A cache that cannot be written costs the next run its compile time, nothing else.
            }
        },
    };
}


/***/ }),

/***/ 313:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.loadModule = loadModule;
/**
 * `require` that the bundler leaves alone: inside an ncc bundle it loads the separately bundled
 * file at runtime; from sources (tests) it is the ordinary require.
 */
function loadModule(id) {
    const runtimeRequire = typeof require === 'function' ? eval("require") : require;
    return runtimeRequire(id);
}


/***/ }),

/***/ 957:
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
exports.main = main;
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const untrusted_text_1 = __nccwpck_require__(37);
const path = __importStar(__nccwpck_require__(760));
const node_fs_1 = __nccwpck_require__(24);
const code_cache_1 = __nccwpck_require__(882);
const load_module_1 = __nccwpck_require__(313);
/**
 * Each command is loaded only when it runs, and in dist/ each is its own bundle
 * (dist/cli/commands/<name>/index.js): a `verify` in a deploy pipeline does not parse the builders,
 * trivy adapters and signers of `ship`, which is most of a cold start.
 */
const SUMMARIES = {
    ship: 'build, SBOM, scan, sign and attest an image; push it with its referrers',
    discover: 'list signatures, attestations and SBOMs attached to an image',
    verify: 'check an image against a policy file (exit 0 allow, 1 deny, 2 error)',
    'verify-bundle': 'verify one Sigstore bundle for a file or digest (sigstore-conformance protocol)',
    policy: 'validate a policy file or render it for Kyverno / policy-controller / Gatekeeper / a webhook',
    'fixture-db': 'write the offline fixture trivy DB into DIR/db',
    summarize: 'summarize a scan for a pull request: counts, new/fixed against a base, gate (fail-on-new), policy verdict',
    drift: 'compare what runs (an SBOM, a directory, a process) with the attested SBOM (exit 0 none, 1 drift, 2 error)',
    'workflow-ref': "print the running workflow's own repository and commit from the job's OIDC token, or check a checkout against them",
    monitor: 'sweep what runs: verify, re-scan when the DB moves, stale images; findings open once and resolve (exit 1 at --fail-on)',
    serve: 'serve the policy over HTTPS: Gatekeeper external data provider and validating admission webhook',
    demo: 'ship the fixture image end to end into an OCI layout (key signing, fixture DB, no network)',
};
/** The gates a pipeline runs once per image, where compiling the bundle is a large part of the run. */
const CODE_CACHED = new Set(['verify', 'verify-bundle', 'summarize', 'discover', 'policy']);
/**
 * Every commands/<name>.ts exports `command`. In dist/ (commands/<name>/index.js) a gate's bundle
 * is loaded with V8's code cache, written after its first run.
 */
function loadCommand(name) {
    const bundled = path.join(__dirname, 'commands', name, 'index.js');
    if (CODE_CACHED.has(name) && (0, node_fs_1.existsSync)(bundled)) {
        const loaded = (0, code_cache_1.loadWithCodeCache)(bundled, (0, code_cache_1.codeCacheDir)());
        return { command: loaded.exports.command, save: () => loaded.save() };
    }
    return { command: (0, load_module_1.loadModule)(path.join(__dirname, 'commands', name)).command, save: () => undefined };
}
const USAGE = `usage: ship-image <command> [options]

commands:
${Object.entries(SUMMARIES)
    .map(([name, summary]) => `  ${name.padEnd(14)} ${summary}`)
    .join('\n')}

Run 'ship-image <command> --help' for a command's options.`;
/** Runs one CLI command and returns its exit code: 0 ok, 1 denied/failed gate, 2 bad input, 1 other failure. */
async function main(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h') {
        process.stdout.write(USAGE + '\n');
        return name ? 0 : 2;
    }
    if (!Object.hasOwn(SUMMARIES, name)) {
        process.stderr.write(`ship-image: unknown command '${(0, untrusted_text_1.inertText)(name, { max: 100 })}': run 'ship-image --help' for the list\n`);
        return 2;
    }
    let loaded;
    try {
        loaded = loadCommand(name);
        return await loaded.command.run(rest);
    }
    catch (err) {
        const code = typeof err.exitCode === 'number' ? err.exitCode : 1;
        // The last line is often a registry's or a file's words: untrusted text.
        process.stderr.write(`ship-image ${name}: ${(0, untrusted_text_1.inertText)((0, errors_1.oneLine)(err), { max: 4000 })}\n`);
        if (process.env.SHIP_IMAGE_DEBUG && !(err instanceof errors_1.UserError) && err instanceof Error && err.stack) {
            process.stderr.write((0, log_1.redact)(err.stack) + '\n');
        }
        return code;
    }
    finally {
        // After the run, so the cache holds the functions it compiled, not only the top level.
        loaded?.save();
    }
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

/***/ 598:
/***/ ((module) => {

module.exports = require("node:crypto");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = require("node:fs");

/***/ }),

/***/ 995:
/***/ ((module) => {

module.exports = require("node:module");

/***/ }),

/***/ 161:
/***/ ((module) => {

module.exports = require("node:os");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = require("node:path");

/***/ }),

/***/ 714:
/***/ ((module) => {

module.exports = require("node:vm");

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
/******/ 			id: moduleId,
/******/ 			loaded: false,
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
/******/ 		// Flag the module as loaded
/******/ 		module.loaded = true;
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/node module decorator */
/******/ 	(() => {
/******/ 		__nccwpck_require__.nmd = (module) => {
/******/ 			module.paths = [];
/******/ 			if (!module.children) module.children = [];
/******/ 			return module;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/compat */
/******/ 	
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/************************************************************************/
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it uses a non-standard name for the exports (exports).
(() => {
var exports = __webpack_exports__;

Object.defineProperty(exports, "__esModule", ({ value: true }));
const main_1 = __nccwpck_require__(957);
(0, main_1.main)(process.argv.slice(2)).then((code) => process.exit(code), 
// main() never rejects; this is a last guard so no stack trace ever reaches a user.
() => process.exit(1));

})();

module.exports = __webpack_exports__;
/******/ })()
;
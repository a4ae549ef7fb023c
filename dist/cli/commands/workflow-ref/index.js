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

/***/ 122:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.spawnRunner = exports.CommandError = void 0;
exports.toolSpec = toolSpec;
exports.maskSecrets = maskSecrets;
exports.formatCommandLine = formatCommandLine;
exports.checkResult = checkResult;
exports.runChecked = runChecked;
exports.probeOutput = probeOutput;
const node_child_process_1 = __nccwpck_require__(421);
const log_1 = __nccwpck_require__(325);
/** A spec for `command args` under `ctx` (its env unless `env` is given). */
function toolSpec(command, args, ctx, env = ctx.env) {
    return { command, args, env, timeoutMs: ctx.timeoutMs, onLine: ctx.onLine };
}
const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const KILL_GRACE_MS = 5_000;
const ERROR_OUTPUT_CHARS = 2_000;
/** The command failed: exit code, or the program could not be started, or it timed out. */
class CommandError extends Error {
    exitCode;
    stdout;
    stderr;
    code;
    constructor(message, exitCode, stdout, stderr, 
    /** The errno code when the program could not be started (`ENOENT`: not found). */
    code) {
        super(message);
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
        this.code = code;
        this.name = 'CommandError';
    }
}
exports.CommandError = CommandError;
/** Mask registered secrets and the given extras in `text`. */
function maskSecrets(text, extras = []) {
    let out = (0, log_1.redact)(text);
    for (const s of extras)
        if (s.length > 0)
            out = out.split(s).join('***');
    return out;
}
/** `docker build --file F .` as a readable one-liner for logs (quoted where needed, secrets masked). */
function formatCommandLine(command, args, secrets = []) {
    const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
    return maskSecrets([command, ...args].map(quote).join(' '), secrets);
}
/** Process groups of the children still running, so an interrupt of this process reaches them. */
const runningGroups = new Set();
let forwardingSignals = false;
/**
 * A child in its own process group no longer gets the terminal's Ctrl-C, nor the SIGINT/SIGTERM a
 * cancelled job sends us: pass those on to every running group, then let the signal act on this
 * process as it would have (end it, unless someone else listens for it).
 */
function forwardSignalsToChildren() {
    if (forwardingSignals)
        return;
    forwardingSignals = true;
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.once(signal, () => {
            for (const group of runningGroups)
                signalGroup(group, signal);
            if (process.listenerCount(signal) === 0)
                process.kill(process.pid, signal);
        });
    }
}
function signalGroup(group, signal) {
    try {
        process.kill(-group, signal);
    }
    catch {
        // already gone
    }
}
/** The real runner: spawn without a shell, capture output, enforce the timeout. */
const spawnRunner = (spec) => new Promise((resolve, reject) => {
    forwardSignalsToChildren();
    const child = (0, node_child_process_1.spawn)(spec.command, [...spec.args], {
        env: spec.env ?? process.env,
        cwd: spec.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Own process group, so a timeout can stop the child's children (builders fork helpers).
        detached: true,
    });
    const group = child.pid;
    if (group !== undefined)
        runningGroups.add(group);
    const stdout = [];
    const stderr = [];
    const pending = { stdout: '', stderr: '' };
    const feed = (stream, chunk) => {
        (stream === 'stdout' ? stdout : stderr).push(chunk);
        if (!spec.onLine)
            return;
        const lines = (pending[stream] + chunk.toString('utf8')).split(/\r?\n/);
        pending[stream] = lines.pop() ?? '';
        for (const line of lines)
            spec.onLine(line, stream);
    };
    child.stdout.on('data', (c) => feed('stdout', c));
    child.stderr.on('data', (c) => feed('stderr', c));
    let timedOut = false;
    let killTimer;
    const stopGroup = (signal) => {
        if (group !== undefined)
            signalGroup(group, signal);
    };
    const timer = setTimeout(() => {
        timedOut = true;
        stopGroup('SIGTERM');
        killTimer = setTimeout(() => stopGroup('SIGKILL'), KILL_GRACE_MS);
    }, spec.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const finished = () => {
        clearTimeout(timer);
        if (killTimer)
            clearTimeout(killTimer);
        if (group !== undefined)
            runningGroups.delete(group);
    };
    child.on('error', (err) => {
        finished();
        const why = err.code === 'ENOENT' ? `'${spec.command}' was not found on PATH` : err.message;
        reject(new CommandError(maskSecrets(`cannot run ${spec.command}: ${why}`, spec.secrets), undefined, '', '', err.code));
    });
    child.on('close', (code, signal) => {
        finished();
        if (spec.onLine) {
            for (const stream of ['stdout', 'stderr'])
                if (pending[stream])
                    spec.onLine(pending[stream], stream);
        }
        const out = Buffer.concat(stdout).toString('utf8');
        const err = Buffer.concat(stderr).toString('utf8');
        if (timedOut) {
            const line = formatCommandLine(spec.command, spec.args, spec.secrets);
            reject(new CommandError(`${line} timed out after ${spec.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`, undefined, out, err));
            return;
        }
        resolve({ exitCode: code ?? (signal ? 128 : 1), stdout: out, stderr: err });
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading stdin
    child.stdin.end(spec.input ?? '');
});
exports.spawnRunner = spawnRunner;
/** Throws a CommandError naming the command line and the tail of its output unless it exited 0. */
function checkResult(spec, result) {
    if (result.exitCode !== 0) {
        const line = formatCommandLine(spec.command, spec.args, spec.secrets);
        const output = (result.stderr.trim() || result.stdout.trim()).slice(-ERROR_OUTPUT_CHARS);
        throw new CommandError(maskSecrets(`${line} failed with exit code ${result.exitCode}${output ? `: ${output}` : ''}`, spec.secrets), result.exitCode, result.stdout, result.stderr);
    }
    return result;
}
/** Run and insist on exit code 0 (see checkResult). */
async function runChecked(spec, runner = exports.spawnRunner) {
    return checkResult(spec, await runner(spec));
}
/** stdout of a short probe (`docker buildx version`, ...) that exited 0; undefined when it failed or could not run. */
async function probeOutput(spec, runner = exports.spawnRunner) {
    try {
        const r = await runner({ timeoutMs: 30_000, ...spec });
        return r.exitCode === 0 ? r.stdout : undefined;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 534:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.fetchActionsIdToken = fetchActionsIdToken;
// The GitHub Actions OIDC token, fetched the way @actions/core's getIDToken does (GET the request
// URL with `audience`, bearer request token, `{"value": JWT}` back) without pulling @actions/core's
// HTTP stack into every bundle that needs one token.
const errors_1 = __nccwpck_require__(296);
const ATTEMPTS = 3;
const TIMEOUT_MS = 30_000;
const MAX_BODY = 64 * 1024;
async function fetchActionsIdToken(req) {
    const url = new URL(req.url);
    url.searchParams.set('audience', req.audience);
    const doFetch = req.fetch ?? fetch;
    let last = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
            const res = await doFetch(url, { headers: { Authorization: `Bearer ${req.requestToken}`, Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
            const text = (await res.text()).slice(0, MAX_BODY);
            if (res.ok) {
                const value = JSON.parse(text).value;
                if (typeof value !== 'string' || value === '')
                    throw new errors_1.UserError('the Actions OIDC token endpoint answered without a token');
                return value;
            }
            last = `HTTP ${res.status}`;
            if (res.status < 500 && res.status !== 429)
                break;
        }
        catch (err) {
            if (err instanceof errors_1.UserError)
                throw err;
            last = (0, errors_1.oneLine)(err);
        }
        if (attempt < ATTEMPTS)
            await new Promise((r) => setTimeout(r, 500 * attempt));
    }
    throw new errors_1.UserError(`could not get the GitHub Actions OIDC token (${last}); give the job 'permissions: id-token: write'`);
}


/***/ }),

/***/ 832:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GITHUB_ACTIONS_ISSUER = void 0;
exports.decodeTokenClaims = decodeTokenClaims;
exports.githubClaims = githubClaims;
exports.refKind = refKind;
exports.parseWorkflowRef = parseWorkflowRef;
exports.jobWorkflow = jobWorkflow;
// What a GitHub Actions OIDC token says about the job: the facts the reusable workflow and the signer
// trust because GitHub sets them, never the caller (docs: "Understanding the OIDC token").
const errors_1 = __nccwpck_require__(296);
exports.GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
const CLAIM_NAMES = [
    'sub',
    'repository',
    'repository_owner',
    'repository_visibility',
    'ref',
    'sha',
    'workflow_ref',
    'workflow_sha',
    'job_workflow_ref',
    'job_workflow_sha',
    'event_name',
    'runner_environment',
];
/**
 * The payload of a JWT, unverified: the token was just handed to this job by its own issuer, and
 * Fulcio verifies it again before any certificate names what it says.
 */
function decodeTokenClaims(token) {
    const parts = token.split('.');
    if (parts.length !== 3 || !parts[1])
        throw new errors_1.UserError('the OIDC token is not a JWT (three dot-separated parts); pass the token the issuer handed out');
    let payload;
    try {
        payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    }
    catch {
        throw new errors_1.UserError('the OIDC token payload is not JSON; pass the token the issuer handed out');
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload))
        throw new errors_1.UserError('the OIDC token payload is not a JSON object; pass the token the issuer handed out');
    return payload;
}
/** GitHub's job claims, or undefined when the token comes from another issuer (then none of them hold). */
function githubClaims(payload, issuer = exports.GITHUB_ACTIONS_ISSUER) {
    if (payload.iss !== issuer)
        return undefined;
    const claims = { iss: issuer };
    for (const name of CLAIM_NAMES) {
        const value = payload[name];
        if (typeof value === 'string' && value !== '')
            claims[name] = value;
    }
    return claims;
}
const SHA = /^[0-9a-f]{40}$/;
// GitHub owner and repository names: letters, digits, `-`, `_`, `.` (never the path separator).
const WORKFLOW_REF = /^([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)\/(\.github\/workflows\/[^@]+\.ya?ml)@(.+)$/;
function refKind(ref) {
    if (SHA.test(ref))
        return 'commit';
    if (/^refs\/tags\/./.test(ref))
        return 'tag';
    if (/^refs\/heads\/./.test(ref))
        return 'branch';
    if (/^refs\/pull\/\d+\/(merge|head)$/.test(ref))
        return 'pull';
    return 'other';
}
/** `owner/name/.github/workflows/x.yml@<ref>` → its parts; undefined when it has another shape. */
function parseWorkflowRef(text) {
    const match = WORKFLOW_REF.exec(text);
    if (!match)
        return undefined;
    const [, owner, name, path, ref] = match;
    if (name === '.' || name === '..')
        return undefined;
    return { repository: `${owner}/${name}`, owner, path, ref, refKind: refKind(ref) };
}
/**
 * The running job's own workflow from `job_workflow_ref` / `job_workflow_sha`: what the reusable
 * workflow checks out to run its own action code, and what the signing certificate's SAN names.
 */
function jobWorkflow(claims) {
    const text = claims.job_workflow_ref;
    if (!text)
        throw new errors_1.UserError('the OIDC token carries no job_workflow_ref claim; run inside a GitHub Actions job with `permissions: id-token: write`');
    const parsed = parseWorkflowRef(text);
    if (!parsed)
        throw new errors_1.UserError(`job_workflow_ref '${text}' is not owner/name/.github/workflows/FILE@REF; run inside a GitHub Actions job`);
    const sha = claims.job_workflow_sha;
    if (!sha || !SHA.test(sha))
        throw new errors_1.UserError(`the OIDC token's job_workflow_sha '${sha ?? ''}' is not a 40-hex commit SHA; run inside a GitHub Actions job`);
    if (parsed.refKind === 'commit' && parsed.ref !== sha) {
        throw new errors_1.UserError(`job_workflow_ref pins commit ${parsed.ref} but job_workflow_sha is ${sha}; the token is inconsistent, do not sign with it`);
    }
    return { ...parsed, sha, reusable: claims.workflow_ref !== undefined && claims.workflow_ref !== text };
}


/***/ }),

/***/ 844:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.confirmSelfCheckout = confirmSelfCheckout;
exports.signerIdentity = signerIdentity;
const errors_1 = __nccwpck_require__(296);
/**
 * The action code about to run must be the job workflow's own repository at its own commit, as the
 * OIDC token names them; anything else (a moving tag, the caller's tree) is refused.
 */
function confirmSelfCheckout(job, checkout) {
    if (checkout.repository.toLowerCase() !== job.repository.toLowerCase()) {
        throw new errors_1.UserError(`the action code was checked out from ${checkout.repository} but this job's workflow is ${job.repository} (job_workflow_ref); check out ${job.repository}`);
    }
    if (checkout.sha.toLowerCase() !== job.sha) {
        throw new errors_1.UserError(`the action code was checked out at ${checkout.sha} but this job's workflow runs at ${job.sha} (job_workflow_sha); check out that commit`);
    }
    if (checkout.head !== undefined && checkout.head.trim().toLowerCase() !== job.sha) {
        throw new errors_1.UserError(`the checked-out action directory is at ${checkout.head.trim() || 'no commit'}, not ${job.sha}; check out ${job.repository}@${job.sha} into it`);
    }
}
/** The certificate SAN a signature made in this job carries: `<server>/<job_workflow_ref>`. */
function signerIdentity(job, serverUrl = 'https://github.com') {
    return `${serverUrl.replace(/\/+$/, '')}/${job.repository}/${job.path}@${job.ref}`;
}


/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = require("node:child_process");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = require("node:fs");

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
/******/ 			__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
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
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it uses a non-standard name for the exports (exports).
(() => {
var exports = __webpack_exports__;

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.command = void 0;
exports.makeWorkflowRefCommand = makeWorkflowRefCommand;
const node_fs_1 = __nccwpck_require__(24);
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const exec_1 = __nccwpck_require__(122);
const claims_1 = __nccwpck_require__(832);
const actions_id_token_1 = __nccwpck_require__(534);
const self_checkout_1 = __nccwpck_require__(844);
const command_1 = __nccwpck_require__(567);
const USAGE = 'ship-image workflow-ref [--repository OWNER/NAME --sha SHA [--dir DIR]]';
const HELP = `usage: ${USAGE}

Inside a GitHub Actions job (permissions: id-token: write): reads the job's OIDC token and prints the
running workflow's own repository, path, ref and commit (job_workflow_ref / job_workflow_sha), and the
certificate identity a signature made in this job carries. Also written to GITHUB_OUTPUT when set.

With --repository and --sha (and --dir, the checked-out directory), fails unless they are that
workflow's own repository and commit: the reusable workflow's check that it runs its own action code.

options:
  --repository OWNER/NAME   the repository the action code was checked out from
  --sha SHA                 the commit it was checked out at
  --dir DIR                 the checked-out directory (its HEAD must be that commit)
`;
const FLAGS = {
    repository: { type: 'string' },
    sha: { type: 'string' },
    dir: { type: 'string' },
};
function makeWorkflowRefCommand(deps) {
    return (0, command_1.flagCommand)({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
        if (positionals.length > 0)
            throw new errors_1.UserError(`workflow-ref takes no arguments, got '${positionals[0]}'; usage: ${USAGE}`);
        if ((values.repository === undefined) !== (values.sha === undefined))
            throw new errors_1.UserError(`give --repository and --sha together; usage: ${USAGE}`);
        if (values.dir !== undefined && values.sha === undefined)
            throw new errors_1.UserError(`--dir needs --repository and --sha; usage: ${USAGE}`);
        if (!deps.env.ACTIONS_ID_TOKEN_REQUEST_URL || !deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
            throw new errors_1.UserError('no GitHub Actions OIDC token endpoint; run inside a job with `permissions: id-token: write`');
        }
        const token = await deps.idToken();
        (0, log_1.addSecret)(token);
        const claims = (0, claims_1.githubClaims)((0, claims_1.decodeTokenClaims)(token));
        if (!claims)
            throw new errors_1.UserError('the OIDC token is not from GitHub Actions (iss); run inside a GitHub Actions job');
        const job = (0, claims_1.jobWorkflow)(claims);
        if (values.repository !== undefined && values.sha !== undefined) {
            (0, self_checkout_1.confirmSelfCheckout)(job, {
                repository: values.repository,
                sha: values.sha,
                head: values.dir === undefined ? undefined : ((await deps.gitHead(values.dir)) ?? ''),
            });
        }
        const facts = describe(job, deps.env.GITHUB_SERVER_URL);
        if (deps.env.GITHUB_OUTPUT)
            (0, node_fs_1.appendFileSync)(deps.env.GITHUB_OUTPUT, Object.entries(facts).map(([k, v]) => `${k}=${v}\n`).join(''));
        deps.writeStdout(JSON.stringify(facts, null, 2) + '\n');
        return 0;
    });
}
function describe(job, serverUrl) {
    return {
        repository: job.repository,
        path: job.path,
        ref: job.ref,
        'ref-kind': job.refKind,
        sha: job.sha,
        reusable: String(job.reusable),
        identity: (0, self_checkout_1.signerIdentity)(job, serverUrl),
    };
}
exports.command = makeWorkflowRefCommand({
    env: process.env,
    idToken: async () => {
        const token = await (0, actions_id_token_1.fetchActionsIdToken)({ url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '', requestToken: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '', audience: 'ship-image' });
        process.stdout.write(`::add-mask::${token}\n`); // as @actions/core's getIDToken: the runner masks it in the log
        return token;
    },
    gitHead: (dir) => (0, exec_1.probeOutput)({ command: 'git', args: ['-C', dir, 'rev-parse', '--verify', 'HEAD^{commit}'], env: process.env }),
    writeStdout: (text) => process.stdout.write(text),
});

})();

module.exports = __webpack_exports__;
/******/ })()
;
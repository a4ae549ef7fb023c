#!/usr/bin/env node
/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

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
const path = __importStar(__nccwpck_require__(760));
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
    policy: 'validate a policy file or render it for Kyverno / policy-controller',
    'fixture-db': 'write the offline fixture trivy DB into DIR/db',
    demo: 'ship the fixture image end to end into an OCI layout (key signing, fixture DB, no network)',
};
/** Every commands/<name>.ts exports `command`. */
function loadCommand(name) {
    return (0, load_module_1.loadModule)(path.join(__dirname, 'commands', name)).command;
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
        process.stderr.write(`ship-image: unknown command '${name}': run 'ship-image --help' for the list\n`);
        return 2;
    }
    try {
        return await loadCommand(name).run(rest);
    }
    catch (err) {
        const code = typeof err.exitCode === 'number' ? err.exitCode : 1;
        process.stderr.write(`ship-image ${name}: ${(0, log_1.redact)((0, errors_1.oneLine)(err))}\n`);
        if (process.env.SHIP_IMAGE_DEBUG && !(err instanceof errors_1.UserError) && err instanceof Error && err.stack) {
            process.stderr.write((0, log_1.redact)(err.stack) + '\n');
        }
        return code;
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
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.silentLogger = void 0;
exports.addSecret = addSecret;
exports.redact = redact;
exports.stderrLogger = stderrLogger;
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
    const write = (prefix, m) => process.stderr.write(`${prefix}${redact(m)}\n`);
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

/***/ 760:
/***/ ((module) => {

module.exports = require("node:path");

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
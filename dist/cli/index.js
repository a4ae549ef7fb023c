#!/usr/bin/env node
/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 934:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.discoverCommand = void 0;
const errors_1 = __nccwpck_require__(296);
// Placeholder; implemented in the discover module (issue 2).
exports.discoverCommand = {
    summary: 'list signatures, attestations and SBOMs attached to an image',
    async run() {
        throw new errors_1.UserError('discover is not implemented yet');
    },
};


/***/ }),

/***/ 957:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.main = main;
const errors_1 = __nccwpck_require__(296);
const log_1 = __nccwpck_require__(325);
const discover_1 = __nccwpck_require__(934);
const commands = {
    discover: discover_1.discoverCommand,
};
const USAGE = `usage: ship-image <command> [options]

commands:
${Object.entries({ ...commands })
    .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
    .join('\n')}

Run 'ship-image <command> --help' for a command's options.`;
/** Runs one CLI command and returns its exit code: 0 ok, 1 denied/failed gate, 2 bad input, 1 other failure. */
async function main(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h') {
        process.stdout.write(USAGE + '\n');
        return name ? 0 : 2;
    }
    const command = commands[name];
    if (!command) {
        process.stderr.write(`ship-image: unknown command '${name}': run 'ship-image --help' for the list\n`);
        return 2;
    }
    try {
        return await command.run(rest);
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
exports.isUserError = isUserError;
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
function isUserError(err) {
    return err instanceof UserError;
}
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
const secrets = new Set();
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
const main_1 = __nccwpck_require__(957);
(0, main_1.main)(process.argv.slice(2)).then((code) => process.exit(code), 
// main() never rejects; this is a last guard so no stack trace ever reaches a user.
() => process.exit(1));

})();

module.exports = __webpack_exports__;
/******/ })()
;
// Prints the one-line verdict of a jest run: "N passed, N failed[, N skipped]".
// Usage: node scripts/jest-summary.mjs test-results.json [--extra-failures N]
// Failed counts failed tests, suites that failed without running a test (compile errors, crashed
// setup), and the extra failures the caller checked itself (e.g. a stale dist/). Before the verdict
// it lists what failed. Exits 1 if anything failed or no test ran, 0 otherwise.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

function parseArgs(argv) {
  const args = { file: 'test-results.json', extraFailures: 0 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--extra-failures') args.extraFailures = Number(argv[++i]) || 0;
    else args.file = argv[i];
  }
  return args;
}

function readResults(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(`jest results unreadable (${file}): ${err.message}`);
    return undefined;
  }
}

const ESC = String.fromCharCode(27);
function stripColours(text) {
  return text.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, ''))).join('');
}

const { file, extraFailures } = parseArgs(process.argv.slice(2));
const results = readResults(file);

let passed = 0;
let failed = extraFailures;
let skipped = 0;
let ranNothing = true;

if (results) {
  passed = results.numPassedTests ?? 0;
  skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  failed += results.numFailedTests ?? 0;
  ranNothing = (results.numTotalTests ?? 0) === 0;
  for (const suite of results.testResults ?? []) {
    const where = relative(process.cwd(), suite.name ?? '');
    const assertions = suite.assertionResults ?? [];
    if (suite.status === 'failed' && !assertions.some((a) => a.status === 'failed')) {
      failed++;
      const reason = stripColours(suite.message ?? '').split('\n').find((line) => line.trim()) ?? 'suite failed';
      console.log(`FAILED SUITE ${where}: ${reason.trim()}`);
    }
    for (const a of assertions) {
      if (a.status === 'failed') console.log(`FAILED ${where} > ${a.fullName ?? a.title}`);
    }
  }
  if (ranNothing) console.log('jest ran no tests');
} else {
  failed++;
}

console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 || ranNothing ? 1 : 0;

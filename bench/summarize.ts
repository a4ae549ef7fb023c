/**
 * `ship-image summarize` on a large report: a synthesized trivy JSON report with 5,000 findings
 * (head) against a base scan sharing 4,500 of them, through the bundled CLI (dist/cli) as a cold
 * process, beside `node -e 0`. Medians over BENCH_RUNS (default 3).
 *
 *   node --require ./bench/register.js bench/summarize.ts      (BENCH_FINDINGS=5000)
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BENCH_RUNS, median, timeProcess } from './support/measure';
import { printRow } from './support/rows';

const FINDINGS = Math.max(10, Number(process.env.BENCH_FINDINGS ?? 5000));
const CLI = path.join(__dirname, '..', 'dist', 'cli', 'index.js');
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** A trivy report of findings `from`..`to` (exclusive) over 500 Debian and npm packages. */
function trivyReport(from: number, to: number): object {
  const os: object[] = [];
  const npm: object[] = [];
  for (let i = from; i < to; i++) {
    const pkg = i % 500;
    const finding = {
      VulnerabilityID: `CVE-2024-${String(10000 + i)}`,
      PkgName: pkg % 2 ? `lib-pkg-${pkg}` : `node-pkg-${pkg}`,
      InstalledVersion: `1.${pkg}.0`,
      FixedVersion: i % 3 ? `1.${pkg}.1` : '',
      Status: i % 3 ? 'fixed' : 'affected',
      Severity: SEVERITIES[i % SEVERITIES.length],
      Title: `synthetic finding ${i} in package ${pkg}`,
      PrimaryURL: `https://avd.aquasec.com/nvd/cve-2024-${10000 + i}`,
    };
    (pkg % 2 ? os : npm).push(finding);
  }
  return {
    SchemaVersion: 2,
    ArtifactName: 'registry.example/bench/app:pr',
    ArtifactType: 'container_image',
    Metadata: { OS: { Family: 'debian', Name: '12.5' } },
    Results: [
      { Target: 'registry.example/bench/app:pr (debian 12.5)', Class: 'os-pkgs', Type: 'debian', Vulnerabilities: os },
      { Target: 'Node.js', Class: 'lang-pkgs', Type: 'node-pkg', Vulnerabilities: npm },
    ],
  };
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('dist/ is missing: run npm run build first');
  const dir = mkdtempSync(path.join(tmpdir(), 'ship-image-bench-summarize-'));
  try {
    const head = path.join(dir, 'head.json');
    const base = path.join(dir, 'base.json');
    writeFileSync(head, JSON.stringify(trivyReport(0, FINDINGS)));
    writeFileSync(base, JSON.stringify(trivyReport(FINDINGS / 10, FINDINGS + FINDINGS / 10)));
    const headOnly: number[] = [];
    const withBase: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < BENCH_RUNS; i++) {
      bare.push((await timeProcess(process.execPath, ['-e', '0'])).ms);
      for (const [into, args] of [
        [headOnly, ['--scan', head]],
        [withBase, ['--scan', head, '--base', base]],
      ] as const) {
        const run = await timeProcess(process.execPath, [CLI, 'summarize', ...args, '--format', 'markdown']);
        if (run.code !== 0) throw new Error(`summarize exited ${run.code}: ${run.stderr.trim()}`);
        if (run.stdout.length < 100) throw new Error(`summarize printed almost nothing: ${run.stdout}`);
        into.push(run.ms);
      }
    }
    const n = FINDINGS.toLocaleString('en-US');
    process.stdout.write(`summarize, ${n}-finding trivy report, cold CLI, median of ${BENCH_RUNS}: head only ${median(headOnly).toFixed(0)} ms, with a base ${median(withBase).toFixed(0)} ms; node -e 0 ${median(bare).toFixed(0)} ms\n`);
    printRow({ name: `summarize --scan, ${n}-finding report (cold CLI)`, value: median(headOnly), unit: 'ms' });
    printRow({ name: `summarize --scan --base, ${n} findings each, 90% shared (cold CLI)`, value: median(withBase), unit: 'ms' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

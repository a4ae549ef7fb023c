// The action entry point as GitHub runs it: a separate node process, inputs in INPUT_* variables,
// outputs and the job summary written to the files GitHub names.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ship } from '../src/ship/run';
import { DOUBLE_PIN_ENV, seedPinnedTrivy, type PinDouble } from './support/pinned-trivy';
import { fixtureInputs, GITHUB_ENV, makeShipFixture, world, type ShipFixture } from './support/ship-env';

const ROOT = path.join(__dirname, '..');
const PIN_DOUBLE = path.join(__dirname, 'support', 'pinned-trivy-double.ts');

/** `name<<DELIM\nvalue\nDELIM` blocks of a GITHUB_OUTPUT file. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1] as string] = m[3] as string;
  return out;
}

/** `preload`: extra modules for the action's process (the pinned-trivy double). */
function runAction(entry: string, env: NodeJS.ProcessEnv, preload: string[] = []) {
  const requires = [path.join(ROOT, 'bench/register.js'), ...preload].flatMap((m) => ['--require', m]);
  return spawnSync(process.execPath, [...requires, path.join(ROOT, entry)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    cwd: ROOT,
    timeout: 180_000,
  });
}

describe('action: ship', () => {
  let fx: ShipFixture;
  let toolCache: string;
  let pin: PinDouble;
  beforeAll(async () => {
    fx = await makeShipFixture();
    toolCache = path.join(fx.dir, 'tool-cache');
    pin = await seedPinnedTrivy(toolCache);
  });
  afterAll(() => fx?.cleanup());

  /** The action's process: only the pinned trivy (here the seeded double) may run. */
  const pinnedTrivy = () => ({ env: { RUNNER_TOOL_CACHE: toolCache, [DOUBLE_PIN_ENV]: JSON.stringify(pin) }, preload: [PIN_DOUBLE] });

  test('inputs → outputs and job summary; the key password never reaches the log', () => {
    const keyFile = path.join(fx.dir, 'action.key');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const outputFile = path.join(fx.dir, 'github-output');
    const summaryFile = path.join(fx.dir, 'step-summary');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const ignoreFile = path.join(fx.dir, 'accepted-risks.trivyignore');
    writeFileSync(ignoreFile, '# accepted until the lodash upgrade\nCVE-2019-10744 exp:2999-12-31\n');
    const result = runAction('src/action/ship.ts', {
      ...GITHUB_ENV,
      'INPUT_IGNORE-FILE': ignoreFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: fx.dir,
      COSIGN_PASSWORD: 'not-needed-but-secret-4711',
      INPUT_IMAGE: `oci-layout:${path.join(fx.dir, 'action-target')}`,
      INPUT_FROM: `oci-layout:${fx.sourceLayout}:latest`,
      INPUT_SIGN: 'key',
      INPUT_KEY: keyFile,
      'INPUT_TRIVY-CACHE': fx.trivyCache,
      INPUT_OFFLINE: 'true',
      'INPUT_FAIL-ON': 'none',
      'INPUT_SIGNATURE-FORMAT': 'bundle',
      'INPUT_IGNORE-UNFIXED': 'false',
      'INPUT_SBOM-FORMAT': 'spdx',
      INPUT_SCANNER: 'trivy',
      INPUT_BUILDER: 'auto',
      INPUT_SIGSTORE: 'auto',
      ...pinnedTrivy().env,
    }, pinnedTrivy().preload);
    expect(result.status).toBe(0);
    // `::add-mask::` is the command that tells the runner to mask the value; the runner never shows it.
    const log = (result.stdout + result.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(log.join('\n')).not.toContain('not-needed-but-secret-4711');
    expect(result.stdout).toContain('::add-mask::not-needed-but-secret-4711');
    const outputs = parseOutputs(readFileSync(outputFile, 'utf8'));
    expect(outputs.tag).toBe(GITHUB_ENV.GITHUB_SHA);
    expect(outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(Object.keys(JSON.parse(outputs.referrers as string)).sort()).toEqual(['provenance', 'sbom', 'signature', 'vulnerabilities']);
    expect(JSON.parse(outputs.vulnerabilities as string).critical).toBeGreaterThan(0);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toContain(outputs.digest);
    // An OCI layout target: neither cosign nor gh reads it, so no command is printed that would fail.
    expect(JSON.parse(outputs.verify as string)).toEqual({});
    expect(summary).not.toContain('cosign verify');
    // The explicit ignore file suppressed one of the three CRITICALs, and the summary says so.
    expect(JSON.parse(outputs.vulnerabilities as string).critical).toBe(2);
    expect(summary).toContain('| CVE-2019-10744 | 2999-12-31 | yes |');
  });

  test('inside the action only the pinned trivy runs: not the one in the workspace node_modules', () => {
    // cwd is this repository, whose node_modules holds a runnable trivy; the tool cache is empty.
    const result = runAction('src/action/ship.ts', {
      ...GITHUB_ENV,
      RUNNER_TEMP: fx.dir,
      RUNNER_TOOL_CACHE: path.join(fx.dir, 'empty-tool-cache'),
      INPUT_IMAGE: `oci-layout:${path.join(fx.dir, 'action-target-unpinned')}`,
      INPUT_FROM: `oci-layout:${fx.sourceLayout}:latest`,
      INPUT_SIGN: 'none',
      'INPUT_TRIVY-CACHE': fx.trivyCache,
      INPUT_OFFLINE: 'true',
      'INPUT_FAIL-ON': 'none',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/::error::the pinned trivy [\d.]+ .* is not in the tool cache and this run is offline/);
  });

  test('bad input fails the step with one line and exit code 2', () => {
    const result = runAction('src/action/ship.ts', { ...GITHUB_ENV, INPUT_IMAGE: 'ghcr.io/acme/api:latest', 'INPUT_FAIL-ON': 'severe' });
    expect(result.status).toBe(2);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('action: verify', () => {
  let fx: ShipFixture;
  let image: string;
  let publicKey: string;
  beforeAll(async () => {
    fx = await makeShipFixture();
    const keyFile = path.join(fx.dir, 'verify.key');
    writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const inputs = fixtureInputs(fx, { image: `oci-layout:${path.join(fx.dir, 'verify-target')}`, sign: 'key', keyFile, tag: 'v1' });
    const result = await ship(inputs, world(GITHUB_ENV));
    image = `${result.outputs.image}@${result.outputs.digest}`;
    publicKey = path.join(inputs.outputDir, 'cosign.pub');
  });
  afterAll(() => fx?.cleanup());

  function verifyAction(name: string, require: string, extra: NodeJS.ProcessEnv = {}) {
    const policy = path.join(fx.dir, `${name}.yaml`);
    writeFileSync(
      policy,
      ['apiVersion: ship-image/v1', 'kind: Policy', `metadata: {name: ${name}}`, 'spec:', '  images: ["*"]', `  keys: [${JSON.stringify(publicKey)}]`, `  require: ${require}`, ''].join('\n'),
    );
    const outputFile = path.join(fx.dir, `${name}-output`);
    const summaryFile = path.join(fx.dir, `${name}-summary`);
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');
    const result = runAction('src/action/verify.ts', { ...GITHUB_ENV, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, INPUT_IMAGE: image, INPUT_POLICY: policy, ...extra });
    return { result, outputs: parseOutputs(readFileSync(outputFile, 'utf8')), summary: readFileSync(summaryFile, 'utf8') };
  }

  test('a key-signed image passes: outputs, job summary, and the registry password is masked', () => {
    const { result, outputs, summary } = verifyAction('allow', '{signature: true, sbom: true, vulnerabilities: false}', { 'INPUT_REGISTRY-PASSWORD': 'unused-but-secret-0815' });
    expect(result.status).toBe(0);
    expect(outputs.allowed).toBe('true');
    expect(outputs.digest).toBe(image.split('@')[1]);
    expect((JSON.parse(outputs.report as string) as { allowed: boolean }).allowed).toBe(true);
    expect(summary).toContain('✅ allowed');
    expect(result.stdout).toContain('::add-mask::unused-but-secret-0815');
    const log = (result.stdout + result.stderr).split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(log.join('\n')).not.toContain('unused-but-secret-0815');
  });

  test('CRITICALs past their grace deny: allowed false, one failed step', () => {
    const { result, outputs, summary } = verifyAction('deny', '{signature: true, sbom: true, vulnerabilities: {maxScanAge: 168h, criticalGrace: 1h}}');
    expect(result.status).toBe(1);
    expect(outputs.allowed).toBe('false');
    expect(summary).toContain('❌ denied');
    expect(result.stdout.split('\n').filter((l) => l.startsWith('::error::'))).toHaveLength(1);
  });
});

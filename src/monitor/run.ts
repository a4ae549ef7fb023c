// `monitor` from its inputs to its outputs, shared by the CLI and the action: inventory, sweep,
// state, alerts, report files. The shells only parse flags or inputs and print.
import { mkdir, writeFile, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { silentLogger, type Logger } from '../core/log';
import { renderDashboard } from '../dashboard';
import { RegistryClient, type RegistryClientOptions } from '../oci/registry';
import { loadPolicy } from '../policy';
import { positiveDuration } from '../policy/duration';
import { defaultTrivyCache } from '../ship/steps/analyze';
import { resolveTool } from '../tools/resolve-tool';
import { loadTrustedRoot } from '../verify/trusted-root';
import { READ_CAPS, readTextCapped } from '../core/read-capped';
import { keySigner } from '../sign';
import { trivyVersion } from '../tools/trivy';
import { prepareTrivyDb } from '../tools/trivy-db';
import { loadAlertSinks } from './alerts';
import { scanAttester, type ScanAttester } from './attest';
import { listInventory, parseShard, type InventorySource } from './inventory';
import { MemoryStateStore } from './memory-store';
import type { MonitorState, SweepResult } from './model';
import { openTrivyScanner } from './rescan';
import { openStateStore } from './state';
import { openAtOrAbove, sweepMarkdown } from './summary';
import { runSweep, DEFAULT_CONCURRENCY } from './sweep';

export interface MonitorInputs {
  source: InventorySource;
  policy: string;
  state?: string;
  report?: string;
  shard?: string;
  alerts?: string;
  maxAge?: string;
  failOn: string;
  trivyCache?: string;
  trivy?: string;
  trustedRoot?: string;
  registry: RegistryClientOptions;
  concurrency?: number;
  /** `--attest --key FILE`: sign a fresh vuln attestation for each digest re-scanned (COSIGN_PASSWORD for an encrypted key). */
  attestKey?: string;
  /** Download the current vulnerability DB into the trivy cache before sweeping (a CronJob with no cache volume). */
  updateDb?: boolean;
}

export interface MonitorOutcome {
  result: SweepResult;
  markdown: string;
  /** Open findings at or above fail-on: exit 1 when any. */
  failing: number;
  /** One line each: alerts that could not be delivered. */
  alertErrors: string[];
}

export const DEFAULT_MAX_AGE = '30d';

/** `30d`, `12h`, `1h30m`: days as well as Go durations. */
export function parseMaxAge(text: string): number {
  const days = /^(\d{1,5})d$/.exec(text.trim());
  if (days) return Number(days[1]) * 86_400_000;
  const d = positiveDuration(text.trim());
  if (!d) throw new UserError(`--max-age '${text}' is not a duration; write e.g. 30d, 720h or 90m`);
  return d.milliseconds;
}

export function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return DEFAULT_CONCURRENCY;
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 256) throw new UserError(`--concurrency '${text}' must be a whole number from 1 to 256`);
  return Number(text);
}

/** Writes `file` whole or not at all (a killed run leaves the previous report). */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

export async function writeReport(dir: string, result: SweepResult, markdown: string, state: MonitorState): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(path.join(dir, 'sweep.json'), JSON.stringify(result, null, 2) + '\n');
  await writeAtomic(path.join(dir, 'summary.md'), markdown);
  await writeAtomic(path.join(dir, 'dashboard.html'), renderDashboard(result, state));
}

export async function runMonitor(inputs: MonitorInputs, now: Date, logger: Logger = silentLogger): Promise<MonitorOutcome> {
  const maxAgeMs = parseMaxAge(inputs.maxAge ?? DEFAULT_MAX_AGE);
  const shard = inputs.shard !== undefined ? parseShard(inputs.shard) : undefined;
  const policy = loadPolicy(inputs.policy);
  const trustedRoot = inputs.trustedRoot ? loadTrustedRoot({ kind: 'file', path: inputs.trustedRoot }) : undefined;
  const sinks = inputs.alerts ? await loadAlertSinks(inputs.alerts) : [];
  const store = inputs.state ? openStateStore(inputs.state, { shard: inputs.shard, registry: inputs.registry }) : new MemoryStateStore();
  if (!inputs.state) logger.info('monitor: no --state: every finding counts as new and nothing is remembered');
  const inventory = await listInventory(inputs.source, { logger });
  const trivy = inputs.trivy ?? (await resolveTool('trivy')).path;
  const cacheDir = path.resolve(inputs.trivyCache ?? defaultTrivyCache(process.env));
  if (inputs.updateDb) await prepareTrivyDb({ cacheDir, offline: false, binary: trivy, useActionsCache: false, logger });
  const scanner = await openTrivyScanner({ binary: trivy, cacheDir, logger });
  let attester: ScanAttester | undefined;
  if (inputs.attestKey) {
    const signer = keySigner({ keyPem: readTextCapped(inputs.attestKey, READ_CAPS.key, { what: 'the signing key', hint: 'check --key' }) });
    attester = scanAttester({ signer, identity: { kind: 'key', publicKeyPem: signer.publicKeyPem }, scannerVersion: await trivyVersion(trivy), dbVersion: scanner.dbVersion, logger });
  }
  const client = new RegistryClient(inputs.registry);
  try {
    const swept = await runSweep({ inventory, shard, policy, client, registry: inputs.registry, trustedRoot, scanner, store, sinks, now, maxAgeMs, concurrency: inputs.concurrency, attester, logger });
    const markdown = sweepMarkdown(swept.result);
    if (inputs.report) await writeReport(inputs.report, swept.result, markdown, swept.state);
    return { result: swept.result, markdown, failing: openAtOrAbove(swept.result.findings, inputs.failOn).length, alertErrors: swept.alertErrors };
  } finally {
    client.close();
    await scanner.close();
  }
}

// `monitor` from its inputs to its outputs, shared by the CLI and the action: inventory, sweep,
// state, alerts, report files. The shells only parse flags or inputs and print.
import { mkdir, writeFile, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { trivyRootScanner, type NodeDriftCache } from './node';
import { runSweep, DEFAULT_CONCURRENCY, type NodeMode } from './sweep';

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
  /** `--node`: sweep only this node's pods and check each running container for drift through the host's procfs. */
  node?: { nodeName: string; procRoot: string };
}

/** `--every`: sweep again this long after each sweep ends, until `signal` aborts (SIGTERM). */
export interface MonitorLoop {
  everyMs: number;
  signal: AbortSignal;
  /** Each sweep's outcome, as it ends. */
  onSweep(outcome: MonitorOutcome): void;
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

function parseLongDuration(text: string, flag: string, examples: string): number {
  const days = /^(\d{1,5})d$/.exec(text.trim());
  if (days) return Number(days[1]) * 86_400_000;
  const d = positiveDuration(text.trim());
  if (!d) throw new UserError(`${flag} '${text}' is not a duration; write e.g. ${examples}`);
  return d.milliseconds;
}

/** `30d`, `12h`, `1h30m`: days as well as Go durations. */
export function parseMaxAge(text: string): number {
  return parseLongDuration(text, '--max-age', '30d, 720h or 90m');
}

/** `--every 15m`: at least a second between sweeps. */
export function parseEvery(text: string): number {
  const ms = parseLongDuration(text, '--every', '15m, 1h or 1d');
  if (ms < 1000) throw new UserError(`--every '${text}' is shorter than a second; write e.g. 15m`);
  return ms;
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

interface OpenMonitor {
  sweep(now: Date): Promise<MonitorOutcome>;
  close(): void;
}

/** What stays between the sweeps of one process: the policy, the sinks, the state store, the registry client, the node's drift cache. */
async function openMonitor(inputs: MonitorInputs, logger: Logger): Promise<OpenMonitor> {
  const maxAgeMs = parseMaxAge(inputs.maxAge ?? DEFAULT_MAX_AGE);
  const shard = inputs.shard !== undefined ? parseShard(inputs.shard) : undefined;
  const policy = loadPolicy(inputs.policy);
  const trustedRoot = inputs.trustedRoot ? loadTrustedRoot({ kind: 'file', path: inputs.trustedRoot }) : undefined;
  const sinks = inputs.alerts ? await loadAlertSinks(inputs.alerts) : [];
  const store = inputs.state ? openStateStore(inputs.state, { shard: inputs.shard, registry: inputs.registry }) : new MemoryStateStore();
  if (!inputs.state) logger.info('monitor: no --state: every finding counts as new and nothing is remembered');
  const trivy = inputs.trivy ?? (await resolveTool('trivy')).path;
  const cacheDir = path.resolve(inputs.trivyCache ?? defaultTrivyCache(process.env));
  const signer = inputs.attestKey ? keySigner({ keyPem: readTextCapped(inputs.attestKey, READ_CAPS.key, { what: 'the signing key', hint: 'check --key' }) }) : undefined;
  const scannerVersion = signer ? await trivyVersion(trivy) : undefined;
  const driftCache: NodeDriftCache = new Map();
  const node: NodeMode | undefined = inputs.node ? { ...inputs.node, scanRoot: trivyRootScanner({ trivy, cacheDir, logger }), cache: driftCache } : undefined;
  const client = new RegistryClient(inputs.registry);
  return {
    async sweep(now) {
      const inventory = await listInventory(inputs.source, { logger });
      if (inputs.updateDb) await prepareTrivyDb({ cacheDir, offline: false, binary: trivy, useActionsCache: false, logger });
      // Opened per sweep: a loop picks up a DB updated in the cache dir meanwhile.
      const scanner = await openTrivyScanner({ binary: trivy, cacheDir, logger });
      try {
        const attester: ScanAttester | undefined = signer
          ? scanAttester({ signer, identity: { kind: 'key', publicKeyPem: signer.publicKeyPem }, scannerVersion: scannerVersion!, dbVersion: scanner.dbVersion, logger })
          : undefined;
        const swept = await runSweep({ inventory, shard, policy, client, registry: inputs.registry, trustedRoot, scanner, store, sinks, now, maxAgeMs, concurrency: inputs.concurrency, attester, logger, node });
        const markdown = sweepMarkdown(swept.result);
        if (inputs.report) await writeReport(inputs.report, swept.result, markdown, swept.state);
        return { result: swept.result, markdown, failing: openAtOrAbove(swept.result.findings, inputs.failOn).length, alertErrors: swept.alertErrors };
      } finally {
        await scanner.close();
      }
    },
    close: () => client.close(),
  };
}

/** One sweep. */
export async function runMonitor(inputs: MonitorInputs, now: Date, logger: Logger = silentLogger): Promise<MonitorOutcome> {
  const monitor = await openMonitor(inputs, logger);
  try {
    return await monitor.sweep(now);
  } finally {
    monitor.close();
  }
}

/**
 * `--every`: sweep, wait, sweep… until the signal aborts. A sweep under way when it does finishes
 * (its state saved whole); the wait does not. Returns the last sweep's outcome.
 */
export async function watchMonitor(inputs: MonitorInputs, clock: () => Date, logger: Logger, loop: MonitorLoop): Promise<MonitorOutcome | undefined> {
  const monitor = await openMonitor(inputs, logger);
  let last: MonitorOutcome | undefined;
  try {
    while (!loop.signal.aborted) {
      last = await monitor.sweep(clock());
      loop.onSweep(last);
      if (loop.signal.aborted) break;
      await sleep(loop.everyMs, undefined, { signal: loop.signal }).catch(() => undefined);
    }
    logger.info('monitor: stopped');
    return last;
  } finally {
    monitor.close();
  }
}

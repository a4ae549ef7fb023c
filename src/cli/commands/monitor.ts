import { UserError } from '../../core/errors';
import { READ_CAPS, readStdinCapped, readTextCapped } from '../../core/read-capped';
import type { Logger } from '../../core/log';
import { inertText } from '../../core/untrusted-text';
import { parseFailOn } from '../../prcheck/gate';
import { mergeSweeps, parseSweepResult } from '../../monitor/merge';
import { emptyState } from '../../monitor/model';
import { parseConcurrency, parseEvery, runMonitor, watchMonitor, writeReport, type MonitorInputs, type MonitorOutcome } from '../../monitor/run';
import { openAtOrAbove, sweepMarkdown } from '../../monitor/summary';
import type { InventorySource } from '../../monitor/inventory';
import { REGISTRY_FLAGS, registryOptionsFromFlags } from '../registry-flags';
import { flagCommand, type Command } from '../command';

const USAGE =
  'ship-image monitor (--kubeconfig FILE [--context C]... | --in-cluster | --inventory FILE) --policy FILE [--namespace NS]... [--state LOCATION] [--report DIR] [--shard I/N] [--alerts FILE] [--max-age 30d] [--json] [--fail-on LEVEL] [--trivy-cache DIR [--update-db]] [--trivy PATH] [--trusted-root FILE] [--insecure-registry HOST]... [--concurrency N] [--attest --key FILE] [--node [--node-name NAME] [--proc-root DIR]] [--every DURATION]\n' +
  '       ship-image monitor merge SWEEP.json... [--report DIR] [--json] [--fail-on LEVEL]';

const HELP = `usage: ${USAGE}

Sweeps what runs: every digest the inventory lists (pods of the clusters, or a file), each verified
against the policy (every sweep: a removed signature is a finding at once), its attested SBOM
re-scanned when the vulnerability DB changed since its last scan (vulnerabilities the attested scan
did not list are new findings), and its age checked. Findings open once and resolve when fixed or
when no pod runs the digest any more; the state remembers them between sweeps.

--node (a DaemonSet with hostPID and the host's /proc mounted read-only: deploy/monitor/node-daemonset.yaml)
sweeps only the pods on one node and, besides, compares each running container's packages (read
through /proc/PID/root) with the SBOM its digest was shipped with: what differs is a drift finding.

exit codes: 0 ok, 1 a finding at or above --fail-on is open, 2 bad flags or unreadable files

options:
  --kubeconfig FILE      list pods with this kubeconfig (its current context, or each --context)
  --context C            a kubeconfig context to list (repeatable)
  --in-cluster           list pods with the pod's service account
  --namespace NS         only these namespaces (repeatable; default all)
  --inventory FILE       the estate from a file: {"images":[{"digest","repository","workloads":[...]}]}
  --policy FILE          the policy images are verified against (the admission policy)
  --state LOCATION       a directory, or oci://REGISTRY/REPOSITORY:TAG; without it nothing is remembered
  --report DIR           write sweep.json, summary.md and dashboard.html into DIR
  --shard I/N            sweep only shard I (0-based) of N, partitioned by digest
  --alerts FILE          alert sinks and routing (PagerDuty, Slack, GitHub issues)
  --max-age DUR          images built longer ago are stale (default 30d; e.g. 720h, 14d)
  --json                 print the sweep result as JSON instead of the Markdown summary
  --fail-on LEVEL        exit 1 when a finding at or above LEVEL is open (critical, high, medium, low, none)
  --trivy-cache DIR      the trivy cache dir holding the vulnerability DB (never updated here)
  --update-db            download the current DB into --trivy-cache first (e.g. a CronJob without a cache volume)
  --trivy PATH           the trivy binary (default: the pinned one)
  --trusted-root FILE    the Sigstore trusted root (default: the policy's)
  --concurrency N        digests judged at once (default 8)
  --attest               push a fresh signed vuln attestation for each digest re-scanned, removing
                         this signer's older ones (needs --key; COSIGN_PASSWORD for an encrypted key)
  --key FILE             the private key --attest signs with
  --node                 node mode: this node's pods only, and drift of each running container
  --node-name NAME       the node (default $NODE_NAME, the downward API's spec.nodeName)
  --proc-root DIR        the host's procfs (default /proc; /host/proc when mounted there)
  --every DUR            sweep again this long after each sweep (e.g. 15m) until SIGTERM; default one sweep
  --insecure-registry HOST, --username U --password-stdin, --timeout DUR: registry access

merge: joins the sweep.json of each shard into the estate's result (and report).
`;

export const FLAGS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string', multiple: true },
  'in-cluster': { type: 'boolean' },
  namespace: { type: 'string', multiple: true },
  inventory: { type: 'string' },
  policy: { type: 'string' },
  state: { type: 'string' },
  report: { type: 'string' },
  shard: { type: 'string' },
  alerts: { type: 'string' },
  'max-age': { type: 'string' },
  json: { type: 'boolean' },
  'fail-on': { type: 'string' },
  'trivy-cache': { type: 'string' },
  trivy: { type: 'string' },
  'trusted-root': { type: 'string' },
  concurrency: { type: 'string' },
  merge: { type: 'boolean' },
  attest: { type: 'boolean' },
  'update-db': { type: 'boolean' },
  key: { type: 'string' },
  node: { type: 'boolean' },
  'node-name': { type: 'string' },
  'proc-root': { type: 'string' },
  every: { type: 'string' },
  ...REGISTRY_FLAGS,
} as const;

export interface MonitorCommandDeps {
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  now(): Date;
  /** Aborted on SIGTERM/SIGINT: what stops an `--every` loop. */
  stopSignal(): AbortSignal;
}

function nodeMode(values: { node?: boolean; 'node-name'?: string; 'proc-root'?: string; shard?: string }, env: NodeJS.ProcessEnv): MonitorInputs['node'] {
  if (!values.node) {
    if (values['node-name'] !== undefined || values['proc-root'] !== undefined) throw new UserError('--node-name and --proc-root are for --node; add --node or drop them');
    return undefined;
  }
  if (values.shard !== undefined) throw new UserError('--shard partitions an estate by digest; --node already sweeps one node: drop one of them');
  const nodeName = (values['node-name'] ?? env.NODE_NAME ?? '').trim();
  if (!nodeName) throw new UserError('--node needs the node: --node-name NAME, or NODE_NAME from the downward API (spec.nodeName)');
  const procRoot = values['proc-root'] ?? '/proc';
  if (!procRoot.trim()) throw new UserError('--proc-root is empty; give the host procfs, e.g. /host/proc');
  return { nodeName, procRoot };
}

function inventorySource(values: { kubeconfig?: string; context?: string[]; 'in-cluster'?: boolean; namespace?: string[]; inventory?: string }): InventorySource {
  const given = [values.kubeconfig !== undefined, !!values['in-cluster'], values.inventory !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UserError(`give exactly one of --kubeconfig FILE, --in-cluster or --inventory FILE; usage: ${USAGE}`);
  if (values.inventory !== undefined) {
    if (values.context?.length || values.namespace?.length) throw new UserError('--context and --namespace apply to a cluster, not to --inventory FILE');
    return { kind: 'file', path: values.inventory };
  }
  if (values['in-cluster'] && values.context?.length) throw new UserError('--context needs --kubeconfig; --in-cluster lists the cluster the pod runs in');
  return {
    kind: 'kubernetes',
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context?.length ? { contexts: values.context } : {}),
    ...(values['in-cluster'] ? { inCluster: true } : {}),
    ...(values.namespace?.length ? { namespaces: values.namespace } : {}),
  };
}

function stderrLines(write: (text: string) => void): Logger {
  return { info: (m) => write(`${inertText(m, { max: 2000 })}\n`), warn: (m) => write(`warning: ${inertText(m, { max: 2000 })}\n`), debug() {} };
}

export function makeMonitorCommand(deps: MonitorCommandDeps): Command {
  return flagCommand({ flags: FLAGS, usage: USAGE, help: HELP, writeStdout: (text) => deps.writeStdout(text) }, async (values, positionals) => {
    const failOn = parseFailOn(values['fail-on'], '--fail-on');
    const merging = values.merge || positionals[0] === 'merge';
    if (merging) {
      const files = positionals[0] === 'merge' ? positionals.slice(1) : positionals;
      if (files.length === 0) throw new UserError(`monitor merge needs the sweep.json of each shard; usage: ${USAGE}`);
      const result = mergeSweeps(files.map((f) => parseSweepResult(readTextCapped(f, READ_CAPS.report, { what: 'a sweep result', hint: 'pass sweep.json files' }), f)));
      const markdown = sweepMarkdown(result);
      if (values.report) await writeReport(values.report, result, markdown, emptyState());
      deps.writeStdout(values.json ? JSON.stringify(result, null, 2) + '\n' : markdown);
      return openAtOrAbove(result.findings, failOn).length > 0 ? 1 : 0;
    }
    if (positionals.length > 0) throw new UserError(`monitor takes no positional arguments (but 'merge'); usage: ${USAGE}`);
    if (!values.policy) throw new UserError(`--policy FILE is required; usage: ${USAGE}`);
    const source = inventorySource(values);
    if (values.attest && !values.key) throw new UserError('--attest needs --key FILE, the private key the fresh scans are signed with');
    if (values.key && !values.attest) throw new UserError('--key is for --attest; add --attest or drop --key');
    const node = nodeMode(values, process.env);
    const everyMs = values.every !== undefined ? parseEvery(values.every) : undefined;
    const registry = registryOptionsFromFlags(values, process.env, () => readStdinCapped(READ_CAPS.stdin, { what: 'the registry password' }));
    const inputs: MonitorInputs = {
      source,
      policy: values.policy,
      state: values.state,
      report: values.report,
      shard: values.shard,
      alerts: values.alerts,
      maxAge: values['max-age'],
      failOn,
      trivyCache: values['trivy-cache'],
      trivy: values.trivy,
      trustedRoot: values['trusted-root'],
      registry,
      concurrency: parseConcurrency(values.concurrency),
      attestKey: values.attest ? values.key : undefined,
      updateDb: !!values['update-db'],
      ...(node ? { node } : {}),
    };
    const print = (outcome: MonitorOutcome) => {
      for (const e of outcome.alertErrors) deps.writeStderr(`ship-image monitor: ${e}\n`);
      deps.writeStdout(values.json ? JSON.stringify(outcome.result, null, 2) + '\n' : outcome.markdown);
    };
    if (everyMs === undefined) {
      const outcome = await runMonitor(inputs, deps.now(), stderrLines(deps.writeStderr));
      print(outcome);
      return outcome.failing > 0 ? 1 : 0;
    }
    const last = await watchMonitor(inputs, () => deps.now(), stderrLines(deps.writeStderr), { everyMs, signal: deps.stopSignal(), onSweep: print });
    return last && last.failing > 0 ? 1 : 0;
  });
}

export const monitorCommand: Command = makeMonitorCommand({
  writeStdout: (text) => process.stdout.write(text),
  writeStderr: (text) => process.stderr.write(text),
  now: () => new Date(),
  stopSignal() {
    const stop = new AbortController();
    const abort = () => stop.abort();
    process.once('SIGTERM', abort);
    process.once('SIGINT', abort);
    return stop.signal;
  },
});

/** What src/cli/main.ts loads. */
export const command = monitorCommand;

// Lists the pods of one or more clusters through @kubernetes/client-node and turns them into
// containers with the digest that runs. A cluster that cannot be listed (unreachable, a rejected or
// expired token, no permission) becomes one InventoryNote saying what to do; the others go on.
//
// Pagination: `limit` + `continue`. When the API server has compacted the snapshot a continue token
// points into, it answers 410 Gone (reason Expired). We then restart that list from the beginning,
// at most `maxRestarts` times, so the result is always one consistent snapshot; the inconsistent
// "continue from the 410's fresh token" the API also offers is never used.
import * as path from 'node:path';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { UserError, oneLine } from '../../core/errors';
import { READ_CAPS, readTextCapped } from '../../core/read-capped';
import { mapLimited } from '../../core/map-limited';
import type { Logger } from '../../core/log';
import type { Inventory, InventoryNote } from '../model';
import { groupContainers } from './group';
import { podContainers, type ContainerRow, type PodLike, type SkippedContainer } from './pods';

export interface KubernetesSource {
  kind: 'kubernetes';
  /** A kubeconfig file; without it (and without inCluster) $KUBECONFIG or ~/.kube/config. */
  kubeconfig?: string;
  /** Contexts to list; none: the kubeconfig's current context. */
  contexts?: string[];
  /** The pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount`). */
  inCluster?: boolean;
  /** Only these namespaces; none: all. */
  namespaces?: string[];
}

export interface KubernetesOptions {
  /** Pods per page (`limit`); kubectl's default chunk size. */
  pageSize?: number;
  /** Per request. */
  requestTimeoutMs?: number;
  /** Restarts of one list after 410 Gone. */
  maxRestarts?: number;
  /** Pages of one list before giving up (a server that never stops handing out continue tokens). */
  maxPages?: number;
  /** Clusters listed at once. */
  concurrency?: number;
  /** The cluster name recorded for --in-cluster. */
  clusterName?: string;
  /** Tests: where the service account files live, instead of `/`. */
  inClusterRoot?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress per cluster (info) and each note (warn). */
  logger?: Logger;
}

const DEFAULTS = { pageSize: 500, requestTimeoutMs: 30_000, maxRestarts: 3, maxPages: 10_000, concurrency: 4 };

interface Target {
  cluster: string;
  config: k8s.KubeConfig;
  inCluster?: boolean;
}

function readKubeconfig(file: string): string {
  return readTextCapped(file, READ_CAPS.document, { what: 'the kubeconfig', hint: 'pass a kubeconfig file (--kubeconfig FILE)' });
}

// A YAML error's message quotes the lines around the fault, and a kubeconfig's lines hold tokens:
// only the reason and the position are shown.
function kubeconfigProblem(err: unknown): string {
  const e = err as { reason?: string; mark?: { line?: number; column?: number }; message?: string };
  if (e?.reason && e.mark?.line !== undefined) return `${e.reason} at line ${e.mark.line + 1}`;
  return (e?.message ?? String(err)).split('\n')[0].slice(0, 200);
}

function parseKubeconfig(file: string, text: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  try {
    config.loadFromString(text);
  } catch (err) {
    throw new UserError(`${file}: not a usable kubeconfig (${kubeconfigProblem(err)}); check the file (kubectl --kubeconfig ${file} config view)`);
  }
  // Certificate and token paths in a kubeconfig are relative to the file, as kubectl reads them.
  config.makePathsAbsolute(path.dirname(path.resolve(file)));
  return config;
}

function defaultKubeconfig(env: NodeJS.ProcessEnv): string {
  const fromEnv = (env.KUBECONFIG ?? '').split(path.delimiter).find((p) => p !== '');
  return fromEnv ?? path.join(env.HOME ?? os.homedir(), '.kube', 'config');
}

// What loadFromCluster builds, from the environment we were handed rather than process.env.
function inClusterTarget(opts: KubernetesOptions, env: NodeJS.ProcessEnv): Target {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) {
    throw new UserError('--in-cluster: KUBERNETES_SERVICE_HOST/PORT are not set, so this is not running in a pod; use --kubeconfig FILE outside a cluster');
  }
  const dir = `${opts.inClusterRoot ?? ''}/var/run/secrets/kubernetes.io/serviceaccount`;
  if (!fs.existsSync(`${dir}/token`)) {
    throw new UserError(`--in-cluster: no service account token at ${dir}/token; set automountServiceAccountToken: true on the pod (deploy/monitor/)`);
  }
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'in-cluster', server: `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: `${dir}/ca.crt`, skipTLSVerify: false }],
    // tokenFile: re-read on every request, so a rotated (bound) service account token is picked up.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: `${dir}/token` } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' }],
    currentContext: 'in-cluster',
  });
  return { cluster: opts.clusterName ?? 'in-cluster', config, inCluster: true };
}

/** The clusters to list: one KubeConfig per context (a client reads the current context per request). */
export function kubernetesTargets(source: KubernetesSource, opts: KubernetesOptions = {}): Target[] {
  const env = opts.env ?? process.env;
  if (source.inCluster) return [inClusterTarget(opts, env)];
  const file = source.kubeconfig ?? defaultKubeconfig(env);
  const text = readKubeconfig(file);
  const base = parseKubeconfig(file, text);
  const known = base.getContexts().map((c) => c.name);
  const wanted = source.contexts?.length ? [...new Set(source.contexts)] : [base.getCurrentContext()];
  if (!wanted[0]) throw new UserError(`${file}: no current context; pass --context NAME (${known.length ? `one of ${known.join(', ')}` : 'the file has no contexts'})`);
  return wanted.map((name) => {
    if (!known.includes(name)) throw new UserError(`--context '${name}': not in ${file}; the contexts there are ${known.join(', ') || '(none)'}`);
    const config = parseKubeconfig(file, text);
    config.setCurrentContext(name);
    return { cluster: name, config };
  });
}

interface ListResult {
  rows: ContainerRow[];
  skipped: SkippedContainer[];
}

export class ContinueExpiredError extends Error {}

function statusCode(err: unknown): number | undefined {
  return err instanceof k8s.ApiException ? err.code : undefined;
}

function statusMessage(err: unknown): string | undefined {
  if (!(err instanceof k8s.ApiException)) return undefined;
  let body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.slice(0, 200) : undefined;
}

// Each request carries its own deadline: node-fetch has none, and a black-holed API server would
// otherwise hold the sweep for the kernel's TCP timeout.
function callOptions(timeoutMs: number): k8s.ConfigurationOptions {
  const timeout: k8s.ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      return new k8s.Observable(Promise.resolve(ctx));
    },
    post: (ctx) => new k8s.Observable(Promise.resolve(ctx)),
  };
  return { middleware: [timeout], middlewareMergeStrategy: 'append' };
}

// Pods are turned into rows page by page, so a large cluster's pod objects are not all held at once;
// a restart after 410 drops the rows of the failed attempt.
async function listRows(api: k8s.CoreV1Api, cluster: string, namespace: string | undefined, o: typeof DEFAULTS): Promise<ListResult> {
  const options = callOptions(o.requestTimeoutMs);
  for (let restart = 0; ; restart++) {
    const result: ListResult = { rows: [], skipped: [] };
    let token: string | undefined;
    let pages = 0;
    try {
      do {
        const request = { limit: o.pageSize, _continue: token };
        const list = namespace ? await api.listNamespacedPod({ namespace, ...request }, options) : await api.listPodForAllNamespaces(request, options);
        for (const pod of list.items as PodLike[]) {
          const one = podContainers(pod, cluster);
          result.rows.push(...one.rows);
          result.skipped.push(...one.skipped);
        }
        const next = list.metadata?._continue || undefined;
        if (next !== undefined && next === token) throw new Error('the API server handed back the same continue token');
        token = next;
        if (++pages >= o.maxPages && token) throw new Error(`the pod list did not end after ${o.maxPages} pages`);
      } while (token);
      return result;
    } catch (err) {
      if (statusCode(err) === 410 && token !== undefined) {
        if (restart < o.maxRestarts) continue;
        throw new ContinueExpiredError(`the pod list expired (410 Gone) ${o.maxRestarts + 1} times while paging`);
      }
      throw err;
    }
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** One line: what went wrong with this cluster and what to do about it. */
export function describeClusterError(cluster: string, server: string, err: unknown, inCluster = false): string {
  const code = statusCode(err);
  const detail = statusMessage(err);
  const at = server ? ` at ${server}` : '';
  if (code === 401) {
    return inCluster
      ? `cluster ${cluster}${at} rejected the service account token (401 Unauthorized); check the pod's service account (deploy/monitor/rbac.yaml) and that its token is mounted`
      : `cluster ${cluster}${at} rejected the credentials (401 Unauthorized): the kubeconfig token has expired or is wrong; log in again or refresh the token for context ${cluster}`;
  }
  if (code === 403) return `cluster ${cluster}${at} refused to list pods (403 Forbidden${detail ? `: ${detail}` : ''}); grant list on pods (deploy/monitor/rbac.yaml)`;
  if (code !== undefined) return `cluster ${cluster}${at} answered HTTP ${code} to the pod list${detail ? ` (${detail})` : ''}; check the API server`;
  if (err instanceof ContinueExpiredError) return `cluster ${cluster}${at}: ${err.message}; the cluster changes faster than it can be paged: retry, or list fewer namespaces per run`;
  const e = err as { name?: string; code?: string; type?: string; message?: string };
  if (e?.name === 'AbortError' || e?.type === 'aborted') return `cluster ${cluster}${at} did not answer in time; check the server address in the kubeconfig and the network`;
  if (e?.code && UNREACHABLE.has(e.code)) return `cluster ${cluster}${at} is unreachable (${e.code}); check the server address in the kubeconfig and the network`;
  if (e?.code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(e.code)) {
    return `cluster ${cluster}${at}: TLS failed (${e.code}); ${inCluster ? "check the service account's ca.crt" : `check certificate-authority for context ${cluster} in the kubeconfig`}`;
  }
  return `cluster ${cluster}${at}: listing pods failed (${oneLine(err).slice(0, 300)}); check the kubeconfig and the cluster`;
}

function pendingNote(cluster: string, skipped: SkippedContainer[]): InventoryNote[] {
  const notes: InventoryNote[] = [];
  const pending = skipped.filter((s) => s.pending);
  if (pending.length > 0) {
    const shown = pending.slice(0, 3).map((s) => s.where).join(', ');
    notes.push({ source: cluster, message: `${pending.length} container(s) not started yet, so no digest to check (${shown}${pending.length > 3 ? ', …' : ''}); the next sweep lists them` });
  }
  for (const s of skipped.filter((x) => !x.pending)) notes.push({ source: cluster, message: `${s.where} skipped: ${s.reason}` });
  return notes;
}

async function listTarget(target: Target, namespaces: readonly string[] | undefined, o: typeof DEFAULTS): Promise<ListResult | InventoryNote> {
  const server = target.config.getCurrentCluster()?.server ?? '';
  try {
    const api = target.config.makeApiClient(k8s.CoreV1Api);
    const result: ListResult = { rows: [], skipped: [] };
    for (const ns of namespaces?.length ? namespaces : [undefined]) {
      const one = await listRows(api, target.cluster, ns, o);
      result.rows.push(...one.rows);
      result.skipped.push(...one.skipped);
    }
    return result;
  } catch (err) {
    return { source: target.cluster, message: describeClusterError(target.cluster, server, err, target.inCluster) };
  }
}

/** Every running digest of the clusters the source names. Bad flags or files throw a UserError. */
export async function listKubernetes(source: KubernetesSource, opts: KubernetesOptions = {}): Promise<Inventory> {
  const targets = kubernetesTargets(source, opts);
  const o = { ...DEFAULTS, ...definedOnly(opts) };
  const results = await mapLimited(targets, o.concurrency, (t) => listTarget(t, source.namespaces, o));
  const rows: ContainerRow[] = [];
  const notes: InventoryNote[] = [];
  results.forEach((r, i) => {
    if ('message' in r) {
      notes.push(r);
      opts.logger?.warn(`inventory: ${r.message}`);
    } else {
      rows.push(...r.rows);
      const skipped = pendingNote(targets[i].cluster, r.skipped);
      notes.push(...skipped);
      opts.logger?.info(`inventory: cluster ${targets[i].cluster}: ${r.rows.length} running container(s), ${new Set(r.rows.map((x) => x.digest)).size} digest(s)`);
      for (const n of skipped) opts.logger?.warn(`inventory: ${n.source}: ${n.message}`);
    }
  });
  return { images: groupContainers(rows), notes };
}

function definedOnly(opts: KubernetesOptions): Partial<typeof DEFAULTS> {
  const out: Partial<typeof DEFAULTS> = {};
  for (const k of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) if (opts[k] !== undefined) out[k] = opts[k];
  return out;
}

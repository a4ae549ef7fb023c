/**
 * The monitor's inventory against a TEST DOUBLE of the Kubernetes API (test/support/kube-api-double.ts;
 * no cluster runs here), with the double checked against Debian's real kubectl: kubectl lists the
 * same pods, paged the same way. Pagination, a 410 for an expired continue token, an expired
 * kubeconfig token, an unreachable cluster, a forbidden list, --in-cluster, chosen namespaces.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { UserError } from '../src/core/errors';
import { groupContainers, listInventory } from '../src/monitor/inventory';
import { podContainers, type ContainerRow, type PodLike } from '../src/monitor/inventory/pods';
import type { Inventory } from '../src/monitor/model';
import { startKubeApiDouble, type KubeApiDouble } from './support/kube-api-double';
import { DIGESTS, prodPods, stagingPods } from './support/kube-pods';
import { freePort } from './support/ports';
import { makeServerTls } from './support/tls';

jest.setTimeout(180_000);
const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';
const REG = 'registry.example:5000';

let dir: string;
let prod: KubeApiDouble;
let staging: KubeApiDouble;
let kubeconfig: string;
let caFile: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mon-inventory-'));
  const tls = makeServerTls(dir);
  caFile = tls.caFile;
  prod = await startKubeApiDouble({ tls, tokens: ['prod-token'], forbiddenTokens: ['no-rbac-token'], pods: prodPods() });
  staging = await startKubeApiDouble({ tls, tokens: ['staging-token'], pods: stagingPods() });
  const down = `https://127.0.0.1:${await freePort()}`;
  const cluster = (name: string, server: string) => ({ name, cluster: { server, 'certificate-authority': 'ca.crt' } });
  const user = (name: string, token: string) => ({ name, user: { token } });
  const context = (name: string, c: string, u: string) => ({ name, context: { cluster: c, user: u } });
  kubeconfig = path.join(dir, 'kubeconfig');
  // certificate-authority is relative: resolved against the kubeconfig's directory, as kubectl does.
  fs.writeFileSync(kubeconfig, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'prod', preferences: {},
    clusters: [cluster('prod', prod.url), cluster('staging', staging.url), cluster('down', down), { name: 'no-ca', cluster: { server: prod.url } }],
    users: [user('prod', 'prod-token'), user('staging', 'staging-token'), user('stale', 'expired-token'), user('no-rbac', 'no-rbac-token')],
    contexts: [context('prod', 'prod', 'prod'), context('staging', 'staging', 'staging'), context('expired', 'prod', 'stale'), context('down', 'down', 'prod'), context('forbidden', 'prod', 'no-rbac'), context('wrong-ca', 'no-ca', 'prod')],
  }));
});

afterAll(async () => {
  await prod?.stop();
  await staging?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function clearLog(...doubles: KubeApiDouble[]): void {
  for (const d of doubles) {
    d.requests.length = 0;
    d.statuses.length = 0;
  }
}

function podListRequests(d: KubeApiDouble): string[] {
  return d.requests.filter((r) => /\/pods(\?|$)/.test(r));
}

/** What the inventory should say about a list of pods, from the same pure mapping. */
function expectedFrom(pods: PodLike[], cluster: string): ContainerRow[] {
  return pods.flatMap((p) => podContainers(p, cluster).rows);
}

async function kubectl(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'kube-cache'), ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, maxBuffer: 16 * 1024 * 1024,
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? 1 };
  }
}

function byDigest(inv: Inventory, digest: string) {
  const image = inv.images.find((i) => i.digest === digest);
  if (!image) throw new Error(`no record for ${digest}`);
  return image;
}

test('every running digest of two clusters, paged with limit/continue, owners resolved, one record per digest', async () => {
  clearLog(prod, staging);
  const inv = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['prod', 'staging'] }, { pageSize: 2 });

  // 11 prod pods in pages of 2: 6 requests, every one after the first carrying the previous continue token.
  const pages = podListRequests(prod);
  expect(pages).toHaveLength(6);
  expect(pages[0]).toBe('GET /api/v1/pods?limit=2');
  for (const p of pages.slice(1)) expect(p).toMatch(/^GET \/api\/v1\/pods\?continue=[A-Za-z0-9%]+&limit=2$/);

  const digests = inv.images.map((i) => i.digest);
  expect(digests).toEqual([...digests].sort());
  expect(new Set(digests)).toEqual(new Set([DIGESTS.web, DIGESTS.webOld, DIGESTS.migrate, DIGESTS.envoy, DIGESTS.report, DIGESTS.postgres, DIGESTS.exporter, DIGESTS.busybox, DIGESTS.tools, DIGESTS.nginx]));

  // The same digest in two clusters: one record, fanned out to both.
  const web = byDigest(inv, DIGESTS.web);
  expect(web.repository).toBe(`${REG}/shop/web`);
  expect(web.workloads.map((w) => `${w.cluster}/${w.namespace}/${w.kind}/${w.name}/${w.pod}`)).toEqual([
    'prod/shop/Deployment/web/web-7d4b9c8f6d-9mlpf',
    'prod/shop/Deployment/web/web-7d4b9c8f6d-x2kqz',
    'staging/shop/Deployment/web/web-6c8d7f9b5-m2p4r',
  ]);
  expect(web.workloads[0]).toEqual({
    cluster: 'prod', namespace: 'shop', kind: 'Deployment', name: 'web', pod: 'web-7d4b9c8f6d-9mlpf', container: 'app', containerKind: 'container',
    image: `${REG}/shop/web:v2`, node: 'node-b', containerId: expect.stringMatching(/^containerd:\/\/[a-f0-9]{64}$/),
  });
  // The pod whose tag moved: recorded under the digest it runs, with the tag its spec names.
  expect(byDigest(inv, DIGESTS.webOld).workloads).toEqual([expect.objectContaining({ pod: 'web-7d4b9c8f6d-q7wtn', image: `${REG}/shop/web:v2` })]);
  // Init containers of the Deployment and a plain Job's container share the migrate digest.
  expect(byDigest(inv, DIGESTS.migrate).workloads.map((w) => `${w.kind}/${w.name}/${w.containerKind}`)).toEqual(['Deployment/web/init', 'Deployment/web/init', 'Deployment/web/init', 'Job/migrate-db/container']);
  expect(byDigest(inv, DIGESTS.report).workloads.map((w) => `${w.kind}/${w.name}`)).toEqual(['CronJob/nightly-report']);
  expect(byDigest(inv, DIGESTS.postgres)).toEqual({ digest: DIGESTS.postgres, repository: 'docker.io/library/postgres', workloads: [expect.objectContaining({ kind: 'StatefulSet', name: 'db', pod: 'db-0' })] });
  expect(byDigest(inv, DIGESTS.exporter).workloads.map((w) => `${w.kind}/${w.name}/${w.node}`)).toEqual(['DaemonSet/node-exporter/node-a', 'DaemonSet/node-exporter/node-b']);
  expect(byDigest(inv, DIGESTS.busybox).workloads).toEqual([expect.objectContaining({ kind: 'Pod', name: 'debug', container: 'debugger-abc12', containerKind: 'ephemeral' })]);
  expect(byDigest(inv, DIGESTS.nginx)).toEqual({ digest: DIGESTS.nginx, repository: 'docker.io/library/nginx', workloads: [expect.objectContaining({ kind: 'Deployment', name: 'proxy', containerId: expect.stringMatching(/^docker:\/\//) })] });

  // The pending pod has no digest yet: one line, nothing invented.
  expect(inv.notes).toEqual([{ source: 'prod', message: expect.stringMatching(/^1 container\(s\) not started yet, so no digest to check \(shop\/web-7d4b9c8f6d-pend1\/app\); the next sweep lists them$/) }]);
});

test('the double against the real kubectl: `get pods -A -o json --chunk-size=2` pages the same way and lists the same pods', async () => {
  clearLog(prod);
  const out = await kubectl(['--context', 'prod', 'get', 'pods', '-A', '-o', 'json', '--chunk-size=2']);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  const pageRequests = podListRequests(prod);
  expect(pageRequests).toHaveLength(6);
  expect(pageRequests[0]).toBe('GET /api/v1/pods?limit=2');
  for (const p of pageRequests.slice(1)) expect(p).toMatch(/^GET \/api\/v1\/pods\?continue=[A-Za-z0-9%]+&limit=2$/);
  // kubectl went through discovery first.
  expect(prod.requests.some((r) => r.startsWith('GET /api?') || r === 'GET /api')).toBe(true);

  const list = JSON.parse(out.stdout) as { kind: string; items: Array<PodLike & { kind: string }> };
  expect(list.kind).toBe('List');
  expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toHaveLength(11);
  const fromKubectl = groupContainers(expectedFrom(list.items, 'prod'));
  const ours = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['prod'] }, { pageSize: 2 });
  expect(ours.images).toEqual(fromKubectl);
});

test('an expired kubeconfig token and an unreachable cluster: one line each, the rest of the estate is listed', async () => {
  const logged: string[] = [];
  const logger = { info: (m: string) => logged.push(`info ${m}`), warn: (m: string) => logged.push(`warn ${m}`), debug: () => undefined };
  const inv = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['expired', 'down', 'staging'] }, { pageSize: 2, logger });
  expect(logged).toEqual([
    expect.stringMatching(/^warn inventory: cluster expired .* \(401 Unauthorized\)/),
    expect.stringMatching(/^warn inventory: cluster down .* unreachable/),
    'info inventory: cluster staging: 1 running container(s), 1 digest(s)',
  ]);
  expect(inv.images.map((i) => i.digest)).toEqual([DIGESTS.web]);
  expect(inv.notes).toEqual([
    { source: 'expired', message: `cluster expired at ${prod.url} rejected the credentials (401 Unauthorized): the kubeconfig token has expired or is wrong; log in again or refresh the token for context expired` },
    { source: 'down', message: expect.stringMatching(/^cluster down at https:\/\/127\.0\.0\.1:\d+ is unreachable \(ECONNREFUSED\); check the server address in the kubeconfig and the network$/) },
  ]);
  // Secrets never reach a note.
  for (const n of inv.notes) expect(n.message).not.toMatch(/expired-token|prod-token/);
  // kubectl sees the same 401 from the double.
  const out = await kubectl(['--context', 'expired', 'get', 'pods', '-A', '-o', 'json']);
  expect(out.code).not.toBe(0);
  expect(out.stderr).toMatch(/error: You must be logged in to the server/);
});

test('an API server that accepts the connection and never answers: the request deadline turns it into one line', async () => {
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const cfg = path.join(dir, 'silent.kubeconfig');
  fs.writeFileSync(cfg, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'silent',
    clusters: [{ name: 'silent', cluster: { server: `https://127.0.0.1:${(silent.address() as net.AddressInfo).port}`, 'certificate-authority': caFile } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'silent', context: { cluster: 'silent', user: 'u' } }],
  }));
  try {
    const inv = await listInventory({ kind: 'kubernetes', kubeconfig: cfg }, { requestTimeoutMs: 300 });
    expect(inv.notes).toEqual([{ source: 'silent', message: expect.stringMatching(/^cluster silent at https:\/\/127\.0\.0\.1:\d+ did not answer in time; check the server address in the kubeconfig and the network$/) }]);
  } finally {
    silent.close();
  }
});

test('a server certificate the kubeconfig does not trust: one line pointing at certificate-authority', async () => {
  const inv = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['wrong-ca'] });
  expect(inv.notes).toEqual([{ source: 'wrong-ca', message: `cluster wrong-ca at ${prod.url}: TLS failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE); check certificate-authority for context wrong-ca in the kubeconfig` }]);
});

test('a list the service account may not make: 403, one line naming the RBAC', async () => {
  const inv = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['forbidden'] });
  expect(inv.images).toEqual([]);
  expect(inv.notes).toEqual([{ source: 'forbidden', message: expect.stringMatching(/^cluster forbidden at \S+ refused to list pods \(403 Forbidden: pods is forbidden: User .* cannot list resource "pods" .*\); grant list on pods \(deploy\/monitor\/rbac\.yaml\)$/) }]);
  const out = await kubectl(['--context', 'forbidden', 'get', 'pods', '-A']);
  expect(out.stderr).toContain('Error from server (Forbidden): pods is forbidden');
});

test('410 Gone for an expired continue token: the list restarts from the beginning and is whole', async () => {
  clearLog(prod);
  prod.expireContinueTokens(1);
  const inv = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['prod'] }, { pageSize: 4 });
  const pages = podListRequests(prod);
  // page 1, its continue → 410, then page 1 again and the two pages after it.
  expect(prod.statuses.slice(-pages.length)).toEqual([200, 410, 200, 200, 200]);
  expect(pages[0]).toBe('GET /api/v1/pods?limit=4');
  expect(pages[2]).toBe('GET /api/v1/pods?limit=4');
  expect(inv.images).toEqual(groupContainers(expectedFrom(prodPods() as PodLike[], 'prod')));
});

test('the real kubectl reads the double\'s 410 as the API server\'s Expired status', async () => {
  prod.expireContinueTokens(1);
  const out = await kubectl(['--context', 'prod', 'get', 'pods', '-A', '-o', 'json', '--chunk-size=2']);
  prod.expireContinueTokens(0);
  expect(out.code).not.toBe(0);
  expect(out.stderr).toContain('The provided continue parameter is too old');
});

test('a cluster whose continue tokens keep expiring: bounded restarts, then one line', async () => {
  const flaky = await startKubeApiDouble({ tls: { caFile, caPem: '', certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') }, tokens: ['t'], pods: prodPods() });
  try {
    flaky.expireContinueTokensAlways();
    const cfg = path.join(dir, 'flaky.kubeconfig');
    fs.writeFileSync(cfg, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'flaky',
      clusters: [{ name: 'flaky', cluster: { server: flaky.url, 'certificate-authority': caFile } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'flaky', context: { cluster: 'flaky', user: 'u' } }],
    }));
    const inv = await listInventory({ kind: 'kubernetes', kubeconfig: cfg }, { pageSize: 3, maxRestarts: 2 });
    expect(inv.images).toEqual([]);
    expect(inv.notes).toEqual([{ source: 'flaky', message: `cluster flaky at ${flaky.url}: the pod list expired (410 Gone) 3 times while paging; the cluster changes faster than it can be paged: retry, or list fewer namespaces per run` }]);
    expect(flaky.statuses.filter((s) => s === 410)).toHaveLength(3);
  } finally {
    await flaky.stop();
  }
});

test('chosen namespaces are listed namespace by namespace', async () => {
  clearLog(prod);
  const inv = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['prod'], namespaces: ['data', 'kube-system'] }, { pageSize: 1 });
  expect(podListRequests(prod).map((r) => r.replace(/continue=[^&]+/, 'continue=…'))).toEqual([
    'GET /api/v1/namespaces/data/pods?limit=1',
    'GET /api/v1/namespaces/kube-system/pods?limit=1',
    'GET /api/v1/namespaces/kube-system/pods?continue=…&limit=1',
  ]);
  expect(inv.images.map((i) => i.digest).sort()).toEqual([DIGESTS.postgres, DIGESTS.exporter].sort());
});

test('--in-cluster: the service account token and CA from the pod, the API from KUBERNETES_SERVICE_HOST/PORT', async () => {
  const root = path.join(dir, 'pod-root');
  const sa = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  fs.mkdirSync(sa, { recursive: true });
  fs.writeFileSync(path.join(sa, 'token'), 'staging-token');
  fs.copyFileSync(caFile, path.join(sa, 'ca.crt'));
  fs.writeFileSync(path.join(sa, 'namespace'), 'monitor');
  const port = new URL(staging.url).port;
  const inv = await listInventory({ kind: 'kubernetes', inCluster: true }, { inClusterRoot: root, env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port } });
  expect(inv.images.map((i) => [i.digest, i.workloads.map((w) => w.cluster)])).toEqual([[DIGESTS.web, ['in-cluster']]]);
  await expect(listInventory({ kind: 'kubernetes', inCluster: true }, { env: {} })).rejects.toThrow(/--in-cluster: KUBERNETES_SERVICE_HOST\/PORT are not set/);
});

test('bad flags and files are one-line UserErrors; --shard keeps its part of the estate', async () => {
  await expect(listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['nope'] })).rejects.toThrow(new UserError(`--context 'nope': not in ${kubeconfig}; the contexts there are prod, staging, expired, down, forbidden, wrong-ca`));
  await expect(listInventory({ kind: 'kubernetes', kubeconfig: path.join(dir, 'missing') })).rejects.toThrow(/missing: cannot read the kubeconfig \(.*\); pass a kubeconfig file/);
  const notYaml = path.join(dir, 'not-a-kubeconfig');
  fs.writeFileSync(notYaml, 'clusters: [ {');
  await expect(listInventory({ kind: 'kubernetes', kubeconfig: notYaml })).rejects.toThrow(UserError);

  const whole = await listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['prod'] });
  const shards = await Promise.all([0, 1, 2].map((index) => listInventory({ kind: 'kubernetes', kubeconfig, contexts: ['prod'] }, { shard: { index, count: 3 } })));
  expect(shards.flatMap((s) => s.images).sort((a, b) => (a.digest < b.digest ? -1 : 1))).toEqual(whole.images);
  for (const s of shards) expect(s.notes).toEqual(whole.notes);

  const file = path.join(dir, 'inventory.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, images: [{ repository: `${REG}/shop/web`, digest: DIGESTS.web, workloads: [{ cluster: 'ecs-prod', name: 'web' }] }] }));
  const fromFile = await listInventory({ kind: 'file', path: file });
  expect(fromFile.images).toEqual([{ digest: DIGESTS.web, repository: `${REG}/shop/web`, workloads: [expect.objectContaining({ cluster: 'ecs-prod', kind: 'Service', name: 'web' })] }]);
});

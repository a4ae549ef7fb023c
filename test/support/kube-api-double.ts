/**
 * TEST DOUBLE of the Kubernetes API server (no cluster can run here): an HTTPS server speaking the
 * real wire format for what the monitor and kubectl ask of it, checked against Debian's kubectl.
 *   - discovery: GET /version, /api, /apis, /api/v1, /apis/{group}/{version} (legacy discovery:
 *     kubectl asks for the aggregated kind first and falls back when answered plain JSON)
 *   - GET /api/v1/pods and /api/v1/namespaces/{ns}/pods with `limit` and `continue`: a PodList
 *     whose `metadata.continue` is the apiserver's token shape (base64 JSON {v, rv, start}) and
 *     `metadata.resourceVersion` the snapshot's; items in etcd key order (namespace/name)
 *   - 410 Gone, a Status with reason Expired (and a fresh continue token, as the apiserver sends),
 *     for a continue token older than the last compaction
 *   - 401 Unauthorized (Status) for a missing or unknown bearer token, 403 Forbidden for a token
 *     that may not list pods, 404 NotFound (Status) for anything else
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestServerTls } from './tls';

// Pods as the API serves them: plain JSON objects.
export type PodJson = Record<string, unknown> & { metadata: { name: string; namespace: string } };

export interface KubeApiDoubleOptions {
  tls: TestServerTls;
  /** Bearer tokens accepted; `forbidden` ones authenticate but may not list pods. */
  tokens: string[];
  forbiddenTokens?: string[];
  pods: PodJson[];
}

export interface KubeApiDouble {
  url: string;
  /** `METHOD path?query` of every request, in order. */
  requests: string[];
  /** Statuses answered, in order (parallel to requests). */
  statuses: number[];
  /** The next `n` requests with a continue token get 410 Gone, as after an etcd compaction. */
  expireContinueTokens(n?: number): void;
  /** Every continue token gets 410 Gone from now on. */
  expireContinueTokensAlways(): void;
  stop(): Promise<void>;
}

const GROUPS: Record<string, Record<string, Array<[string, string, boolean, string[]]>>> = {
  // resource, kind, namespaced, short names
  '': { v1: [['pods', 'Pod', true, ['po']], ['namespaces', 'Namespace', false, ['ns']], ['serviceaccounts', 'ServiceAccount', true, ['sa']]] },
  apps: { v1: [['deployments', 'Deployment', true, ['deploy']], ['replicasets', 'ReplicaSet', true, ['rs']], ['statefulsets', 'StatefulSet', true, ['sts']], ['daemonsets', 'DaemonSet', true, ['ds']]] },
  batch: { v1: [['jobs', 'Job', true, []], ['cronjobs', 'CronJob', true, ['cj']]] },
  'rbac.authorization.k8s.io': { v1: [['clusterroles', 'ClusterRole', false, []], ['clusterrolebindings', 'ClusterRoleBinding', false, []], ['roles', 'Role', true, []], ['rolebindings', 'RoleBinding', true, []]] },
};
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourceList(group: string, version: string): object {
  const groupVersion = group ? `${group}/${version}` : version;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: GROUPS[group][version].map(([name, kind, namespaced, shortNames]) => ({
      name, singularName: kind.toLowerCase(), namespaced, kind, verbs: VERBS, ...(shortNames.length ? { shortNames } : {}), storageVersionHash: 'double00000=',
    })),
  };
}

function status(code: number, reason: string, message: string, extra: Record<string, unknown> = {}): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: extra.metadata ?? {}, status: 'Failure', message, reason, code, ...(extra.details ? { details: extra.details } : {}) };
}

const EXPIRED_MESSAGE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { v?: string; rv?: number; start?: string };
    return t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && typeof t.start === 'string' ? { rv: t.rv, start: t.start } : undefined;
  } catch {
    return undefined;
  }
}

export async function startKubeApiDouble(opts: KubeApiDoubleOptions): Promise<KubeApiDouble> {
  const requests: string[] = [];
  const statuses: number[] = [];
  let resourceVersion = 1000;
  let compactedBelow = 0;
  let expireNext = 0;
  let expireAlways = false;
  const key = (p: PodJson) => `${p.metadata.namespace}/${p.metadata.name}`;
  const pods = [...opts.pods].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let url = '';

  const server = https.createServer({ cert: fs.readFileSync(opts.tls.certFile), key: fs.readFileSync(opts.tls.keyFile) }, (req, res) => {
    const u = new URL(req.url ?? '/', 'https://double');
    requests.push(`${req.method} ${u.pathname}${u.search}`);
    const send = (code: number, body: object) => {
      statuses.push(code);
      res.writeHead(code, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'audit-id': `double-${requests.length}` });
      res.end(JSON.stringify(body));
    };
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !(opts.tokens.includes(auth) || opts.forbiddenTokens?.includes(auth))) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (req.method !== 'GET') return send(405, status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
    const p = u.pathname.replace(/\/+$/, '') || '/';

    if (p === '/version') return send(200, { major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: 'double', gitTreeState: 'clean', buildDate: '2025-04-22T00:00:00Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64' });
    if (p === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: url.replace(/^https:\/\//, '') }] });
    if (p === '/apis') {
      const groups = Object.keys(GROUPS).filter((g) => g).map((name) => {
        const versions = Object.keys(GROUPS[name]).map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions, preferredVersion: versions[0] };
      });
      return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
    }
    if (p === '/api/v1') return send(200, resourceList('', 'v1'));
    const groupVersion = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
    if (groupVersion && GROUPS[groupVersion[1]]?.[groupVersion[2]]) return send(200, resourceList(groupVersion[1], groupVersion[2]));

    const list = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/pods$/.exec(p);
    if (list) {
      const namespace = list[1];
      if (opts.forbiddenTokens?.includes(auth)) {
        const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
        return send(403, status(403, 'Forbidden', `pods is forbidden: User "system:serviceaccount:monitor:ship-image-monitor" cannot list resource "pods" in API group "" ${scope}`, { details: { kind: 'pods' } }));
      }
      const limit = Number(u.searchParams.get('limit') ?? '0');
      const token = u.searchParams.get('continue');
      let snapshot = resourceVersion;
      let start = '';
      if (token) {
        const t = decodeContinue(token);
        if (!t) return send(400, status(400, 'BadRequest', 'continue key is not valid: illegal base64 data at input byte 0'));
        if (expireAlways || expireNext > 0 || t.rv < compactedBelow) {
          if (expireNext > 0) expireNext--;
          compactedBelow = ++resourceVersion;
          return send(410, status(410, 'Expired', EXPIRED_MESSAGE, { metadata: { continue: encodeContinue(resourceVersion, t.start) } }));
        }
        snapshot = t.rv;
        start = t.start;
      }
      const matching = pods.filter((pod) => (!namespace || pod.metadata.namespace === namespace) && key(pod) >= start);
      const page = limit > 0 ? matching.slice(0, limit) : matching;
      const metadata: Record<string, string> = { resourceVersion: String(snapshot) };
      if (page.length < matching.length) metadata.continue = encodeContinue(snapshot, `${key(page[page.length - 1])}\u0000`);
      return send(200, { kind: 'PodList', apiVersion: 'v1', metadata, items: page });
    }
    return send(404, status(404, 'NotFound', 'the server could not find the requested resource', { details: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    statuses,
    expireContinueTokens: (n = 1) => {
      expireNext += n;
    },
    expireContinueTokensAlways: () => {
      expireAlways = true;
    },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

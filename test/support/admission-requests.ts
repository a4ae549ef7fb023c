/**
 * Requests as their real senders build them, field for field: Gatekeeper's external data call
 * (frameworks constraint/pkg/externaldata NewProviderRequest: apiVersion, kind, request.keys; POSTed
 * as application/json) and the API server's admission.k8s.io/v1 AdmissionReview (k8s.io/api
 * admission/v1 AdmissionRequest: uid, kind, resource, requestKind, requestResource, name,
 * namespace, operation, userInfo, object, oldObject, dryRun, options), around workload objects of
 * core/v1, apps/v1 and batch/v1. Plus a small HTTPS client for them.
 */
import { randomUUID } from 'node:crypto';
import * as https from 'node:https';

export function providerRequest(keys: string[]): unknown {
  return { apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderRequest', request: { keys } };
}

export interface PodImages {
  containers: string[];
  initContainers?: string[];
  ephemeralContainers?: string[];
}

function podSpec(images: PodImages): Record<string, unknown> {
  const list = (prefix: string, xs: string[] | undefined) =>
    xs?.map((image, i) => ({ name: `${prefix}${i}`, image, imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }));
  return {
    containers: list('app', images.containers),
    ...(images.initContainers ? { initContainers: list('init', images.initContainers) } : {}),
    ...(images.ephemeralContainers ? { ephemeralContainers: list('debug', images.ephemeralContainers) } : {}),
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    securityContext: {},
    schedulerName: 'default-scheduler',
  };
}

type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob';

const GROUPS: Record<WorkloadKind, { group: string; version: string; resource: string }> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
};

export function workload(kind: WorkloadKind, name: string, images: PodImages): Record<string, unknown> {
  const g = GROUPS[kind];
  const metadata = { name, namespace: 'default', uid: randomUUID(), creationTimestamp: null, labels: { app: name } };
  const template = { metadata: { creationTimestamp: null, labels: { app: name } }, spec: podSpec(images) };
  const apiVersion = g.group ? `${g.group}/${g.version}` : g.version;
  switch (kind) {
    case 'Pod':
      return { apiVersion, kind, metadata, spec: podSpec(images), status: {} };
    case 'Job':
      return { apiVersion, kind, metadata, spec: { template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } }, backoffLimit: 6 }, status: {} };
    case 'CronJob':
      return {
        apiVersion,
        kind,
        metadata,
        spec: { schedule: '*/5 * * * *', jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: { ...template, spec: { ...template.spec, restartPolicy: 'OnFailure' } } } } },
        status: {},
      };
    default:
      return { apiVersion, kind, metadata, spec: { replicas: 1, selector: { matchLabels: { app: name } }, template }, status: {} };
  }
}

export function admissionReview(object: Record<string, unknown>, operation: 'CREATE' | 'UPDATE' | 'DELETE' = 'CREATE'): Record<string, unknown> {
  const kind = object.kind as WorkloadKind;
  const g = GROUPS[kind];
  const metadata = object.metadata as { name: string; namespace: string };
  return {
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: randomUUID(),
      kind: { group: g.group, version: g.version, kind },
      resource: { group: g.group, version: g.version, resource: g.resource },
      requestKind: { group: g.group, version: g.version, kind },
      requestResource: { group: g.group, version: g.version, resource: g.resource },
      name: metadata.name,
      namespace: metadata.namespace,
      operation,
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: operation === 'DELETE' ? null : object,
      oldObject: operation === 'CREATE' ? null : object,
      dryRun: false,
      options: { kind: operation === 'CREATE' ? 'CreateOptions' : operation === 'UPDATE' ? 'UpdateOptions' : 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ClientTls {
  ca: string;
  cert?: string;
  key?: string;
  agent?: https.Agent;
}

/** One HTTPS request to 127.0.0.1:port; the body is JSON-encoded unless it is a Buffer or string. */
export function httpsRequest(port: number, method: string, path: string, tls: ClientTls, body?: unknown, headers: Record<string, string> = {}): Promise<HttpsAnswer> {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        agent: tls.agent,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

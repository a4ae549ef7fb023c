/**
 * Pods shaped as a real API server returns them (metadata with owners and labels, spec, status
 * with container statuses as containerd reports them), for the Kubernetes API double.
 */
import { createHash } from 'node:crypto';
import type { PodJson } from './kube-api-double';

export function fakeDigest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

function uid(seed: string): string {
  const h = createHash('sha256').update(`uid:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export interface ContainerFixture {
  name: string;
  /** As the pod spec names it. */
  image: string;
  /** The repository the runtime resolved (imageID's name part); '' for a container not started yet. */
  runningRepository: string;
  digest: string;
  /** imageID prefix: '' for containerd/CRI-O, 'docker-pullable://' for cri-dockerd. */
  scheme?: string;
}

export interface PodFixture {
  namespace: string;
  name: string;
  node?: string;
  labels?: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string };
  containers: ContainerFixture[];
  initContainers?: ContainerFixture[];
  ephemeralContainers?: ContainerFixture[];
  phase?: 'Running' | 'Succeeded' | 'Pending';
  runtime?: 'containerd' | 'docker';
}

const STARTED = '2026-11-30T08:00:00Z';

function spec(c: ContainerFixture): Record<string, unknown> {
  return { name: c.name, image: c.image, imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };
}

function statusOf(c: ContainerFixture, pod: PodFixture, kind: 'container' | 'init' | 'ephemeral'): Record<string, unknown> {
  const runtime = pod.runtime ?? 'containerd';
  if (!c.runningRepository) {
    return { name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } };
  }
  const containerID = `${runtime}://${createHash('sha256').update(`${pod.namespace}/${pod.name}/${c.name}`).digest('hex')}`;
  const done = kind === 'init' || pod.phase === 'Succeeded';
  const state = done
    ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: STARTED, finishedAt: STARTED, containerID } }
    : { running: { startedAt: STARTED } };
  return {
    name: c.name,
    // The runtime's normalised name for what it pulled, then the digest that runs.
    image: c.image.includes('/') && c.image.split('/')[0].includes('.') ? c.image : `docker.io/${c.image.includes('/') ? '' : 'library/'}${c.image}`,
    imageID: `${c.scheme ?? (runtime === 'docker' ? 'docker-pullable://' : '')}${c.runningRepository}@${c.digest}`,
    containerID,
    ready: !done,
    restartCount: 0,
    ...(kind === 'container' ? { started: !done } : {}),
    state,
    lastState: {},
  };
}

export function podJson(f: PodFixture): PodJson {
  const phase = f.phase ?? 'Running';
  const metadata: Record<string, unknown> = {
    name: f.name,
    namespace: f.namespace,
    uid: uid(`${f.namespace}/${f.name}`),
    resourceVersion: '4242',
    creationTimestamp: STARTED,
    labels: f.labels ?? {},
  };
  if (f.owner) {
    metadata.generateName = f.name.replace(/[^-]+$/, '');
    metadata.ownerReferences = [{ ...f.owner, uid: uid(`${f.owner.kind}/${f.owner.name}`), controller: true, blockOwnerDeletion: true }];
  }
  const status: Record<string, unknown> = {
    phase,
    conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: STARTED }],
    hostIP: '10.0.0.10',
    podIP: '10.244.1.7',
    startTime: STARTED,
    qosClass: 'BestEffort',
    containerStatuses: f.containers.map((c) => statusOf(c, f, 'container')),
  };
  if (f.initContainers) status.initContainerStatuses = f.initContainers.map((c) => statusOf(c, f, 'init'));
  if (f.ephemeralContainers) status.ephemeralContainerStatuses = f.ephemeralContainers.map((c) => statusOf(c, f, 'ephemeral'));
  const podSpec: Record<string, unknown> = {
    containers: f.containers.map(spec),
    restartPolicy: f.owner?.kind === 'Job' ? 'OnFailure' : 'Always',
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    schedulerName: 'default-scheduler',
    terminationGracePeriodSeconds: 30,
  };
  if (f.node) podSpec.nodeName = f.node;
  if (f.initContainers) podSpec.initContainers = f.initContainers.map(spec);
  if (f.ephemeralContainers) podSpec.ephemeralContainers = f.ephemeralContainers.map((c) => ({ ...spec(c), targetContainerName: f.containers[0].name }));
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec, status } as unknown as PodJson;
}

export const DIGESTS = {
  web: fakeDigest('web v2'),
  webOld: fakeDigest('web v1'),
  migrate: fakeDigest('migrate'),
  envoy: fakeDigest('envoy'),
  report: fakeDigest('report'),
  postgres: fakeDigest('postgres'),
  exporter: fakeDigest('node-exporter'),
  busybox: fakeDigest('busybox'),
  tools: fakeDigest('tools'),
  nginx: fakeDigest('nginx'),
  pending: fakeDigest('pending'),
};

const REG = 'registry.example:5000';

const web = (tag: string, digest: string): ContainerFixture => ({ name: 'app', image: `${REG}/shop/web:${tag}`, runningRepository: `${REG}/shop/web`, digest });

/** A production cluster: every owner shape, every kind of container status, and a moved tag. */
export function prodPods(): PodJson[] {
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6d' };
  const deployment = (suffix: string, node: string, app: ContainerFixture): PodFixture => ({
    namespace: 'shop', name: `web-7d4b9c8f6d-${suffix}`, node, labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6d' }, owner: rs,
    containers: [app, { name: 'envoy', image: 'envoyproxy/envoy:v1.30.1', runningRepository: 'docker.io/envoyproxy/envoy', digest: DIGESTS.envoy }],
    initContainers: [{ name: 'migrate', image: `${REG}/shop/migrate:v2`, runningRepository: `${REG}/shop/migrate`, digest: DIGESTS.migrate }],
  });
  const pods: PodFixture[] = [
    deployment('x2kqz', 'node-a', web('v2', DIGESTS.web)),
    deployment('9mlpf', 'node-b', web('v2', DIGESTS.web)),
    // Started before v2 was re-pushed: the spec says v2, the runtime runs the old digest.
    deployment('q7wtn', 'node-c', web('v2', DIGESTS.webOld)),
    {
      namespace: 'shop', name: 'nightly-report-29414880-5xj2c', node: 'node-a', phase: 'Succeeded',
      labels: { 'batch.kubernetes.io/job-name': 'nightly-report-29414880', 'job-name': 'nightly-report-29414880' },
      owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-report-29414880' },
      containers: [{ name: 'report', image: `${REG}/shop/report:latest`, runningRepository: `${REG}/shop/report`, digest: DIGESTS.report }],
    },
    {
      namespace: 'shop', name: 'migrate-db-7hq2x', node: 'node-b', phase: 'Succeeded',
      labels: { 'batch.kubernetes.io/job-name': 'migrate-db' }, owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'migrate-db' },
      containers: [{ name: 'migrate', image: `${REG}/shop/migrate:v2`, runningRepository: `${REG}/shop/migrate`, digest: DIGESTS.migrate }],
    },
    {
      namespace: 'data', name: 'db-0', node: 'node-c', labels: { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' },
      owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' },
      containers: [{ name: 'postgres', image: 'postgres:16', runningRepository: 'docker.io/library/postgres', digest: DIGESTS.postgres }],
    },
    ...['node-a', 'node-b'].map((node, i): PodFixture => ({
      namespace: 'kube-system', name: `node-exporter-${['8fj2k', 'tq9zd'][i]}`, node, labels: { app: 'node-exporter', 'controller-revision-hash': '6b9d8c7f5' },
      owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-exporter' },
      containers: [{ name: 'exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', runningRepository: 'quay.io/prometheus/node-exporter', digest: DIGESTS.exporter }],
    })),
    {
      // A bare pod someone debugs with `kubectl debug -it debug --image=busybox`.
      namespace: 'default', name: 'debug', node: 'node-a',
      containers: [{ name: 'tools', image: `${REG}/ops/tools:1`, runningRepository: `${REG}/ops/tools`, digest: DIGESTS.tools }],
      ephemeralContainers: [{ name: 'debugger-abc12', image: 'busybox:1.36', runningRepository: 'docker.io/library/busybox', digest: DIGESTS.busybox }],
    },
    {
      // A node still on dockershim's successor, cri-dockerd: docker-pullable:// image IDs.
      namespace: 'edge', name: 'proxy-5c9f7b8d4-kx8wq', node: 'node-d', runtime: 'docker', labels: { 'pod-template-hash': '5c9f7b8d4' },
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'proxy-5c9f7b8d4' },
      containers: [{ name: 'nginx', image: 'nginx:1.27', runningRepository: 'nginx', digest: DIGESTS.nginx }],
    },
    {
      namespace: 'shop', name: 'web-7d4b9c8f6d-pend1', labels: { 'pod-template-hash': '7d4b9c8f6d' }, owner: rs, phase: 'Pending',
      containers: [{ name: 'app', image: `${REG}/shop/web:v2`, runningRepository: '', digest: '' }],
    },
  ];
  return pods.map(podJson);
}

/** A staging cluster running the same web digest: one record, fanned out to both clusters. */
export function stagingPods(): PodJson[] {
  return [
    podJson({
      namespace: 'shop', name: 'web-6c8d7f9b5-m2p4r', node: 'stg-1', labels: { 'pod-template-hash': '6c8d7f9b5' },
      owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-6c8d7f9b5' },
      containers: [web('v2', DIGESTS.web)],
    }),
  ];
}

import { podContainers, type PodLike } from './pods';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

const pod: PodLike = {
  metadata: {
    name: 'web-7d4b9c8f6d-x2kqz',
    namespace: 'shop',
    labels: { 'pod-template-hash': '7d4b9c8f6d' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f6d', controller: true }],
  },
  spec: {
    nodeName: 'node-a',
    containers: [{ name: 'app', image: 'registry.example/shop/web:v2' }, { name: 'sidecar', image: 'envoy:1.30' }],
    initContainers: [{ name: 'migrate', image: 'registry.example/shop/migrate:v2' }],
    ephemeralContainers: [{ name: 'debugger-abc12', image: 'busybox:1.36' }],
  },
  status: {
    // The tag v2 has moved on since the pod started: the digest is what runs.
    containerStatuses: [
      { name: 'app', image: 'registry.example/shop/web:v2', imageID: `registry.example/shop/web@${A}`, containerID: 'containerd://111' },
      { name: 'sidecar', image: 'docker.io/library/envoy:1.30', imageID: '' },
    ],
    initContainerStatuses: [{ name: 'migrate', imageID: `registry.example/shop/migrate@${B}`, containerID: 'containerd://222' }],
    ephemeralContainerStatuses: [{ name: 'debugger-abc12', imageID: `docker.io/library/busybox@${C}` }],
  },
};

test('every kind of container status, owner resolved, spec image kept, no-digest statuses skipped', () => {
  const { rows, skipped } = podContainers(pod, 'prod');
  const base = { cluster: 'prod', namespace: 'shop', kind: 'Deployment', name: 'web', pod: 'web-7d4b9c8f6d-x2kqz', node: 'node-a' };
  expect(rows).toEqual([
    { digest: A, repository: 'registry.example/shop/web', workload: { ...base, container: 'app', containerKind: 'container', image: 'registry.example/shop/web:v2', containerId: 'containerd://111' } },
    { digest: B, repository: 'registry.example/shop/migrate', workload: { ...base, container: 'migrate', containerKind: 'init', image: 'registry.example/shop/migrate:v2', containerId: 'containerd://222' } },
    { digest: C, repository: 'docker.io/library/busybox', workload: { ...base, container: 'debugger-abc12', containerKind: 'ephemeral', image: 'busybox:1.36' } },
  ]);
  expect(skipped).toEqual([{ where: 'shop/web-7d4b9c8f6d-x2kqz/sidecar', reason: expect.stringContaining('not started'), pending: true }]);
});

test('a pod without status yields nothing', () => {
  expect(podContainers({ metadata: { name: 'p', namespace: 'n' } }, 'c')).toEqual({ rows: [], skipped: [] });
});

import { resolveOwner } from './owners';

const owned = (kind: string, name: string, labels?: Record<string, string>) => ({
  name: 'pod-1',
  labels,
  ownerReferences: [{ kind, name, controller: true }],
});

describe('resolveOwner (from the pod alone: RBAC is list pods)', () => {
  test('ReplicaSet → Deployment by pod-template-hash', () => {
    expect(resolveOwner(owned('ReplicaSet', 'web-7d4b9c8f6d', { 'pod-template-hash': '7d4b9c8f6d' }))).toEqual({ kind: 'Deployment', name: 'web' });
  });
  test('a ReplicaSet without the hash label, or whose name does not end in it, stays a ReplicaSet', () => {
    expect(resolveOwner(owned('ReplicaSet', 'web-7d4b9c8f6d'))).toEqual({ kind: 'ReplicaSet', name: 'web-7d4b9c8f6d' });
    expect(resolveOwner(owned('ReplicaSet', 'standalone', { 'pod-template-hash': 'abc' }))).toEqual({ kind: 'ReplicaSet', name: 'standalone' });
  });
  test('Job → CronJob by the scheduled-time suffix; a hand-made Job stays a Job', () => {
    expect(resolveOwner(owned('Job', 'nightly-report-29414880'))).toEqual({ kind: 'CronJob', name: 'nightly-report' });
    expect(resolveOwner(owned('Job', 'migrate-2'))).toEqual({ kind: 'Job', name: 'migrate-2' });
    expect(resolveOwner(owned('Job', 'nightly-report-manual-x7k'))).toEqual({ kind: 'Job', name: 'nightly-report-manual-x7k' });
  });
  test('StatefulSet, DaemonSet and other controllers are the workload', () => {
    expect(resolveOwner(owned('StatefulSet', 'db'))).toEqual({ kind: 'StatefulSet', name: 'db' });
    expect(resolveOwner(owned('DaemonSet', 'node-exporter'))).toEqual({ kind: 'DaemonSet', name: 'node-exporter' });
    expect(resolveOwner(owned('Rollout', 'canary'))).toEqual({ kind: 'Rollout', name: 'canary' });
  });
  test('a bare pod, and a static pod mirrored with its Node as owner, are Pods', () => {
    expect(resolveOwner({ name: 'debug' })).toEqual({ kind: 'Pod', name: 'debug' });
    expect(resolveOwner(owned('Node', 'node-1'))).toEqual({ kind: 'Pod', name: 'pod-1' });
  });
  test('the controller reference wins over other owners', () => {
    const pod = { name: 'p', ownerReferences: [{ kind: 'ConfigMap', name: 'x' }, { kind: 'StatefulSet', name: 'db', controller: true }] };
    expect(resolveOwner(pod)).toEqual({ kind: 'StatefulSet', name: 'db' });
  });
});

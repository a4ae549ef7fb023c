// The kinds whose pod templates admission checks besides Pods, by API group.
export interface WorkloadKind {
  kind: string;
  /** The resource name admissionregistration rules use. */
  resource: string;
}

export const WORKLOAD_KINDS: ReadonlyArray<readonly [group: string, kinds: readonly WorkloadKind[]]> = [
  [
    'apps',
    [
      { kind: 'Deployment', resource: 'deployments' },
      { kind: 'StatefulSet', resource: 'statefulsets' },
      { kind: 'DaemonSet', resource: 'daemonsets' },
      { kind: 'ReplicaSet', resource: 'replicasets' },
    ],
  ],
  [
    'batch',
    [
      { kind: 'Job', resource: 'jobs' },
      { kind: 'CronJob', resource: 'cronjobs' },
    ],
  ],
];

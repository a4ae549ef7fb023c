// The workload a pod belongs to, from the pod alone: the monitor's RBAC is "list pods", so the
// ReplicaSet, Job and CronJob objects are never read. The names follow the controllers' conventions:
// a Deployment's ReplicaSet is `<deployment>-<pod-template-hash>` (the pod carries the hash as a
// label), and a CronJob's Job is `<cronjob>-<scheduled time in minutes since the epoch>`.

export interface OwnerReference {
  kind?: string;
  name?: string;
  controller?: boolean;
}

export interface PodIdentity {
  name: string;
  labels?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface WorkloadRef {
  kind: string;
  name: string;
}

// Minutes since the epoch have had 8 digits since 1989 and keep 8 until 2160: requiring at least 8
// keeps a hand-made Job such as `migrate-2` a Job.
const CRONJOB_JOB_RE = /^(.+)-(\d{8,})$/;

export function resolveOwner(pod: PodIdentity): WorkloadRef {
  const refs = pod.ownerReferences ?? [];
  const owner = refs.find((r) => r.controller) ?? refs[0];
  if (!owner?.kind || !owner.name) return { kind: 'Pod', name: pod.name };
  switch (owner.kind) {
    case 'ReplicaSet': {
      const hash = pod.labels?.['pod-template-hash'];
      if (hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
        return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
      }
      return { kind: 'ReplicaSet', name: owner.name };
    }
    case 'Job': {
      const m = CRONJOB_JOB_RE.exec(owner.name);
      return m ? { kind: 'CronJob', name: m[1] } : { kind: 'Job', name: owner.name };
    }
    // A static pod is mirrored by the kubelet with its Node as owner: the workload is the pod itself.
    case 'Node':
      return { kind: 'Pod', name: pod.name };
    default:
      return { kind: owner.kind, name: owner.name };
  }
}

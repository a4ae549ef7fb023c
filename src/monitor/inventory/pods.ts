// One pod → the containers it runs, each with the digest its runtime reports. Typed structurally so
// that the client's V1Pod, kubectl's JSON and a test's literal all fit.
import type { Workload } from '../model';
import { runningDigest } from './image-id';
import { resolveOwner, type OwnerReference } from './owners';

interface ContainerSpec {
  name: string;
  image?: string;
}

interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
}

export interface PodLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; ownerReferences?: OwnerReference[] };
  spec?: { nodeName?: string; containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; ephemeralContainers?: ContainerSpec[] };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };
}

/** One container that runs a digest. */
export interface ContainerRow {
  digest: string;
  repository: string;
  workload: Workload;
}

/** A container status that names no digest, and why. */
export interface SkippedContainer {
  /** `namespace/pod/container` */
  where: string;
  reason: string;
  /** The container has not started yet: expected, counted rather than listed one by one. */
  pending: boolean;
}

const KINDS = [
  ['container', 'containers', 'containerStatuses'],
  ['init', 'initContainers', 'initContainerStatuses'],
  ['ephemeral', 'ephemeralContainers', 'ephemeralContainerStatuses'],
] as const;

export function podContainers(pod: PodLike, cluster: string): { rows: ContainerRow[]; skipped: SkippedContainer[] } {
  const rows: ContainerRow[] = [];
  const skipped: SkippedContainer[] = [];
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? '';
  const owner = resolveOwner({ name, labels: pod.metadata?.labels, ownerReferences: pod.metadata?.ownerReferences });
  for (const [containerKind, specKey, statusKey] of KINDS) {
    const specs = pod.spec?.[specKey] ?? [];
    for (const status of pod.status?.[statusKey] ?? []) {
      const running = runningDigest(status.imageID);
      if ('skip' in running) {
        skipped.push({ where: `${namespace}/${name}/${status.name}`, reason: running.skip, pending: !status.imageID });
        continue;
      }
      const workload: Workload = {
        cluster,
        namespace,
        kind: owner.kind,
        name: owner.name,
        pod: name,
        container: status.name,
        containerKind,
        image: specs.find((s) => s.name === status.name)?.image ?? status.image ?? '',
      };
      if (pod.spec?.nodeName) workload.node = pod.spec.nodeName;
      if (status.containerID) workload.containerId = status.containerID;
      rows.push({ digest: running.digest, repository: running.repository, workload });
    }
  }
  return { rows, skipped };
}

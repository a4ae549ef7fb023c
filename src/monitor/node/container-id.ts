// A container is the same container in two vocabularies: the pod status names it
// `containerd://ID` (or docker://, cri-o://), and the kernel puts its processes in a cgroup whose
// path carries the same ID, spelled by each runtime and cgroup driver its own way:
//   systemd driver:  …/kubepods-burstable-pod<uid>.slice/cri-containerd-<ID>.scope, docker-<ID>.scope, crio-<ID>.scope
//   cgroupfs driver: /kubepods/burstable/pod<uid>/<ID>, /docker/<ID>
// Inside the monitor pod's own cgroup namespace the paths are relative (`/../../…`): the ID is still there.

const STATUS_ID = /^([a-z][a-z0-9.+-]*):\/\/([0-9a-f]{64})$/;
const HEX64 = /(?:^|[^0-9a-f])([0-9a-f]{64})(?![0-9a-f])/g;

/** The bare ID of a pod status `containerID`, or undefined when it has none (a waiting container). */
export function containerIdOf(statusId: string | undefined): string | undefined {
  return statusId ? STATUS_ID.exec(statusId.trim())?.[2] : undefined;
}

/** The container IDs a `/proc/PID/cgroup` text names (one per hierarchy usually, all the same). */
export function containerIdsInCgroup(text: string): string[] {
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    // `hierarchy-ID:controllers:path`; the path may itself hold colons.
    const parts = line.split(':');
    if (parts.length < 3) continue;
    for (const segment of parts.slice(2).join(':').split('/')) {
      // cri-o's conmon monitors a container from outside it (`crio-conmon-<ID>.scope`): not the container.
      if (segment.includes('conmon')) continue;
      for (const m of segment.matchAll(HEX64)) ids.add(m[1]!);
    }
  }
  return [...ids];
}

// Where a workload keeps its pod spec, and every image a pod spec names. The kinds are the
// built-in workload APIs (core/v1 Pod, apps/v1, batch/v1); each container list counts, since an
// init or ephemeral container runs with the pod's privileges too.
import { badRequest } from './http-error';

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';
const CONTAINER_KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface ContainerImage {
  kind: ContainerKind;
  /** The container's name (for messages). */
  name: string;
  image: string;
}

/** The path from the object to its pod spec, by kind. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export function hasPodSpec(kind: string): boolean {
  return Object.hasOwn(POD_SPEC_PATHS, kind);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every container image of a `kind` object, in spec order. An object of a kind without a pod spec
 * has none; a pod spec that is not shaped as the API defines is a bad request (the API server
 * validated it, so whatever sent it is not the API server).
 */
export function podImages(kind: string, object: unknown): ContainerImage[] {
  const path = POD_SPEC_PATHS[kind];
  if (!path) return [];
  let at: unknown = object;
  for (const [i, step] of path.entries()) {
    if (!isRecord(at)) throw badRequest(`request.object${path.slice(0, i).map((s) => `.${s}`).join('')} of the ${kind} is not an object`);
    at = at[step];
  }
  const where = `request.object.${path.join('.')}`;
  if (!isRecord(at)) throw badRequest(`${where} of the ${kind} is missing or not an object`);
  const images: ContainerImage[] = [];
  for (const list of CONTAINER_KINDS) {
    const containers = at[list];
    if (containers === undefined || containers === null) continue;
    if (!Array.isArray(containers)) throw badRequest(`${where}.${list} is not a list`);
    containers.forEach((c: unknown, i) => {
      if (!isRecord(c) || typeof c.image !== 'string' || c.image === '') throw badRequest(`${where}.${list}[${i}] has no image`);
      images.push({ kind: list, name: typeof c.name === 'string' ? c.name : `#${i}`, image: c.image });
    });
  }
  return images;
}

/** Each image once, in first-seen order (a pod often runs one image in several containers). */
export function distinctImages(images: readonly ContainerImage[]): string[] {
  return [...new Set(images.map((c) => c.image))];
}

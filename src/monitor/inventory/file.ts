// `--inventory FILE`: what runs where, for estates outside Kubernetes (schema/monitor-inventory.schema.json).
// The shape is the Inventory's own (images of {repository, digest, workloads}), with the Workload
// fields a non-Kubernetes estate lacks made optional.
// Checked by hand against the schema so that each problem is one line naming its path; the schema
// file is the documentation, and a unit test keeps the two in agreement.
import { UserError } from '../../core/errors';
import { READ_CAPS, readTextCappedAsync } from '../../core/read-capped';
import { parseReference } from '../../oci/reference';
import type { Inventory, Workload } from '../model';
import { groupContainers } from './group';
import type { ContainerRow } from './pods';

const IMAGE_KEYS = ['repository', 'digest', 'workloads'];
const RUN_KEYS = ['cluster', 'namespace', 'kind', 'name', 'pod', 'container', 'containerKind', 'image', 'node', 'containerId'];
const RUN_LIMITS: Record<string, [number, number]> = {
  cluster: [1, 253], namespace: [0, 253], kind: [1, 63], name: [1, 253], pod: [1, 253], container: [1, 253],
  image: [1, 512], node: [1, 253], containerId: [1, 512],
};
const CONTAINER_KINDS = ['container', 'init', 'ephemeral'];
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const MAX_IMAGES = 100_000;

class Problem extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: string[], at: string): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw new Problem(`${at ? `${at}.` : ''}${k}: unknown key; allowed here: ${allowed.join(', ')}`);
}

function requireString(obj: Record<string, unknown>, key: string, at: string, [min, max]: [number, number]): string | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Problem(`${at}.${key}: must be a string`);
  if (v.length < min) throw new Problem(`${at}.${key}: must not be empty`);
  if (v.length > max) throw new Problem(`${at}.${key}: longer than ${max} characters`);
  return v;
}

function parseRun(run: unknown, at: string, repository: string, digest: string): Workload {
  if (!isObject(run)) throw new Problem(`${at}: must be an object {cluster, name, ...}`);
  checkKeys(run, RUN_KEYS, at);
  const s: Record<string, string | undefined> = {};
  for (const k of Object.keys(RUN_LIMITS)) s[k] = requireString(run, k, at, RUN_LIMITS[k]);
  for (const k of ['cluster', 'name']) if (s[k] === undefined) throw new Problem(`${at}.${k}: missing; add it`);
  const containerKind = run.containerKind ?? 'container';
  if (typeof containerKind !== 'string' || !CONTAINER_KINDS.includes(containerKind)) {
    throw new Problem(`${at}.containerKind: must be one of ${CONTAINER_KINDS.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  const workload: Workload = {
    cluster: s.cluster!,
    namespace: s.namespace ?? '',
    kind: s.kind ?? 'Service',
    name: s.name!,
    pod: s.pod ?? s.name!,
    container: s.container ?? s.name!,
    containerKind: containerKind as Workload['containerKind'],
    image: s.image ?? `${repository}@${digest}`,
  };
  if (s.node !== undefined) workload.node = s.node;
  if (s.containerId !== undefined) workload.containerId = s.containerId;
  return workload;
}

function parseImage(image: unknown, at: string): ContainerRow[] {
  if (!isObject(image)) throw new Problem(`${at}: must be an object {repository, digest, workloads}`);
  checkKeys(image, IMAGE_KEYS, at);
  for (const k of IMAGE_KEYS) if (image[k] === undefined) throw new Problem(`${at}.${k}: missing; add it`);
  const name = requireString(image, 'repository', at, [1, 255])!;
  let repository: string;
  try {
    const ref = parseReference(name);
    if (ref.tag || ref.digest) throw new Problem(`${at}.repository: '${name}' must name a repository without tag or digest (put the digest in digest)`);
    repository = `${ref.registry}/${ref.repository}`;
  } catch (err) {
    if (err instanceof Problem) throw err;
    throw new Problem(`${at}.repository: ${(err as Error).message.replace(/^invalid reference /, '')}`);
  }
  const digest = image.digest;
  if (typeof digest !== 'string' || !DIGEST_RE.test(digest)) throw new Problem(`${at}.digest: must be sha256:<64 lowercase hex>`);
  const workloads = image.workloads;
  if (!Array.isArray(workloads)) throw new Problem(`${at}.workloads: must be a list`);
  if (workloads.length === 0) throw new Problem(`${at}.workloads: must not be empty (where does it run?)`);
  return workloads.map((run, i) => ({ digest, repository, workload: parseRun(run, `${at}.workloads[${i}]`, repository, digest) }));
}

/** Parsed inventory document → rows; a UserError `FILE: path: problem` for the first problem. */
export function parseInventoryDocument(doc: unknown, file: string): Inventory {
  try {
    if (!isObject(doc)) throw new Problem('(top level): must be an object {images: [...]}');
    checkKeys(doc, ['version', 'images'], '');
    if (doc.version !== undefined && doc.version !== 1) throw new Problem('version: must be 1');
    if (!Array.isArray(doc.images)) throw new Problem(`images: ${doc.images === undefined ? 'missing; add it' : 'must be a list'}`);
    if (doc.images.length > MAX_IMAGES) throw new Problem(`images: more than ${MAX_IMAGES} entries; split the estate (--shard)`);
    const rows = doc.images.flatMap((image, i) => parseImage(image, `images[${i}]`));
    return { images: groupContainers(rows), notes: [] };
  } catch (err) {
    if (err instanceof Problem) throw new UserError(`${file}: ${err.message}; see schema/monitor-inventory.schema.json`);
    throw err;
  }
}

export async function readInventoryFile(file: string): Promise<Inventory> {
  const text = await readTextCappedAsync(file, READ_CAPS.document, { what: 'the inventory file', hint: 'pass the JSON inventory (--inventory FILE)' });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: the inventory is not JSON (${(err as Error).message}); see schema/monitor-inventory.schema.json`);
  }
  return parseInventoryDocument(doc, file);
}

import { createHash } from 'node:crypto';
import { oneLine } from '../../core/errors';
import { inertText } from '../../core/untrusted-text';
import { compareSboms, hasDrift, type Drift } from '../../drift/compare';
import type { PackageId } from '../../drift/purl';
import { sbomPackages } from '../../drift/sbom-packages';
import type { BaseSbom } from '../../prcheck/base-sbom';
import type { Severity } from '../../scan/vulnerability';
import { findingKey, type Finding, type InventoryNote, type RunningImage, type Workload } from '../model';
import { containerIdOf } from './container-id';
import { packageFingerprint } from './fingerprint';
import { processMountPoints } from '../../drift/observe';
import { containerProcesses, processRootDir } from './procfs';

/**
 * Per sweep kept by the caller (the DaemonSet's loop): drift already computed, by digest, the
 * attested SBOM and the container root's package fingerprint. A container is scanned again only when
 * one of the three changes, so a node running fifty replicas of one image scans its root once.
 */
export type NodeDriftCache = Map<string, Drift>;

export interface NodeDriftOptions {
  /** The inventory: every running digest and its workloads (with pod status `containerId`). */
  images: RunningImage[];
  /** Keep only workloads on this node (`spec.nodeName`, from the downward API's NODE_NAME). */
  nodeName?: string;
  /** The host's procfs (`/proc` with hostPID). */
  procRoot?: string;
  /** The digest's verified SBOM attestation: the sweep passes the one its verify report accepted. */
  attestedSbom(image: RunningImage): Promise<BaseSbom>;
  /** An SBOM of a container's root directory (`/proc/PID/root`), its mount points left out: trivy's rootfs scan in production. */
  scanRoot(rootDir: string, skipDirs: string[]): Promise<unknown>;
  cache?: NodeDriftCache;
  /** Container ID → PID; default read from `procRoot`'s cgroups. Tests override it for a process with no container cgroup. */
  containerProcesses?: (procRoot: string) => Promise<Map<string, number>>;
}

export interface NodeDriftResult {
  /** ImageRecord.drift, per digest with at least one container found on this node. */
  drift: Record<string, Drift>;
  findings: Finding[];
  /** One line each: a digest without an attested SBOM, a container with no process, a scan that failed. */
  notes: InventoryNote[];
  /** Root filesystem scans this call ran (the rest came from the cache). */
  scans: number;
}

const SEVERITY: Record<'added' | 'removed' | 'changed', Severity> = { added: 'MEDIUM', changed: 'MEDIUM', removed: 'LOW' };

function where(w: Workload): string {
  return `${w.namespace}/${w.pod}/${w.container}`;
}

function packagesHash(packages: PackageId[]): string {
  return createHash('sha256').update(packages.map((p) => p.purl).sort().join('\n')).digest('hex').slice(0, 32);
}

/** Drift of each running container on this node from its digest's attested SBOM, as monitor findings. */
export async function nodeDrift(opts: NodeDriftOptions): Promise<NodeDriftResult> {
  const procRoot = opts.procRoot ?? '/proc';
  const cache = opts.cache ?? new Map<string, Drift>();
  const processes = await (opts.containerProcesses ?? containerProcesses)(procRoot);
  const result: NodeDriftResult = { drift: {}, findings: [], notes: [], scans: 0 };
  const used = new Set<string>();
  const note = (source: string, message: string) => result.notes.push({ source, message: inertText(message) });

  for (const image of opts.images) {
    const running: Array<{ workload: Workload; pid: number }> = [];
    for (const w of image.workloads) {
      if (opts.nodeName && w.node !== opts.nodeName) continue;
      const id = containerIdOf(w.containerId);
      const pid = id ? processes.get(id) : undefined;
      if (pid !== undefined) running.push({ workload: w, pid });
      else if (w.containerKind !== 'init' && id) note(where(w), `no process of container ${id.slice(0, 12)} on this node (it may have just exited)`);
    }
    if (running.length === 0) continue;

    const attested = await opts.attestedSbom(image).catch((err: unknown): BaseSbom => ({ found: false, reason: oneLine(err) }));
    if (!attested.found) {
      note(image.digest, `drift not checked: ${attested.reason}`);
      continue;
    }
    let attestedPackages: PackageId[];
    try {
      attestedPackages = sbomPackages(attested.document, `the SBOM attested for ${image.digest}`).packages;
    } catch (err) {
      note(image.digest, `drift not checked: ${oneLine(err)}`);
      continue;
    }
    const attestedHash = packagesHash(attestedPackages);

    // Per package finding: the containers where it was seen.
    const seen = new Map<string, { kind: 'added' | 'removed' | 'changed'; text: string; where: string[] }>();
    const union: Drift = { added: [], removed: [], changed: [] };
    let checked = 0;
    for (const { workload, pid } of running) {
      const root = processRootDir(procRoot, pid);
      let drift: Drift;
      try {
        const key = `${image.digest}\n${attestedHash}\n${await packageFingerprint(root)}`;
        let cached = cache.get(key);
        if (!cached) {
          // Volumes, secrets and bind mounts are not the image.
          const observed = await opts.scanRoot(root, await processMountPoints(procRoot, pid));
          result.scans++;
          cached = compareSboms(attestedPackages, sbomPackages(observed, `the SBOM of ${where(workload)}`).packages);
          cache.set(key, cached);
        }
        drift = cached;
        used.add(key);
      } catch (err) {
        note(where(workload), `drift not checked: ${oneLine(err)}`);
        continue;
      }
      const mark = (id: string, kind: 'added' | 'removed' | 'changed', text: string) => {
        const entry = seen.get(id) ?? { kind, text, where: [] };
        entry.where.push(where(workload));
        seen.set(id, entry);
      };
      for (const p of drift.added) mark(p, 'added', `${p} runs but is not in the attested SBOM`);
      for (const p of drift.removed) mark(p, 'removed', `${p} is in the attested SBOM but no longer installed`);
      for (const c of drift.changed) mark(`${c.name}@${c.to}`, 'changed', `${c.name} is ${c.to} where the attested SBOM says ${c.from}`);
      merge(union, drift);
      checked++;
    }
    // No container checked is no verdict, not "no drift".
    if (checked === 0) continue;
    result.drift[image.digest] = union;
    for (const [id, s] of seen) {
      const more = s.where.length > 1 ? ` and ${s.where.length - 1} more` : '';
      result.findings.push({
        key: findingKey(image.digest, 'drift', id),
        digest: image.digest,
        repository: image.repository,
        kind: 'drift',
        id,
        severity: SEVERITY[s.kind],
        summary: inertText(`${s.text} (in ${s.where[0]}${more})`),
      });
    }
  }
  result.findings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // The cache holds what runs now: a long-running DaemonSet's memory does not grow with every change.
  for (const key of cache.keys()) if (!used.has(key)) cache.delete(key);
  return result;
}

function merge(into: Drift, drift: Drift): void {
  if (!hasDrift(drift)) return;
  for (const p of drift.added) if (!into.added.includes(p)) into.added.push(p);
  for (const p of drift.removed) if (!into.removed.includes(p)) into.removed.push(p);
  for (const c of drift.changed) if (!into.changed.some((d) => d.name === c.name && d.to === c.to)) into.changed.push(c);
  into.added.sort();
  into.removed.sort();
  into.changed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

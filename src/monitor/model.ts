// The monitor's vocabulary: what an inventory yields, what a sweep records per running digest, the
// findings it opens and resolves, and the state it keeps between sweeps. The inventory, the sweep,
// the state stores, the alert sinks, drift and the dashboard all read and write these shapes.
import type { Severity, SeverityCounts } from '../scan/vulnerability';

/** Where one container runs an image. */
export interface Workload {
  cluster: string;
  namespace: string;
  /** The owning workload after resolving owners (ReplicaSet → Deployment, Job → CronJob); a bare Pod otherwise. */
  kind: string;
  name: string;
  pod: string;
  container: string;
  containerKind: 'container' | 'init' | 'ephemeral';
  /** The image as the pod spec names it (a tag may have moved since: the digest is what runs). */
  image: string;
  node?: string;
  /** `containerd://…`, `docker://…`, `cri-o://…` from the container status (node mode maps it to a process). */
  containerId?: string;
}

/** One digest that runs somewhere, fanned out to every workload and cluster that runs it. */
export interface RunningImage {
  /** `sha256:…` */
  digest: string;
  /** `registry/repository` without tag or digest, as verify opens it. */
  repository: string;
  workloads: Workload[];
}

/** Why part of the estate could not be listed (an unreachable cluster, an expired token). */
export interface InventoryNote {
  source: string;
  message: string;
}

export interface Inventory {
  images: RunningImage[];
  notes: InventoryNote[];
}

export const FINDING_KINDS = ['signature', 'vulnerability', 'stale', 'drift', 'no-sbom', 'unreachable'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** Something open about one digest. `key` is stable across sweeps: `${digest}/${kind}/${id}`. */
export interface Finding {
  key: string;
  digest: string;
  repository: string;
  kind: FindingKind;
  /** The CVE id, the failed rule name, `max-age`, the drifted purl, … */
  id: string;
  severity: Severity;
  /** One line, untrusted text already made inert. */
  summary: string;
}

export function findingKey(digest: string, kind: FindingKind, id: string): string {
  return `${digest}/${kind}/${id}`;
}

/** What one sweep concluded about one running digest. */
export interface ImageRecord {
  digest: string;
  repository: string;
  workloads: Workload[];
  signature: {
    /** Signed by an identity the policy allows (the signature rule passed). */
    signed: boolean;
    allowed: boolean;
    failedRules: Array<{ rule: string; reason: string }>;
  };
  /** A verified SBOM attestation was found. */
  sbom: boolean;
  scan?: {
    dbVersion: string;
    scannedAt: string;
    /** Whether this sweep re-scanned (false: the state's scan was still current). */
    rescanned: boolean;
    counts: SeverityCounts;
    /** Findings not in the attested scan, by id. */
    newIds: string[];
  };
  age: {
    /** RFC 3339; absent when unknown (no provenance or label, or a pre-2000 reproducible-build time). */
    builtAt?: string;
    source?: 'provenance' | 'label';
    stale: boolean;
  };
  drift?: { added: string[]; removed: string[]; changed: Array<{ name: string; from: string; to: string }> };
  /** One line each: why part of this record could not be made (registry refused, no SBOM, …). */
  errors: string[];
}

export interface SweepResult {
  sweptAt: string;
  dbVersion?: string;
  /** `I/N` when the sweep covered one shard. */
  shard?: string;
  records: ImageRecord[];
  /** Everything open after this sweep. */
  findings: Finding[];
  opened: Finding[];
  resolved: Finding[];
  notes: InventoryNote[];
}

/** What the state remembers about an open finding. */
export interface OpenFinding {
  finding: Finding;
  firstSeen: string;
  lastSeen: string;
  /** Per sink name: when the trigger was delivered. A finding is never triggered twice. */
  sent: Record<string, string>;
}

/** Kept between sweeps (one object per shard). */
export interface MonitorState {
  version: 1;
  open: Record<string, OpenFinding>;
  /** Resolved findings whose resolve has not been delivered to every sink that was sent the trigger. */
  resolving: Record<string, OpenFinding>;
  /** Per digest: the DB version of its last scan and what that scan found. */
  scans: Record<string, { dbVersion: string; scannedAt: string; counts: SeverityCounts; newIds: string[] }>;
  /**
   * Per digest without a provenance build time: its config's `org.opencontainers.image.created`
   * label, or null when it has none. Read once: a digest's config never changes. Absent in states
   * written before it existed.
   */
  created?: Record<string, string | null>;
  /** One entry per sweep, oldest first, bounded: the dashboard's trends. */
  history: Array<{ sweptAt: string; digests: number; open: SeverityCounts; signed: number; withSbom: number; stale: number }>;
}

export function emptyState(): MonitorState {
  return { version: 1, open: {}, resolving: {}, scans: {}, history: [] };
}

/** Loads and saves one state object; `save` is atomic (a killed run leaves the previous state). */
export interface StateStore {
  readonly location: string;
  load(): Promise<MonitorState>;
  save(state: MonitorState): Promise<void>;
}

/** What changed in a sweep, as the alert sinks see it. */
export interface SweepChanges {
  sweptAt: string;
  opened: Finding[];
  resolved: Finding[];
}

/** One alert destination (PagerDuty, Slack, GitHub issues). */
export interface AlertSink {
  readonly name: string;
  /** Delivers what it can; returns the keys it delivered, per direction, so the state records them. */
  deliver(changes: SweepChanges): Promise<{ triggered: string[]; resolved: string[]; errors: string[] }>;
}

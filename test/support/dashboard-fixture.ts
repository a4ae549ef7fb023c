// Sweeps and states for the dashboard's tests and benchmark: a realistic estate (several clusters,
// namespaces and repositories; unsigned, SBOM-less, stale, drifted and failing digests; a history
// of sweeps; hostile names and titles) and a large generated one. Deterministic (seeded).
import { createHash } from 'node:crypto';
import { findingKey, type Finding, type ImageRecord, type MonitorState, type SweepResult, type Workload } from '../../src/monitor/model';
import type { Severity, SeverityCounts } from '../../src/scan/vulnerability';
import { historyEntry } from '../../src/monitor/coverage';

export const HOSTILE = {
  script: '<script>alert(1)</script>',
  img: '"><img src=x onerror=alert(2)>',
  attr: "' onmouseover='alert(3)' x='",
  bidi: 'invoice\u202Egpj.exe',
  svg: '<svg onload=alert(4)>',
  style: '</style><style>body{display:none}</style>',
  entity: '&lt;b&gt;not bold&lt;/b&gt;',
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function digestOf(i: number, salt: string): string {
  return `sha256:${createHash('sha256').update(`${salt}/${i}`).digest('hex')}`;
}

const DAY = 86400_000;

interface Shape {
  digests: number;
  clusters: string[];
  namespaces: string[];
  repositories: string[];
  sweptAt: string;
  dbVersion: string;
  seed: number;
  /** Fractions of the estate. */
  unsigned: number;
  noSbom: number;
  oldScan: number;
  stale: number;
  drift: number;
  errors: number;
  cves: Array<{ id: string; severity: Severity; summary: string }>;
}

function counts(r: () => number, scale: number): SeverityCounts {
  const n = (m: number) => Math.floor(r() * r() * m * scale);
  return { critical: n(3), high: n(9), medium: n(25), low: n(40), unknown: n(2) };
}

export function makeSweep(shape: Shape): SweepResult {
  const r = rng(shape.seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const now = Date.parse(shape.sweptAt);
  const records: ImageRecord[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < shape.digests; i++) {
    const digest = digestOf(i, String(shape.seed));
    const repository = shape.repositories[i % shape.repositories.length]!;
    const nWorkloads = 1 + Math.floor(r() * r() * 4);
    const workloads: Workload[] = [];
    for (let w = 0; w < nWorkloads; w++) {
      const cluster = pick(shape.clusters);
      const namespace = pick(shape.namespaces);
      const name = `${repository.split('/').pop()!.slice(0, 24)}-${w}`;
      workloads.push({ cluster, namespace, kind: pick(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob']), name, pod: `${name}-7d9f-${i}`, container: 'app', containerKind: 'container', image: `${repository}:v${i % 7}` });
    }
    const unsigned = r() < shape.unsigned;
    const failedRules = unsigned ? [{ rule: pick(['keyless-github', 'signed-by-release-workflow']), reason: pick(['no signature found', 'certificate identity does not match', `issuer ${HOSTILE.img} not allowed`]) }] : [];
    const sbom = r() >= shape.noSbom;
    const scanned = sbom || r() < 0.3;
    const oldScan = r() < shape.oldScan;
    const c = counts(r, 1);
    const stale = r() < shape.stale;
    const ageUnknown = !stale && r() < 0.06;
    const builtAt = ageUnknown ? undefined : new Date(now - (stale ? 40 + r() * 300 : r() * 28) * DAY).toISOString();
    const drifted = r() < shape.drift;
    const errors = r() < shape.errors ? [pick(['registry refused the referrers request (403)', `no SBOM attestation for ${repository}`, HOSTILE.svg])] : [];
    const newIds: string[] = [];
    for (const cve of shape.cves) {
      if (scanned && r() < 0.12) {
        newIds.push(cve.id);
        findings.push({ key: findingKey(digest, 'vulnerability', cve.id), digest, repository, kind: 'vulnerability', id: cve.id, severity: cve.severity, summary: cve.summary });
      }
    }
    for (const f of failedRules) findings.push({ key: findingKey(digest, 'signature', f.rule), digest, repository, kind: 'signature', id: f.rule, severity: 'HIGH', summary: f.reason });
    if (stale) findings.push({ key: findingKey(digest, 'stale', 'max-age'), digest, repository, kind: 'stale', id: 'max-age', severity: 'MEDIUM', summary: 'older than 30d' });
    const drift = drifted
      ? { added: ['pkg:deb/debian/netcat-openbsd@1.219-1?arch=amd64', `pkg:deb/debian/${HOSTILE.script}@1`], removed: r() < 0.5 ? ['pkg:deb/debian/libssl3@3.0.11-1?arch=amd64'] : [], changed: [{ name: 'curl', from: '7.88.1-10', to: '7.88.1-10+deb12u5' }] }
      : undefined;
    if (drift) for (const p of drift.added) findings.push({ key: findingKey(digest, 'drift', p), digest, repository, kind: 'drift', id: p, severity: 'HIGH', summary: `added ${p}` });
    records.push({
      digest,
      repository,
      workloads,
      signature: { signed: !unsigned, allowed: !unsigned, failedRules },
      sbom,
      ...(scanned ? { scan: { dbVersion: oldScan ? '2026-11-30T00:00:00Z' : shape.dbVersion, scannedAt: new Date(now - (oldScan ? 3 * DAY : r() * DAY)).toISOString(), rescanned: r() < 0.4, counts: c, newIds } } : {}),
      age: builtAt ? { builtAt, source: r() < 0.8 ? 'provenance' : 'label', stale } : { stale: false },
      ...(drift ? { drift } : {}),
      errors,
    });
  }
  return {
    sweptAt: shape.sweptAt,
    dbVersion: shape.dbVersion,
    records,
    findings,
    opened: findings.slice(0, Math.min(7, findings.length)),
    resolved: findings.slice(0, Math.min(3, findings.length)),
    notes: [],
  };
}

export const REALISTIC_CVES: Shape['cves'] = [
  { id: 'CVE-2026-4521', severity: 'CRITICAL', summary: 'openssl: heap overflow in X.509 name constraint check' },
  { id: 'CVE-2026-3310', severity: 'HIGH', summary: `glibc: ${HOSTILE.script} stack buffer overflow in iconv` },
  { id: 'CVE-2026-1187', severity: 'HIGH', summary: `curl: ${HOSTILE.img} cookie injection` },
  { id: 'CVE-2025-9921', severity: 'MEDIUM', summary: `zlib: ${HOSTILE.bidi} inflate out-of-bounds read` },
  { id: 'CVE-2025-7702', severity: 'MEDIUM', summary: 'libxml2: use after free in xmlSchemaIDC' },
  { id: 'CVE-2025-6001', severity: 'LOW', summary: `tar: ${HOSTILE.attr} path traversal` },
];

/** About 60 digests over 3 clusters (one named hostilely), 7 namespaces, 12 repositories. */
export function realisticSweep(): SweepResult {
  const sweep = makeSweep({
    digests: 60,
    clusters: ['prod-eu', 'prod-us', 'staging', `edge${HOSTILE.img}`],
    namespaces: ['payments', 'checkout', 'platform', 'monitoring', 'search', HOSTILE.script, HOSTILE.bidi],
    repositories: [
      'ghcr.io/acme/payments-api',
      'ghcr.io/acme/checkout-web',
      'ghcr.io/acme/search-indexer',
      'registry.acme.example/platform/ingress',
      'registry.acme.example/platform/cert-manager',
      'docker.io/library/nginx',
      'docker.io/library/redis',
      'quay.io/prometheus/node-exporter',
      `ghcr.io/acme/${HOSTILE.img}`,
      `ghcr.io/acme/${HOSTILE.style}`,
      `ghcr.io/acme/${HOSTILE.entity}`,
      'ghcr.io/acme/ledger',
    ],
    sweptAt: '2026-12-02T01:30:00.000Z',
    dbVersion: '2026-12-02T00:12:44Z',
    seed: 7,
    unsigned: 0.12,
    noSbom: 0.1,
    oldScan: 0.08,
    stale: 0.14,
    drift: 0.06,
    errors: 0.05,
    cves: REALISTIC_CVES,
  });
  sweep.notes = [{ source: `cluster edge${HOSTILE.img}`, message: `unreachable: connect ECONNREFUSED 10.0.4.2:6443 ${HOSTILE.script}` }];
  return sweep;
}

/** A history of `n` earlier daily sweeps, CVEs falling and coverage rising toward `sweep`, with a DB-update bump. */
export function historyFor(sweep: SweepResult, n: number): MonitorState {
  const state: MonitorState = { version: 1, open: {}, resolving: {}, scans: {}, history: [] };
  const now = historyEntry(sweep);
  const end = Date.parse(sweep.sweptAt);
  for (let i = n; i >= 1; i--) {
    const k = 1 + i * 0.05 + (i === 3 ? 0.25 : 0);
    const scale = (v: number) => Math.round(v * k);
    state.history.push({
      sweptAt: new Date(end - i * DAY).toISOString(),
      digests: now.digests,
      open: { critical: scale(now.open.critical) + (i % 3), high: scale(now.open.high), medium: scale(now.open.medium), low: scale(now.open.low), unknown: now.open.unknown },
      signed: Math.round(now.signed * Math.max(0.6, 1 - i * 0.025)),
      withSbom: Math.round(now.withSbom * Math.max(0.6, 1 - i * 0.015)),
      stale: Math.round(now.stale * (1 + (i % 4) * 0.1)),
    });
  }
  return state;
}

/** A generated estate of `digests` digests over 8 clusters, 200 namespaces and digests/10 repositories. */
export function largeSweep(digests: number): SweepResult {
  return makeSweep({
    digests,
    clusters: Array.from({ length: 8 }, (_, i) => `cluster-${i}`),
    namespaces: Array.from({ length: 200 }, (_, i) => `team-${i}`),
    repositories: Array.from({ length: Math.max(1, Math.floor(digests / 10)) }, (_, i) => `ghcr.io/acme/service-${i}`),
    sweptAt: '2026-12-02T01:30:00.000Z',
    dbVersion: '2026-12-02T00:12:44Z',
    seed: 11,
    unsigned: 0.05,
    noSbom: 0.04,
    oldScan: 0.03,
    stale: 0.1,
    drift: 0.01,
    errors: 0.01,
    cves: Array.from({ length: 60 }, (_, i) => ({ id: `CVE-2026-${1000 + i}`, severity: (['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const)[i % 4], summary: `package ${i}: a flaw` })),
  });
}

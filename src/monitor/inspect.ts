// One running digest, judged afresh: the policy's rules (verify, every sweep: no cached pass), the
// attested SBOM re-scanned when the DB moved since its last scan, and its age. What cannot be read
// becomes an error line and, for a registry that refuses the image, an `unreachable` finding; the
// findings it had before are carried over, since nothing was learned about them.
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { oneLine, UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';
import { PREDICATE } from '../oci/media-types';
import { openImage } from '../oci/open';
import type { RegistryClient, RegistryClientOptions } from '../oci/registry';
import type { Policy } from '../policy/types';
import { newestAttestedSbom, type BaseSbom } from '../prcheck/base-sbom';
import { readScanDocument } from '../prcheck/read-scan';
import { fromTrivyReport } from '../scan/trivy-report';
import { countBySeverity, severityRank, type Vulnerability } from '../scan/vulnerability';
import { formatMillis } from '../policy/duration';
import { verifyImage, type VerifyReport } from '../verify/verify-image';
import { createdLabel, judgeAge, provenanceBuildTime } from './age';
import { findingKey, type Finding, type FindingKind, type ImageRecord, type MonitorState, type RunningImage } from './model';
import type { ScanAttester } from './attest';
import type { SbomScanner } from './rescan';

export interface InspectContext {
  policy: Policy;
  client: RegistryClient;
  registry: RegistryClientOptions;
  trustedRoot?: TrustedRoot;
  scanner: SbomScanner;
  /** The state before this sweep (read only). */
  previous: MonitorState;
  /** The previous state's open findings by digest (see openByDigest). */
  previousOpen: ReadonlyMap<string, readonly Finding[]>;
  now: Date;
  maxAgeMs: number;
  /** `--attest`: push a fresh signed scan of each digest re-scanned. */
  attester?: ScanAttester;
}

export interface Inspected {
  record: ImageRecord;
  findings: Finding[];
  /** Set when this sweep scanned the digest: what goes into state.scans. */
  scan?: MonitorState['scans'][string];
  /** Set when this sweep read the digest's created label: what goes into state.created (null: no label). */
  created?: string | null;
  /** The newest SBOM attestation the verify report accepted (unset when the digest could not be verified): node mode's drift baseline, so each digest is verified once. */
  sbom?: BaseSbom;
}

function finding(image: RunningImage, kind: FindingKind, id: string, severity: Finding['severity'], summary: string): Finding {
  return { key: findingKey(image.digest, kind, id), digest: image.digest, repository: image.repository, kind, id, severity, summary: inertText(summary) };
}

/** The attested scan's vulnerability ids (of the newest verified vuln attestation), or undefined when there is none. */
function attestedIds(report: VerifyReport): Set<string> | undefined {
  const scans = report.accepted.filter((a) => a.predicateType === PREDICATE.vuln && a.statement.predicate !== undefined);
  if (scans.length === 0) return undefined;
  const newest = [...scans].sort((a, b) => b.signedAt.getTime() - a.signedAt.getTime())[0]!;
  try {
    return new Set(readScanDocument(newest.statement.predicate, `the vuln attestation ${newest.referrerDigest}`).vulnerabilities.map((v) => v.id));
  } catch {
    return undefined;
  }
}

/** One finding per vulnerability id, the most severe of its packages. */
function vulnerabilityFindings(image: RunningImage, vulns: readonly Vulnerability[], ids: readonly string[]): Finding[] {
  const wanted = new Set(ids);
  const byId = new Map<string, Vulnerability>();
  for (const v of vulns) {
    if (!wanted.has(v.id)) continue;
    const seen = byId.get(v.id);
    if (!seen || severityRank(v.severity) > severityRank(seen.severity)) byId.set(v.id, v);
  }
  return [...byId.values()].map((v) =>
    finding(image, 'vulnerability', v.id, v.severity, `${v.id} in ${v.packageName} ${v.installedVersion}${v.fixedVersion ? ` (fixed in ${v.fixedVersion})` : ' (no fix yet)'}: new since the attested scan`),
  );
}

function carriedOver(ctx: InspectContext, digest: string, keep: (f: Finding) => boolean): Finding[] {
  return (ctx.previousOpen.get(digest) ?? []).filter(keep);
}

export async function inspectImage(image: RunningImage, ctx: InspectContext): Promise<Inspected> {
  const record: ImageRecord = {
    digest: image.digest,
    repository: image.repository,
    workloads: image.workloads,
    signature: { signed: false, allowed: false, failedRules: [] },
    sbom: false,
    age: { stale: false },
    errors: [],
  };
  const ref = `${image.repository}@${image.digest}`;
  let report: VerifyReport;
  try {
    // The verdict only: legacy cosign tags never count, so their two requests per digest are skipped.
    report = await verifyImage(ref, ctx.policy, { client: ctx.client, registry: ctx.registry, trustedRoot: ctx.trustedRoot, now: ctx.now, legacyTags: false });
  } catch (err) {
    const reason = inertText(oneLine(err));
    record.errors.push(`cannot verify ${ref}: ${reason}`);
    if (err instanceof UserError && /is not covered by/.test(reason)) return { record, findings: carriedOver(ctx, image.digest, () => false) };
    return {
      record,
      findings: [finding(image, 'unreachable', 'registry', 'LOW', `${ref}: ${reason}`), ...carriedOver(ctx, image.digest, (f) => f.kind !== 'unreachable')],
    };
  }

  const findings: Finding[] = [];
  const failed = report.rules.filter((r) => !r.passed);
  record.signature = {
    signed: report.rules.find((r) => r.rule === 'signature')?.passed ?? false,
    allowed: report.allowed,
    failedRules: failed.map((r) => ({ rule: r.rule, reason: inertText(r.reason) })),
  };
  for (const r of failed) findings.push(finding(image, 'signature', r.rule, 'HIGH', `rule ${r.rule} fails: ${r.reason}`));

  let scan: Inspected['scan'];
  const sbom = newestAttestedSbom(report);
  if (!sbom.found) {
    record.errors.push(inertText(sbom.reason));
    findings.push(finding(image, 'no-sbom', 'sbom', 'MEDIUM', sbom.reason));
  } else {
    record.sbom = true;
    const last = ctx.previous.scans[image.digest];
    if (last && last.dbVersion === ctx.scanner.dbVersion) {
      record.scan = { dbVersion: last.dbVersion, scannedAt: last.scannedAt, rescanned: false, counts: last.counts, newIds: last.newIds };
      const ids = new Set(last.newIds);
      findings.push(...carriedOver(ctx, image.digest, (f) => f.kind === 'vulnerability' && ids.has(f.id)));
    } else {
      try {
        const startedOn = new Date();
        const trivyReport = await ctx.scanner.scan(sbom.document, ref);
        const vulns = fromTrivyReport(trivyReport);
        const attested = attestedIds(report);
        // New once, new until fixed: a fresh attestation (--attest) listing it does not make it old.
        const wasNew = new Set(last?.newIds ?? []);
        const newIds = [...new Set(vulns.map((v) => v.id).filter((id) => !attested?.has(id) || wasNew.has(id)))].sort();
        scan = { dbVersion: ctx.scanner.dbVersion, scannedAt: ctx.now.toISOString(), counts: countBySeverity(vulns), newIds };
        record.scan = { ...scan, rescanned: true };
        findings.push(...vulnerabilityFindings(image, vulns, newIds));
        if (ctx.attester) {
          const opened = openImage(ref, ctx.registry, ctx.client);
          try {
            await ctx.attester.attest(opened.store, image.repository, image.digest, trivyReport, { startedOn, finishedOn: new Date() });
          } catch (err) {
            record.errors.push(`cannot attest the new scan of ${ref}: ${inertText(oneLine(err))}`);
          } finally {
            opened.close();
          }
        }
      } catch (err) {
        record.errors.push(`cannot re-scan the SBOM of ${ref}: ${inertText(oneLine(err))}`);
        findings.push(...carriedOver(ctx, image.digest, (f) => f.kind === 'vulnerability'));
      }
    }
  }

  let created: string | null | undefined;
  try {
    const provenance = provenanceBuildTime(report.accepted, ctx.now);
    let label: string | undefined;
    if (!provenance) {
      const known = ctx.previous.created?.[image.digest];
      if (known !== undefined) label = known ?? undefined;
      else {
        const opened = openImage(ref, ctx.registry, ctx.client);
        try {
          label = await createdLabel(opened.store, image.digest);
          created = label ?? null;
        } finally {
          opened.close();
        }
      }
    }
    record.age = judgeAge(provenance, label, ctx.now, ctx.maxAgeMs);
    if (record.age.stale) {
      const age = formatMillis(ctx.now.getTime() - Date.parse(record.age.builtAt!));
      findings.push(finding(image, 'stale', 'max-age', 'MEDIUM', `built ${record.age.builtAt} (${record.age.source}), ${age} ago: older than the maximum age ${formatMillis(ctx.maxAgeMs)}`));
    }
  } catch (err) {
    record.errors.push(`cannot read the build time of ${ref}: ${inertText(oneLine(err))}`);
    findings.push(...carriedOver(ctx, image.digest, (f) => f.kind === 'stale'));
  }
  return { record, findings, scan, sbom, ...(created !== undefined ? { created } : {}) };
}

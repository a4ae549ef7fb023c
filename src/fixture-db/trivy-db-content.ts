import type { BoltBucket } from './bolt-writer';
import { SEVERITIES, type Advisory, type SeverityName } from './advisories-schema';

/**
 * The buckets of a trivy DB (schema version 2) holding `advisories` (aquasecurity/trivy-db
 * `pkg/db`, `pkg/vulnsrc/bucket`): one bucket per data source with source package -> id ->
 * advisory, the `vulnerability` details and the `data-source` descriptions.
 */

const DEBIAN_BUCKET = 'debian 12';
const NPM_BUCKET = 'npm::GitHub Security Advisory npm';

const DATA_SOURCES: Record<string, { ID: string; Name: string; URL: string }> = {
  [DEBIAN_BUCKET]: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/security-tracker-team/security-tracker' },
  [NPM_BUCKET]: { ID: 'ghsa', Name: 'GitHub Security Advisory npm', URL: 'https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm' },
};

/** trivy-db's advisory status for "affected, no fix yet". */
const STATUS_AFFECTED = 2;

function severityNumber(name: SeverityName): number {
  return SEVERITIES.indexOf(name);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function child(bucket: BoltBucket, name: string): BoltBucket {
  let found = bucket.get(name);
  if (found === undefined) {
    found = new Map();
    bucket.set(name, found);
  }
  if (Buffer.isBuffer(found)) throw new Error(`bucket ${name} collides with a value`);
  return found;
}

export function trivyDbBuckets(advisories: Advisory[]): BoltBucket {
  const root: BoltBucket = new Map();
  const details = child(root, 'vulnerability');
  const sources = child(root, 'data-source');

  for (const adv of advisories) {
    const vendorSeverity: Record<string, number> = { nvd: severityNumber(adv.severity) };
    for (const affected of adv.affected) {
      const bucketName = affected.ecosystem === 'npm' ? NPM_BUCKET : DEBIAN_BUCKET;
      const dataSource = DATA_SOURCES[bucketName];
      sources.set(bucketName, json(dataSource));
      const severity = affected.severity ?? adv.severity;
      vendorSeverity[dataSource.ID] = severityNumber(severity);

      const byPackage = child(child(root, bucketName), affected.package);
      if (affected.ecosystem === 'npm') {
        byPackage.set(adv.id, json({ VulnerableVersions: affected.vulnerable, PatchedVersions: affected.patched }));
      } else if (affected.fixed) {
        byPackage.set(adv.id, json({ FixedVersion: affected.fixed, Severity: severityNumber(severity) }));
      } else {
        byPackage.set(adv.id, json({ Status: STATUS_AFFECTED, Severity: severityNumber(severity) }));
      }
    }
    details.set(adv.id, json(vulnerabilityDetail(adv, vendorSeverity)));
  }
  return root;
}

function vulnerabilityDetail(adv: Advisory, vendorSeverity: Record<string, number>): Record<string, unknown> {
  const cvss: Record<string, Record<string, unknown>> = {};
  for (const [source, score] of Object.entries(adv.cvss ?? {})) {
    cvss[source] = score.version === 2 ? { V2Vector: score.vector, V2Score: score.score } : { V3Vector: score.vector, V3Score: score.score };
  }
  return {
    Title: adv.title,
    Description: adv.description,
    Severity: adv.severity,
    VendorSeverity: vendorSeverity,
    CVSS: cvss,
    References: adv.references,
    PublishedDate: new Date(adv.published).toISOString().replace('.000Z', 'Z'),
    LastModifiedDate: new Date(adv.lastModified).toISOString().replace('.000Z', 'Z'),
  };
}

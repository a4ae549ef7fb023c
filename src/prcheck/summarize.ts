import { UserError } from '../core/errors';
import { READ_CAPS, readTextCapped } from '../core/read-capped';
import { loadPolicy } from '../policy';
import { compareScans } from './compare';
import { gate, type GateSpec } from './gate';
import { policyVerdict } from './policy-verdict';
import { readScanDocument, withTrivyDbMetadata, type ScanInput } from './read-scan';
import type { Summary } from './render';

export interface SummarizeRequest {
  /** One file per platform of the image: their findings are taken together. */
  scan: string[];
  base?: string[];
  /** A base already read (the re-scanned attested SBOM); wins over `base`. */
  baseInput?: ScanInput;
  /** Where the base came from, or why there is none: said in the summary. */
  baseNote?: string;
  policy?: string;
  image?: string;
  /** trivy's `<cache-dir>/db/metadata.json`, for the DB version and age of a trivy report. */
  dbMetadata?: string;
  gate?: GateSpec;
  now: Date;
}

/** Reads one scan file (trivy, grype or vuln attestation), capped like every report. */
export function readScanFile(path: string, what: string): ScanInput {
  const text = readTextCapped(path, READ_CAPS.report, { what, hint: `check --${what === 'the base scan' ? 'base' : 'scan'}` });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} (${what}) is not JSON (${(err as Error).message}); pass trivy --format json or grype -o json output, or a vuln attestation`);
  }
  return readScanDocument(doc, path);
}

/** Several platforms' scans as one: every finding (deduplicated later), the first one's DB. */
function readScanFiles(paths: string[], what: string): ScanInput {
  const scans = paths.map((p) => readScanFile(p, what));
  return { ...scans[0]!, vulnerabilities: scans.flatMap((s) => s.vulnerabilities) };
}

/** The files read, compared, gated and judged: everything a renderer needs. */
export function summarize(req: SummarizeRequest): Summary {
  let head = readScanFiles(req.scan, 'the scan');
  if (req.dbMetadata) {
    const text = readTextCapped(req.dbMetadata, READ_CAPS.document, { what: "trivy's DB metadata", hint: 'check --db-metadata' });
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      doc = undefined;
    }
    head = withTrivyDbMetadata(head, doc, req.dbMetadata);
  }
  const base = req.baseInput ?? (req.base && req.base.length > 0 ? readScanFiles(req.base, 'the base scan') : undefined);
  const comparison = compareScans(head.vulnerabilities, base?.vulnerabilities);
  const scannedAt = head.db.scannedAt && !Number.isNaN(Date.parse(head.db.scannedAt)) ? new Date(head.db.scannedAt) : req.now;
  return {
    image: req.image,
    comparison,
    hasBase: !!base,
    baseNote: req.baseNote,
    db: head.db,
    gate: req.gate ? gate(comparison, head.vulnerabilities, req.gate) : undefined,
    policy: req.policy ? policyVerdict(loadPolicy(req.policy), head.vulnerabilities, scannedAt, req.now) : undefined,
  };
}

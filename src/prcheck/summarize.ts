import { UserError } from '../core/errors';
import { READ_CAPS, readTextCapped } from '../core/read-capped';
import { loadPolicy } from '../policy';
import { compareScans } from './compare';
import { gate, type GateSpec } from './gate';
import { policyVerdict } from './policy-verdict';
import { readScanDocument, type ScanInput } from './read-scan';
import type { Summary } from './render';

export interface SummarizeRequest {
  scan: string;
  base?: string;
  policy?: string;
  image?: string;
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

/** The files read, compared, gated and judged: everything a renderer needs. */
export function summarize(req: SummarizeRequest): Summary {
  const head = readScanFile(req.scan, 'the scan');
  const base = req.base ? readScanFile(req.base, 'the base scan') : undefined;
  const comparison = compareScans(head.vulnerabilities, base?.vulnerabilities);
  const scannedAt = head.db.scannedAt && !Number.isNaN(Date.parse(head.db.scannedAt)) ? new Date(head.db.scannedAt) : req.now;
  return {
    image: req.image,
    comparison,
    hasBase: !!base,
    db: head.db,
    gate: req.gate ? gate(comparison, head.vulnerabilities, req.gate) : undefined,
    policy: req.policy ? policyVerdict(loadPolicy(req.policy), head.vulnerabilities, scannedAt, req.now) : undefined,
  };
}

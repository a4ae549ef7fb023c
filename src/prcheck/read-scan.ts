import { UserError } from '../core/errors';
import { fromGrypeReport, readResultsShape, type GrypeReport, type Vulnerability } from '../scan/model';

/** The scan database a report was made with, as far as the report tells. */
export interface ScanDb {
  /** trivy, grype, or the scanner URI of a vuln predicate. */
  scanner: string;
  /** The DB's version or schema, when the report names it. */
  version?: string;
  /** When the DB was built (RFC 3339). */
  builtAt?: string;
  /** When the scan ran (RFC 3339). */
  scannedAt?: string;
}

export type ScanKind = 'trivy' | 'grype' | 'predicate';

/** One scan document read into the normalized model. */
export interface ScanInput {
  kind: ScanKind;
  vulnerabilities: Vulnerability[];
  db: ScanDb;
}

const STATEMENT_TYPES = new Set(['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1']);
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Reads a trivy JSON report, a grype JSON report, or ship-image's vuln attestation (a Sigstore
 * bundle, an in-toto statement or the bare predicate), told apart by content. A bundle is read,
 * not verified: summarize reports what a scan says, `verify` judges who said it.
 */
export function readScanDocument(doc: unknown, source: string): ScanInput {
  if (!isObj(doc)) throw new UserError(`${source} is not a JSON object; pass a trivy or grype JSON report or a vuln attestation`);
  if (typeof doc.mediaType === 'string' && doc.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
    return readScanDocument(statementOfBundle(doc, source), source);
  }
  if (typeof doc._type === 'string' && STATEMENT_TYPES.has(doc._type)) {
    if (!isObj(doc.predicate)) throw new UserError(`${source} is an in-toto statement without a predicate; pass the vuln attestation`);
    return readPredicate(doc.predicate, source);
  }
  if (isObj(doc.scanner) && 'result' in doc.scanner) return readPredicate(doc, source);
  if (Array.isArray(doc.matches) && isObj(doc.descriptor)) return readGrype(doc as unknown as GrypeReport, doc.descriptor, source);
  if ('SchemaVersion' in doc && (Array.isArray(doc.Results) || doc.Results === undefined)) return readTrivy(doc, source);
  throw new UserError(`${source} is neither a trivy nor a grype JSON report nor a vuln attestation; pass one of them (trivy --format json, grype -o json)`);
}

function statementOfBundle(bundle: Obj, source: string): unknown {
  const env = bundle.dsseEnvelope;
  if (!isObj(env) || typeof env.payload !== 'string') throw new UserError(`${source} is a Sigstore bundle without a DSSE envelope; pass the bundle of the vuln attestation`);
  try {
    return JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  } catch {
    throw new UserError(`${source}: the bundle's DSSE payload is not JSON; pass the bundle of the vuln attestation`);
  }
}

function readPredicate(pred: Obj, source: string): ScanInput {
  const scanner = pred.scanner as Obj;
  const read = readResultsShape(scanner.result);
  if (!read.ok) throw new UserError(`${source}: the vuln predicate ${read.error}; pass a predicate written by ship-image or cosign attest --type vuln`);
  const db = isObj(scanner.db) ? scanner.db : {};
  const metadata = isObj(pred.metadata) ? pred.metadata : {};
  return {
    kind: 'predicate',
    vulnerabilities: read.vulnerabilities,
    // ship-image writes the DB's build time as its version (trivy's UpdatedAt, grype's built).
    db: clean({
      scanner: str(scanner.uri) ?? 'unknown scanner',
      version: str(db.version),
      builtAt: str(db.version) && !Number.isNaN(Date.parse(str(db.version)!)) ? str(db.version) : undefined,
      scannedAt: str(metadata.scanFinishedOn),
    }),
  };
}

function readTrivy(doc: Obj, source: string): ScanInput {
  const trivy = isObj(doc.Trivy) ? doc.Trivy : {};
  // A trivy report is the predicate's Results shape: the one strict reader serves both.
  const read = readResultsShape({ Results: doc.Results ?? [] });
  if (!read.ok) throw new UserError(`${source}: the trivy report ${read.error.replace('scanner.result.', '')}; pass trivy's --format json output`);
  return {
    kind: 'trivy',
    vulnerabilities: read.vulnerabilities,
    db: clean({ scanner: str(trivy.Version) ? `trivy ${str(trivy.Version)}` : 'trivy', version: `schema ${String(doc.SchemaVersion)}`, scannedAt: str(doc.CreatedAt) }),
  };
}

function readGrype(doc: GrypeReport, descriptor: Obj, source: string): ScanInput {
  const db = isObj(descriptor.db) ? descriptor.db : {};
  // grype's DB v5 descriptor has `built` and `schemaVersion`; v6 nests them under `status`.
  const status = isObj(db.status) ? db.status : db;
  const schema = status.schemaVersion ?? db.schemaVersion;
  return {
    kind: 'grype',
    vulnerabilities: grypeFindings(doc, source),
    db: clean({
      scanner: str(descriptor.version) ? `grype ${str(descriptor.version)}` : 'grype',
      version: schema !== undefined ? `schema ${String(schema)}` : undefined,
      builtAt: str(status.built) ?? str(db.built),
      scannedAt: str(descriptor.timestamp),
    }),
  };
}

function grypeFindings(doc: GrypeReport, source: string): Vulnerability[] {
  const bad = (doc.matches ?? []).findIndex((m) => !isObj(m) || !isObj(m.vulnerability) || typeof m.vulnerability.id !== 'string' || !isObj(m.artifact));
  if (bad >= 0) throw new UserError(`${source}: grype match ${bad} has no vulnerability id or artifact; pass grype's -o json output`);
  try {
    return fromGrypeReport(doc);
  } catch (err) {
    throw new UserError(`${source}: not a grype JSON report (${(err as Error).message}); pass grype's -o json output`);
  }
}

function clean(db: ScanDb): ScanDb {
  return Object.fromEntries(Object.entries(db).filter(([, v]) => v !== undefined)) as unknown as ScanDb;
}

/**
 * trivy's report does not name its DB; its cache's `db/metadata.json` does (Version, UpdatedAt):
 * what the scan used, when the caller passes it.
 */
export function withTrivyDbMetadata(scan: ScanInput, metadata: unknown, source: string): ScanInput {
  if (!isObj(metadata) || typeof metadata.Version !== 'number' || !str(metadata.UpdatedAt)) {
    throw new UserError(`${source} is not trivy's db/metadata.json (no Version and UpdatedAt); pass <cache-dir>/db/metadata.json`);
  }
  return { ...scan, db: { ...scan.db, version: `trivy-db v${metadata.Version}`, builtAt: str(metadata.UpdatedAt) } };
}

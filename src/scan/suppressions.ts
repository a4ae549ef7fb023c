import { createHash } from 'node:crypto';
import { UserError } from '../core/errors';

/**
 * Suppressions a user asks for: accepted risks (an ignore file in trivy's `.trivyignore` format)
 * and a VEX document (OpenVEX or CycloneDX VEX). They are only ever an explicit input: the content
 * is parsed here once, handed to the scanner as exactly these bytes/entries (never a path into the
 * workspace the scanner could re-read), and recorded in the vuln predicate and the job summary.
 */

export interface IgnoreEntry {
  /** Vulnerability id (`CVE-2023-1234`, `GHSA-...`). */
  id: string;
  /** `exp:YYYY-MM-DD` of the line, if any. */
  expires?: string;
}

export interface IgnoreList {
  sha256: string;
  /** Entries in force at scan time (handed to the scanner). */
  entries: IgnoreEntry[];
  /** Entries whose expiry date had passed: recorded, not applied. */
  expired: IgnoreEntry[];
}

export type VexFormat = 'openvex' | 'cyclonedx';

export interface VexStatement {
  vulnerability: string;
  status: string;
  justification?: string;
  products: string[];
}

export interface VexDocument {
  sha256: string;
  format: VexFormat;
  statements: VexStatement[];
  /** The document as given (the scanner reads a private copy of these bytes). */
  content: string;
}

/** What a ship applies to its scan; `{}` when nothing is suppressed. */
export interface Suppressions {
  ignoreFile?: IgnoreList;
  vex?: VexDocument;
}

/** The record of the suppressions as the vuln predicate and the summary carry it (no VEX bytes). */
export interface SuppressionsRecord {
  ignoreFile?: { digest: { sha256: string }; entries: IgnoreEntry[]; expired: IgnoreEntry[] };
  vex?: { digest: { sha256: string }; format: VexFormat; statements: VexStatement[] };
}

export function sha256Hex(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

const EXPIRY_RE = /^exp:(\d{4}-\d{2}-\d{2})$/;

/**
 * `.trivyignore` lines: one id per line, `#` starts a comment line, an optional `exp:YYYY-MM-DD`
 * after the id. An entry expires at the end of its day (UTC), as trivy treats it.
 */
export function parseIgnoreFile(text: string, now: Date = new Date(), what = 'ignore-file'): IgnoreList {
  const entries: IgnoreEntry[] = [];
  const expired: IgnoreEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [id, ...rest] = line.split(/\s+/);
    const entry: IgnoreEntry = { id: id! };
    for (const field of rest) {
      if (field.startsWith('#')) break;
      const m = EXPIRY_RE.exec(field);
      if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) {
        throw new UserError(`${what} line ${i + 1} '${line}' is not 'ID [exp:YYYY-MM-DD]'; write one vulnerability id per line`);
      }
      entry.expires = m[1];
    }
    const expiredNow = entry.expires !== undefined && Date.parse(`${entry.expires}T23:59:59.999Z`) < now.getTime();
    (expiredNow ? expired : entries).push(entry);
  });
  return { sha256: sha256Hex(text), entries, expired };
}

/** The ignore file trivy reads: the entries in force, nothing else. */
export function trivyIgnoreText(list: IgnoreList | undefined): string {
  return (list?.entries ?? []).map((e) => `${e.id}\n`).join('');
}

type Json = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An OpenVEX or CycloneDX VEX document, with its statements summarised. */
export function parseVex(text: string, what = 'vex'): VexDocument {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    throw new UserError(`${what} is not JSON; give an OpenVEX or CycloneDX VEX document`);
  }
  const sha256 = sha256Hex(text);
  const context = doc['@context'];
  if (typeof context === 'string' && context.startsWith('https://openvex.dev/ns')) {
    const statements = asArray(doc.statements).map((s): VexStatement => {
      const st = s as Json;
      const vuln = st.vulnerability;
      const id = typeof vuln === 'string' ? vuln : str((vuln as Json | undefined)?.name) ?? str((vuln as Json | undefined)?.['@id']);
      if (!id || !str(st.status)) throw new UserError(`${what}: an OpenVEX statement lacks a vulnerability or a status; give both in every statement`);
      const products = asArray(st.products).flatMap((p) => {
        if (typeof p === 'string') return [p];
        const pj = p as Json;
        return [str(pj['@id']), ...asArray(pj.subcomponents).map((c) => (typeof c === 'string' ? c : str((c as Json)['@id'])))].filter((x): x is string => !!x);
      });
      return { vulnerability: id, status: st.status as string, ...(str(st.justification) ? { justification: st.justification as string } : {}), products };
    });
    return { sha256, format: 'openvex', statements, content: text };
  }
  if (doc.bomFormat === 'CycloneDX') {
    const statements = asArray(doc.vulnerabilities).map((v): VexStatement => {
      const vj = v as Json;
      const analysis = (vj.analysis ?? {}) as Json;
      const id = str(vj.id);
      if (!id || !str(analysis.state)) throw new UserError(`${what}: a CycloneDX vulnerability lacks an id or analysis.state; give both in every entry`);
      return {
        vulnerability: id,
        status: analysis.state as string,
        ...(str(analysis.justification) ? { justification: analysis.justification as string } : {}),
        products: asArray(vj.affects).map((a) => str((a as Json).ref)).filter((x): x is string => !!x),
      };
    });
    return { sha256, format: 'cyclonedx', statements, content: text };
  }
  throw new UserError(`${what} is neither OpenVEX (@context https://openvex.dev/ns/...) nor CycloneDX VEX; give one of those`);
}

export function suppressionsRecord(s: Suppressions): SuppressionsRecord {
  const out: SuppressionsRecord = {};
  if (s.ignoreFile) out.ignoreFile = { digest: { sha256: s.ignoreFile.sha256 }, entries: s.ignoreFile.entries, expired: s.ignoreFile.expired };
  if (s.vex) out.vex = { digest: { sha256: s.vex.sha256 }, format: s.vex.format, statements: s.vex.statements };
  return out;
}

/** The ship-image parameters that shaped the scan, for `invocation.parameters`. */
export function suppressionParameters(s: Suppressions): string[] {
  return [...(s.ignoreFile ? ['--ignore-file', `sha256:${s.ignoreFile.sha256}`] : []), ...(s.vex ? ['--vex', `sha256:${s.vex.sha256}`] : [])];
}

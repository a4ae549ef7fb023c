import { detectSbomFormat, type SbomFormat } from '../attest/sbom';
import type { JsonObject } from '../attest/statement';
import { UserError } from '../core/errors';
import { normalizePurl, type PackageId } from './purl';

/** The packages an SBOM lists, by purl; entries without a purl (the OS itself, files) are not packages. */
export interface SbomPackages {
  format: SbomFormat;
  packages: PackageId[];
}

// Deeply nested CycloneDX components are legal; a hostile document must not blow the stack.
const MAX_DEPTH = 64;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The in-toto statement a DSSE envelope (bare, or inside a Sigstore bundle) carries, if it is one. */
function envelopeStatement(document: JsonObject): unknown {
  const envelope = isObject(document.dsseEnvelope) ? document.dsseEnvelope : document;
  if (typeof envelope.payloadType !== 'string' || typeof envelope.payload !== 'string') return undefined;
  try {
    return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The SBOM inside `document`: a CycloneDX or SPDX JSON document, or an in-toto statement whose
 * predicate is one, bare or in its DSSE envelope or Sigstore bundle (as files: not verified here;
 * `--attested IMAGE` is the verified way).
 */
export function sbomDocument(document: unknown, what: string): JsonObject {
  if (!isObject(document)) throw new UserError(`${what} is not a JSON object; give a CycloneDX or SPDX JSON SBOM`);
  const statement = envelopeStatement(document) ?? document;
  if (isObject(statement) && typeof statement._type === 'string' && isObject(statement.predicate)) return statement.predicate;
  return document;
}

export function sbomPackages(document: unknown, what = 'the SBOM'): SbomPackages {
  const doc = sbomDocument(document, what);
  let format: SbomFormat;
  try {
    format = detectSbomFormat(doc);
  } catch (err) {
    throw new UserError(`${what}: ${(err as Error).message}`);
  }
  const packages: PackageId[] = [];
  const add = (purl: unknown) => {
    const id = typeof purl === 'string' ? normalizePurl(purl) : undefined;
    if (id) packages.push(id);
  };
  if (format === 'cyclonedx') {
    const walk = (components: unknown, depth: number) => {
      if (!Array.isArray(components) || depth > MAX_DEPTH) return;
      for (const c of components) {
        if (!isObject(c)) continue;
        add(c.purl);
        walk(c.components, depth + 1);
      }
    };
    walk(doc.components, 0);
  } else {
    for (const p of Array.isArray(doc.packages) ? doc.packages : []) {
      if (!isObject(p) || !Array.isArray(p.externalRefs)) continue;
      // SPDX 2.3 writes PACKAGE-MANAGER; 2.2 tools wrote PACKAGE_MANAGER.
      const ref = p.externalRefs.find((r): r is JsonObject => isObject(r) && r.referenceType === 'purl');
      if (ref) add(ref.referenceLocator);
    }
  }
  return { format, packages };
}

import { UserError } from '../core/errors';
import { PREDICATE } from '../oci/media-types';
import { makeStatement, type JsonObject, type Statement, type SubjectInput } from './statement';

export type SbomFormat = 'cyclonedx' | 'spdx';

/** Which format a parsed SBOM document is, from its own markers. */
export function detectSbomFormat(document: JsonObject): SbomFormat {
  if (document.bomFormat === 'CycloneDX') return 'cyclonedx';
  if (typeof document.spdxVersion === 'string') return 'spdx';
  throw new UserError('the SBOM is neither CycloneDX JSON (bomFormat) nor SPDX JSON (spdxVersion); produce it with --format cyclonedx or spdx-json');
}

/** The SBOM attestation: the whole CycloneDX or SPDX JSON document is the predicate. */
export function sbomStatement(subject: SubjectInput | SubjectInput[], document: JsonObject, format: SbomFormat = detectSbomFormat(document)): Statement<JsonObject> {
  const predicateType = format === 'cyclonedx' ? PREDICATE.cyclonedx : PREDICATE.spdx;
  return makeStatement(subject, predicateType, document);
}

// The in-toto statements ship-image signs: one import for callers.
export {
  IN_TOTO_STATEMENT_V1,
  MAX_PREDICATE_BYTES,
  makeStatement,
  parseStatement,
  serializeStatement,
  toSubject,
  type JsonObject,
  type JsonValue,
  type Statement,
  type Subject,
  type SubjectInput,
} from './statement';
export { signatureStatement, type SignaturePredicate } from './signature';
export { detectSbomFormat, sbomStatement, type SbomFormat } from './sbom';
export { vulnPredicate, vulnStatement, type VulnPredicate, type VulnScanInput } from './vuln';
export {
  GITHUB_WORKFLOW_BUILD_TYPE,
  LOCAL_BUILD_TYPE,
  provenancePredicate,
  provenanceStatement,
  type ProvenancePredicate,
  type ProvenanceTimes,
} from './provenance';
export { buildContextFromEnv, splitWorkflowRef, withJobWorkflow, type BuildContext, type LocalBuildFacts } from './build-context';

import { PREDICATE } from '../oci/media-types';
import { makeStatement, type Statement, type SubjectInput } from './statement';

/** cosign v3 signs an image as a statement of this type whose predicate is an empty object. */
export type SignaturePredicate = Record<string, never>;

/**
 * The image signature statement, as cosign v3 writes it: the manifest digest as subject, an empty
 * predicate; `annotations` (cosign's `-a key=value`) go on the subject.
 */
export function signatureStatement(subject: SubjectInput): Statement<SignaturePredicate> {
  return makeStatement(subject, PREDICATE.signature, {});
}

// The admission.k8s.io/v1 AdmissionReview of a validating webhook: the request's images in, one
// response out. Pure.
import { inertText } from '../core/untrusted-text';
import { badRequest } from './http-error';
import { distinctImages, hasPodSpec, podImages, type ContainerImage } from './pod-images';
import { admits, objectionable, verdictMessage, type ImageVerdict } from './verdict';
import { ADMISSION_API_VERSION, ADMISSION_REVIEW_KIND, type AdmissionRequest, type AdmissionReview } from './wire';

/** What the webhook needs from a review: whom to answer, and which images to judge. */
export interface ReviewedRequest {
  uid: string;
  kind: string;
  /** Every container image the object names (all container lists); empty for kinds without a pod spec. */
  containers: ContainerImage[];
  /** Each image once. */
  images: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A review whose images cannot be read is a 400 (the API server then applies failurePolicy), never an allow. */
export function parseAdmissionReview(body: unknown): ReviewedRequest {
  if (!isRecord(body)) throw badRequest('the body is not an AdmissionReview object');
  if (body.apiVersion !== ADMISSION_API_VERSION) throw badRequest(`apiVersion must be ${ADMISSION_API_VERSION}, got ${describe(body.apiVersion)}`);
  if (body.kind !== ADMISSION_REVIEW_KIND) throw badRequest(`kind must be ${ADMISSION_REVIEW_KIND}, got ${describe(body.kind)}`);
  const request = body.request;
  if (!isRecord(request)) throw badRequest('request is missing or not an object');
  const { uid, kind, operation, object } = request as Partial<AdmissionRequest> & Record<string, unknown>;
  if (typeof uid !== 'string' || uid === '') throw badRequest('request.uid is missing');
  if (uid.length > 256) throw badRequest('request.uid is longer than 256 characters');
  if (!isRecord(kind) || typeof kind.kind !== 'string') throw badRequest('request.kind.kind is missing');
  if (typeof operation !== 'string') throw badRequest('request.operation is missing');
  // DELETE and CONNECT carry no new object: nothing is about to run.
  if (object === undefined || object === null || !hasPodSpec(kind.kind)) return { uid, kind: kind.kind, containers: [], images: [] };
  const containers = podImages(kind.kind, object);
  return { uid, kind: kind.kind, containers, images: distinctImages(containers) };
}

/** Kubernetes shows at most this much of a warning; longer ones are cut by the API server anyway. */
const MAX_WARNING = 256;
const MAX_WARNINGS = 20;

/**
 * Allowed only when every image is. A denial's message names each denied image and rule (the
 * user sees it in kubectl's error); in audit mode the same lines come back as `warnings`.
 */
export function admissionResponse(reviewed: ReviewedRequest, verdicts: ReadonlyMap<string, ImageVerdict>, audit: boolean): AdmissionReview {
  const judged = reviewed.images.map((image): ImageVerdict => verdicts.get(image) ?? { kind: 'error', image, reason: 'no verdict (internal error)' });
  const denied = judged.filter((v) => !admits(v, audit));
  const base = { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_REVIEW_KIND } as const;
  if (denied.length > 0) {
    const message = inertText(`ship-image: ${denied.map((v) => `${verdictMessage(v, audit)}${containersOf(reviewed, v.image)}`).join(' | ')}`, { max: 8000 });
    return { ...base, response: { uid: reviewed.uid, allowed: false, status: { status: 'Failure', code: 403, reason: 'Forbidden', message } } };
  }
  const warnings = judged
    .filter(objectionable)
    .slice(0, MAX_WARNINGS)
    .map((v) => inertText(`ship-image: ${verdictMessage(v, audit)}`, { max: MAX_WARNING }));
  return { ...base, response: { uid: reviewed.uid, allowed: true, ...(warnings.length ? { warnings } : {}) } };
}

function containersOf(reviewed: ReviewedRequest, image: string): string {
  const names = reviewed.containers.filter((c) => c.image === image).map((c) => (c.kind === 'containers' ? c.name : `${c.name} (${c.kind.replace(/s$/, '')})`));
  return names.length ? ` [container ${names.join(', ')}]` : '';
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  return typeof v === 'string' ? `'${v.slice(0, 100)}'` : typeof v;
}

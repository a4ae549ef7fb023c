// The wire shapes serve speaks, as their owners define them: Gatekeeper's external data protocol
// (open-policy-agent/frameworks constraint/pkg/externaldata: ProviderRequest, ProviderResponse,
// Item) and the Kubernetes admission.k8s.io/v1 AdmissionReview (k8s.io/api admission/v1 types.go).
// Only the fields serve reads or writes are typed; Go's `omitempty` fields are optional here.

export const EXTERNAL_DATA_API_VERSION = 'externaldata.gatekeeper.sh/v1beta1';
export const PROVIDER_REQUEST_KIND = 'ProviderRequest';
export const PROVIDER_RESPONSE_KIND = 'ProviderResponse';

export interface ProviderRequest {
  apiVersion?: string;
  kind?: string;
  request?: { keys?: string[] };
}

/** One answer per key: `value` when the provider has one, `error` when it could not get one. */
export interface ProviderItem {
  key: string;
  value?: GatekeeperValue;
  error?: string;
}

export interface ProviderResponse {
  apiVersion: typeof EXTERNAL_DATA_API_VERSION;
  kind: typeof PROVIDER_RESPONSE_KIND;
  response: {
    /** Only mutation reads it; verdicts of one digest do not change within the cache TTL either way. */
    idempotent?: boolean;
    items?: ProviderItem[];
    /** The provider could not answer at all (malformed request): Gatekeeper fails the whole call. */
    systemError?: string;
  };
}

/**
 * What serve puts in an item's `value`: `verify --json`'s shape (image, digest, allowed, rules)
 * without the evidence, plus the tag resolved and one line for a message. The rendered
 * ConstraintTemplate makes a violation of each failed rule and of `allowed: false`.
 */
export interface GatekeeperValue {
  /** The key as the request named it. */
  image: string;
  /** The image digest the verdict is about; absent when the image is outside the policy. */
  digest?: string;
  /** Set when the key named a tag: the tag that was resolved to `digest` at admission. */
  resolvedFromTag?: string;
  /** What admission should do: false only for a denial in enforce mode. */
  allowed: boolean;
  /** Whether every rule passed (with `--audit`, `allowed` is true even when this is false). */
  passed: boolean;
  rules: Array<{ rule: string; passed: boolean; reason: string }>;
  /** One line naming the image, the digest and each failed rule. */
  message: string;
}

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_REVIEW_KIND = 'AdmissionReview';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource?: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind?: GroupVersionKind;
  name?: string;
  namespace?: string;
  operation: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

export interface AdmissionReview {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_REVIEW_KIND;
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

/** metav1.Status as a denial carries it. */
export interface Status {
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: Status;
  warnings?: string[];
}

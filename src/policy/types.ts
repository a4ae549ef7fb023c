// Shapes shared by the policy loader, the rule engine and the renderers.

/** A Go duration (`168h`, `1h30m`) as written in the policy, with its exact value. */
export interface Duration {
  /** The text as written; renderers pass it through to engines that parse Go durations. */
  text: string;
  /** Exact nanoseconds (Go's time.Duration). */
  nanoseconds: bigint;
  /** Milliseconds, for arithmetic on Date values. */
  milliseconds: number;
}

/**
 * The Fulcio certificate extensions a policy identity can pin (fulcio docs/oid-info.md), by the
 * names Fulcio and sigstore-go give them; each is matched exactly.
 */
export const PINNABLE_EXTENSIONS = {
  buildSignerURI: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryURI: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerURI: '1.3.6.1.4.1.57264.1.16',
  buildConfigURI: '1.3.6.1.4.1.57264.1.18',
} as const;

export type PinnableExtension = keyof typeof PINNABLE_EXTENSIONS;
export type ExtensionPins = Partial<Record<PinnableExtension, string>>;

/**
 * A keyless signer the policy allows: issuer matched exactly, subject exactly or by an anchored
 * RE2-compatible regexp, and every pinned certificate extension exactly.
 */
export type PolicyIdentity = (
  | { issuer: string; subject: string; subjectRegExp?: undefined }
  | { issuer: string; subjectRegExp: string; subject?: undefined }
) & { extensions?: ExtensionPins };

export interface PolicyKey {
  /** As written in the policy (relative to the policy file). */
  path: string;
  /** PEM text of the public key. */
  pem: string;
  /** `sha256:<hex>` of the DER SubjectPublicKeyInfo; see publicKeyId(). */
  keyId: string;
  /** Whether a signature by this key counts only with a verified transparency-log (Rekor) entry. */
  requireTlog: boolean;
}

export type SigstoreInstance =
  | { kind: 'public-good' }
  | { kind: 'github' }
  | { kind: 'trustedRoot'; path: string; json: string };

export interface VulnerabilityRequirement {
  /** The newest valid scan must be at most this old. */
  maxScanAge: Duration;
  /** A CRITICAL published longer ago than this denies. */
  criticalGrace: Duration;
}

export interface Policy {
  name: string;
  /** The policy file as given by the user (for messages). */
  source: string;
  /** Globs over image references: `*` matches any run of characters (including `/` and `:`). */
  images: string[];
  /** Admission only: namespaces the rendered policies skip. */
  excludeNamespaces: string[];
  mode: 'enforce' | 'audit';
  sigstore: SigstoreInstance;
  identities: PolicyIdentity[];
  keys: PolicyKey[];
  require: {
    signature: boolean;
    sbom: boolean;
    /** Undefined when the policy turns the vulnerability rule off (`vulnerabilities: false`). */
    vulnerabilities?: VulnerabilityRequirement;
  };
}

/** An in-toto Statement (v1 or v0.1) as carried in a DSSE envelope. */
export interface InTotoStatement {
  _type: string;
  subject: Array<{ name?: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate?: unknown;
}

export type Signer =
  | { kind: 'keyless'; san: string; issuer: string; /** The pinnable extensions the certificate carries. */ extensions?: ExtensionPins }
  | { kind: 'key'; keyId: string; /** Whether the bundle carried a transparency-log entry that verified. */ tlog?: boolean };

/** One bundle whose signature and transparency/timestamp proofs already verified (filled by `verify`). */
export interface VerifiedAttestation {
  referrerDigest: string;
  predicateType: string;
  statement: InTotoStatement;
  signer: Signer;
  signedAt: Date;
}

/** A referrer that was looked at and set aside, with the reason. */
export interface RejectedAttestation {
  referrerDigest: string;
  predicateType?: string;
  reason: string;
}

export interface EvaluationInput {
  imageDigest: string;
  now: Date;
  attestations: VerifiedAttestation[];
  rejected: RejectedAttestation[];
}

export type RuleName = 'signature' | 'sbom' | 'vulnerabilities';

export interface AttestationEvidence {
  referrerDigest: string;
  predicateType: string;
  signer: Signer;
  signedAt: string;
}

export interface CveEvidence {
  id: string;
  package?: string;
  severity: string;
  publishedDate?: string;
  /** Go-style duration since publication, when the date parsed. */
  age?: string;
}

export interface RuleEvidence {
  attestations?: AttestationEvidence[];
  scan?: AttestationEvidence & { scanFinishedOn: string; age: string };
  /** CRITICALs that deny (published longer ago than the grace, or with no usable date). */
  offending?: CveEvidence[];
  /** CRITICALs still inside the grace period (allowed, listed so nobody is surprised later). */
  withinGrace?: CveEvidence[];
}

export interface RuleResult {
  rule: RuleName;
  passed: boolean;
  reason: string;
  evidence: RuleEvidence;
}

export interface EvaluationResult {
  /** False only when a rule failed and the policy is in enforce mode. */
  allowed: boolean;
  mode: 'enforce' | 'audit';
  rules: RuleResult[];
  /** The attestations the rules looked at: allowed signer, subject is the image. */
  accepted: VerifiedAttestation[];
  /** Everything set aside: what the caller rejected plus what did not match signer or subject. */
  rejected: RejectedAttestation[];
}

// What each admission engine would decide about one image, computed from the RENDERED manifest (never
// the ship-image policy file) and the bundles an engine's Sigstore verifier would accept.
//
// Split the way the engines split it:
// - signature verification and attestor/authority matching happen in Go, outside any policy
//   language: modelled here by small functions that read the manifest's attestor fields
//   (`attestorMatches`), over the bundles @sigstore/verify accepted (collectAttestations);
// - the policy language is run by a real evaluator: Kyverno ClusterPolicy conditions by the
//   JMESPath evaluation in ./kyverno-jmespath, ImageValidatingPolicy validations by @bufbuild/cel
//   with Kyverno's extra CEL functions as the shims below; policy-controller's Rego has no evaluator
//   that runs here (no OPA binary, no pure-JS Rego interpreter on npm), so only its authority and
//   attestation-presence part is modelled and the Rego verdict is left to the e2e job.
// Sources read for the engine behaviour: kyverno pkg/cosign/sigstore.go (buildPolicy,
// buildVerifyOptions), pkg/imageverification (attestor options, extractPayload), sigstore
// policy-controller pkg/webhook (authorities OR'ed, attestations AND'ed).
import { celFunc, CelScalar, isCelError, isCelList, isCelMap, run, type CelValue } from '@bufbuild/cel';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { RepositoryStore } from '../../src/oci/store';
import { publicKeyId } from '../../src/policy/signer';
import type { Signer, VerifiedAttestation } from '../../src/policy/types';
import { collectAttestations } from '../../src/verify/collect';
import { evaluateKyvernoConditions, type KyvernoConditionBlock } from './kyverno-jmespath';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One attestor as an engine's Go code matches it. */
export type AttestorSpec =
  | { kind: 'keyless'; identities: Array<{ issuer?: string; subject?: string; subjectRegExp?: string }> }
  | { kind: 'key'; pem: string; ignoreTlog: boolean };

/**
 * Whether a verified bundle's signer satisfies an attestor. cosign's bundle path accepts exactly
 * one identity per check: an attestor listing several (or none) verifies nothing.
 */
export function attestorMatches(spec: AttestorSpec, signer: Signer): boolean {
  if (spec.kind === 'key') return signer.kind === 'key' && signer.keyId === publicKeyId(spec.pem) && (spec.ignoreTlog || signer.tlog === true);
  if (signer.kind !== 'keyless' || spec.identities.length !== 1) return false;
  const id = spec.identities[0]!;
  if (id.issuer !== signer.issuer) return false;
  if (id.subject !== undefined) return id.subject === signer.san;
  return id.subjectRegExp !== undefined && new RegExp(id.subjectRegExp).test(signer.san);
}

/** The bundles of the image that verify cryptographically (root, and the keys the manifest holds), for the image digest. */
export async function bundlesSeen(store: RepositoryStore, digest: string, trustedRoot: TrustedRoot, pems: string[]): Promise<VerifiedAttestation[]> {
  const keys = pems.map((pem, i) => ({ path: `rendered-key-${i}`, pem, keyId: publicKeyId(pem), requireTlog: false }));
  const { attestations } = await collectAttestations(store, digest, { trustedRoot, keys });
  const [alg, hex] = digest.split(':') as [string, string];
  // cosign's in-toto claim verifier: the statement must name the image.
  return attestations.filter((a) => a.statement.subject?.some((s) => s?.digest?.[alg] === hex));
}

export interface EngineVerdict {
  allowed: boolean;
  /** Why it denied, for failure messages. */
  why: string[];
}

// ---- Kyverno ClusterPolicy (verifyImages, type SigstoreBundle) ----

function kyvernoEntrySpec(entry: Doc): AttestorSpec {
  if (entry.keyless) return { kind: 'keyless', identities: [entry.keyless] };
  // buildVerifyOptions: a Rekor entry is required unless ignoreTlog, an observer timestamp unless ignoreSCT.
  return { kind: 'key', pem: entry.keys.publicKeys, ignoreTlog: entry.keys.rekor?.ignoreTlog === true && entry.keys.ctlog?.ignoreSCT === true };
}

export function kyvernoClusterPolicyKeys(doc: Doc): string[] {
  const entries = doc.spec.rules[0].verifyImages[0].attestations.flatMap((a: Doc) => a.attestors.flatMap((s: Doc) => s.entries));
  return [...new Set<string>(entries.filter((e: Doc) => e.keys).map((e: Doc) => e.keys.publicKeys))];
}

/** Every attestation entry must hold; each needs a statement of its type from a matching entry, and EVERY such statement must pass the conditions. */
export function kyvernoClusterPolicyVerdict(doc: Doc, seen: VerifiedAttestation[], now: Date): EngineVerdict {
  const why: string[] = [];
  for (const att of doc.spec.rules[0].verifyImages[0].attestations as Doc[]) {
    const specs: AttestorSpec[] = att.attestors.flatMap((s: Doc) => s.entries.map(kyvernoEntrySpec));
    const statements = seen.filter((a) => a.statement.predicateType === att.type && specs.some((s) => attestorMatches(s, a.signer)));
    if (statements.length === 0) {
      why.push(`no ${att.type} from an attestor`);
      continue;
    }
    const conditions = (att.conditions ?? []) as KyvernoConditionBlock[];
    for (const st of statements) {
      const outcome = evaluateKyvernoConditions(conditions, st.statement.predicate as never, now);
      if (!outcome.passed) why.push(`${att.type}: ${outcome.error ?? outcome.failed.join('; ')}`);
    }
  }
  return { allowed: why.length === 0 || doc.spec.validationFailureAction === 'Audit', why };
}

// ---- Kyverno ImageValidatingPolicy (CEL) ----

function ivpAttestorSpec(attestor: Doc): AttestorSpec {
  const c = attestor.cosign;
  if (c.keyless) return { kind: 'keyless', identities: c.keyless.identities ?? [] };
  return { kind: 'key', pem: c.key.data, ignoreTlog: c.ctlog?.insecureIgnoreTlog === true };
}

export function ivpKeys(doc: Doc): string[] {
  return [...new Set<string>(doc.spec.attestors.filter((a: Doc) => a.cosign.key).map((a: Doc) => a.cosign.key.data))];
}

/** A CEL value back to plain JSON-like data: the shims only read fields of attestor and attestation entries. */
function plain(value: CelValue | undefined): unknown {
  if (isCelMap(value)) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), plain(v)]));
  if (isCelList(value)) return [...value.values()].map(plain);
  return typeof value === 'bigint' ? Number(value) : value;
}

/**
 * The validations evaluated by @bufbuild/cel. Kyverno's extra functions, as TEST SHIMS:
 * - `verifyAttestationSignatures(image, attestation, attestors)`: how many of the listed attestors
 *   verify a statement of the attestation's in-toto type (attestorMatches over the seen bundles);
 * - `extractPayload(image, attestation)`: the statement of that type Kyverno kept, the LAST one an
 *   attestor of the policy verified (the sdk loader keeps one per type); an error when there is none;
 * - `time.now()`: the test clock.
 * Any CEL error fails the validation (failurePolicy Fail).
 */
export function imageValidatingPolicyVerdict(doc: Doc, imageRef: string, seen: VerifiedAttestation[], now: Date): EngineVerdict {
  const attestors: Record<string, Doc> = Object.fromEntries(doc.spec.attestors.map((a: Doc) => [a.name, a]));
  const attestations: Record<string, Doc> = Object.fromEntries(doc.spec.attestations.map((a: Doc) => [a.name, a]));
  const allSpecs = Object.values(attestors).map(ivpAttestorSpec);
  const ofType = (type: string, specs: AttestorSpec[]) => seen.filter((a) => a.statement.predicateType === type && specs.some((s) => attestorMatches(s, a.signer)));
  const funcs = [
    celFunc('verifyAttestationSignatures', [CelScalar.DYN, CelScalar.DYN, CelScalar.DYN], CelScalar.INT, (_image, attestation, list) => {
      const type = (plain(attestation) as Doc).intoto.type as string;
      const listed = plain(list) as Doc[];
      return BigInt(listed.filter((a) => ofType(type, [ivpAttestorSpec(a)]).length > 0).length);
    }),
    celFunc('extractPayload', [CelScalar.DYN, CelScalar.DYN], CelScalar.DYN, (_image, attestation) => {
      const type = (plain(attestation) as Doc).intoto.type as string;
      const found = ofType(type, allSpecs);
      if (found.length === 0) throw new Error(`no verified ${type} payload`);
      return found[found.length - 1]!.statement as never;
    }),
    celFunc('time.now', [], CelScalar.DYN, () => timestampFromDate(now) as never),
  ];
  const bindings = { images: { containers: [imageRef], initContainers: [], ephemeralContainers: [] }, attestors, attestations };
  const why: string[] = [];
  for (const v of doc.spec.validations as Array<{ expression: string; message: string }>) {
    let result: unknown;
    try {
      result = run(v.expression, bindings as never, { funcs });
    } catch (err) {
      result = err;
    }
    if (result !== true) why.push(`${v.message}${isCelError(result) || result instanceof Error ? ` (${(result as Error).message})` : ''}`);
  }
  return { allowed: why.length === 0 || (doc.spec.validationActions as string[]).includes('Audit'), why };
}

// ---- policy-controller ClusterImagePolicy ----

/**
 * Authorities are OR'ed, the attestations inside one AND'ed; each needs a statement of its type
 * from the authority's one identity. The Rego of an attestation is NOT evaluated (see above): the
 * verdict says which attestation names carry Rego that the e2e job must judge.
 */
export function clusterImagePolicyPresence(doc: Doc, seen: VerifiedAttestation[]): EngineVerdict & { regoUnjudged: string[] } {
  const why: string[] = [];
  for (const authority of doc.spec.authorities as Doc[]) {
    const spec: AttestorSpec = { kind: 'keyless', identities: authority.keyless?.identities ?? [] };
    const missing = (authority.attestations as Doc[]).filter(
      (att) => !seen.some((a) => a.statement.predicateType === att.predicateType && attestorMatches(spec, a.signer)),
    );
    if (missing.length === 0) {
      return { allowed: true, why: [], regoUnjudged: (authority.attestations as Doc[]).filter((a) => a.policy).map((a) => a.name as string) };
    }
    why.push(`${authority.name}: no ${missing.map((m) => m.predicateType).join(', ')}`);
  }
  return { allowed: doc.spec.mode === 'warn', why, regoUnjudged: [] };
}

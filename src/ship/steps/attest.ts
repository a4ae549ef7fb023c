import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { buildBundleReferrer } from '../../attest/referrer-manifest';
import { sameStatement } from '../../attest/same-statement';
import {
  provenanceStatement,
  sbomStatement,
  signatureStatement,
  vulnStatement,
  type JsonObject,
  type VulnScanInput,
  type Statement,
  type SubjectInput,
} from '../../attest/statements';
import type { BuiltImage } from '../../build/types';
import { UserError } from '../../core/errors';
import { attachReferrers, type ExpectedReferrer } from '../../oci/referrers';
import type { Descriptor, ImageManifest } from '../../oci/types';
import { suppressionParameters, suppressionsRecord } from '../../scan/suppressions';
import { mergeResultsShapes, type ResultsShape } from '../../scan/results-shape';
import type { SerializedBundle, StatementSigner } from '../../sign';
import { sameVerificationKind, type BundleSigner } from '../../sign/bundle-signer';
import type { ReferrerKind } from '../outputs';
import type { ShipEnvironment, ShipPlan } from '../plan';
import type { Analysis, ScanOutcome } from './analyze';
import { KYVERNO_MAX_BUNDLE_BYTES, listBundleReferrers, ownReferrers, type OwnReferrer } from './own-referrers';

/** One statement to sign, and the manifest it is attached to. */
export interface PlannedAttestation {
  kind: ReferrerKind;
  /** Platform for per-platform attestations (SBOM, scan) of a multi-platform image. */
  platform?: string;
  subject: Descriptor;
  /**
   * Where else the same bundle is attached: a platform's SBOM also goes on the index, since
   * admission engines and `verify` judge the digest a pod names, which for a multi-platform image is
   * the index (the statement lists both digests as subjects). Scans are not: the index has its own.
   */
  alsoAttachTo?: Descriptor;
  statement: Statement<object>;
}

/** A signed statement, its bundle file, and (once pushed) its referrer digests. */
export interface SignedAttestation {
  kind: ReferrerKind;
  platform?: string;
  subject: Descriptor;
  alsoAttachTo?: Descriptor;
  subjectDigest: string;
  predicateType: string;
  /** Empty until pushed (and for ever with `signature-format: legacy`). */
  referrerDigest: string;
  /** The same bundle's referrer on the index (multi-platform SBOM and scan). */
  indexReferrerDigest?: string;
  bundlePath: string;
  bundle: SerializedBundle;
}

/**
 * The statements a shipped image gets. The signature and provenance are about the image as pushed
 * (the index for a multi-platform image); SBOM and scan are about what was analysed: each platform's
 * own manifest, so one platform's SBOM is never presented as the whole index's.
 */
export function planAttestations(plan: ShipPlan, built: BuiltImage, analysis: Analysis, imageDescriptor: Descriptor, platformDescriptors: Record<string, Descriptor>): PlannedAttestation[] {
  const name = plan.target.name;
  const image: SubjectInput = { name, digest: built.digest };
  const out: PlannedAttestation[] = [{ kind: 'signature', subject: imageDescriptor, statement: signatureStatement(image) }];
  const multi = analysis.platforms.length > 1;
  for (const p of analysis.platforms) {
    const subject = multi ? (platformDescriptors[p.platform] as Descriptor) : imageDescriptor;
    const platform = multi ? p.platform : undefined;
    // A platform's SBOM is also attached to the index (both digests are its subjects): every engine's
    // "has an SBOM" check on the index then finds one, and no tool-made document is merged by us.
    const sbomSubjects: SubjectInput[] = multi ? [{ name, digest: subject.digest }, image] : [image];
    out.push({ kind: 'sbom', platform, subject, alsoAttachTo: multi ? imageDescriptor : undefined, statement: sbomStatement(sbomSubjects, p.sbom.document as JsonObject, plan.inputs.sbomFormat) });
    out.push({ kind: 'vulnerabilities', platform, subject, statement: vulnStatement({ name, digest: subject.digest }, scanInput(plan, analysis, p.scan, p.scan.report)) });
  }
  if (multi) {
    // The index carries ONE scan covering every platform, dated by its oldest platform scan: engines
    // judge the index with one scan (IVP), any (policy-controller) or every (Kyverno) — one that
    // holds all the findings gives each the same verdict.
    const scans = analysis.platforms.map((p) => p.scan);
    const oldest = (times: string[]) => times.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
    const combined = mergeResultsShapes(analysis.platforms.map((p) => ({ platform: p.platform, result: p.scan.report })));
    const scan = { ...scans[0]!, startedOn: oldest(scans.map((s) => s.startedOn)), finishedOn: oldest(scans.map((s) => s.finishedOn)) };
    out.push({ kind: 'vulnerabilities', subject: imageDescriptor, statement: vulnStatement(image, scanInput(plan, analysis, scan, combined)) });
  }
  if (plan.buildContext) {
    out.push({ kind: 'provenance', subject: imageDescriptor, statement: provenanceStatement(image, plan.buildContext) });
  }
  return out;
}

function scanInput(plan: ShipPlan, analysis: Analysis, scan: ScanOutcome, result: ResultsShape): VulnScanInput {
  return {
    scanner: scan.scanner,
    scannerVersion: scan.toolVersion,
    db: { uri: scan.scanner === 'trivy' ? (analysis.db.repository ?? '') : '', version: scan.dbVersion ?? '' },
    report: result as unknown as JsonObject,
    startedOn: scan.startedOn,
    finishedOn: scan.finishedOn,
    invocation: {
      parameters: suppressionParameters(plan.suppressions),
      ...(plan.buildContext?.runId
        ? { uri: `${plan.buildContext.serverUrl}/${plan.buildContext.repository}/actions/runs/${plan.buildContext.runId}`, eventId: plan.buildContext.runId }
        : {}),
    },
    suppressions: suppressionsRecord(plan.suppressions),
  };
}

/**
 * Step 3a: sign every statement with one signer (so one certificate) and write each bundle file.
 * Nothing is pushed: `pushReferrers` does that, or nothing does (`signature-format: legacy`).
 * `referrerDigest` stays empty until then.
 */
export async function signStatements(plan: ShipPlan, planned: PlannedAttestation[], signer: StatementSigner, world: ShipEnvironment): Promise<SignedAttestation[]> {
  const dir = path.join(plan.outputDir, 'bundles');
  await mkdir(dir, { recursive: true });
  // All side by side: a keyless signer makes concurrent signatures share one certificate request.
  const bundles = await Promise.all(planned.map((p) => signer.signStatement(p.statement)));
  world.logger.info(`sign: ${bundles.length} statements signed${signer.identity ? ` by ${signer.identity}` : ''}`);
  return Promise.all(
    planned.map(async (p, i): Promise<SignedAttestation> => {
      const bundle = bundles[i] as SerializedBundle;
      const file = path.join(dir, `${p.kind}${p.platform ? '-' + p.platform.replace(/\//g, '-') : ''}.sigstore.json`);
      await writeFile(file, JSON.stringify(bundle));
      return {
        kind: p.kind,
        platform: p.platform,
        subject: p.subject,
        alsoAttachTo: p.alsoAttachTo,
        subjectDigest: p.subject.digest,
        predicateType: p.statement.predicateType,
        referrerDigest: '',
        bundlePath: file,
        bundle,
      };
    }),
  );
}

/**
 * Kyverno ClusterPolicy fails every rule of an image with a bundle layer over 10,000,000 bytes, so
 * such a bundle is refused before any referrer is pushed.
 */
export function checkBundleSizes(signed: readonly SignedAttestation[]): void {
  for (const s of signed) {
    const size = Buffer.byteLength(JSON.stringify(s.bundle));
    if (size > KYVERNO_MAX_BUNDLE_BYTES) {
      const what = `the ${s.kind} attestation${s.platform ? ` of ${s.platform}` : ''}`;
      throw new UserError(
        `${what} is a ${size}-byte Sigstore bundle, over the ${KYVERNO_MAX_BUNDLE_BYTES}-byte layer limit of Kyverno (which then refuses every rule of the image); nothing was attached: make the image smaller (fewer packages) or ship its parts as separate images`,
      );
    }
  }
}

/**
 * Step 3b: push each signed bundle as an OCI 1.1 referrer of its subject(s), all side by side. A
 * statement this signer already attached to that subject (the same statement, see sameStatement) is
 * not attached again: its referrer is reused, so re-shipping a digest does not grow its referrers.
 */
export async function pushReferrers(plan: ShipPlan, signed: SignedAttestation[], world: ShipEnvironment, owner?: BundleSigner): Promise<SignedAttestation[]> {
  const created = world.now?.() ?? new Date();
  const existing = new Map<string, Promise<OwnReferrer[]>>();
  const listings = new Map<string, Promise<Descriptor[]>>(); // one listing per subject, shared by the predicate types
  const alreadyAttached = async (subject: Descriptor, s: SignedAttestation): Promise<Descriptor | undefined> => {
    if (!owner || s.kind === 'vulnerabilities') return undefined; // a scan is always new: superseded instead
    const key = `${subject.digest} ${s.predicateType}`;
    if (!listings.has(subject.digest)) listings.set(subject.digest, listBundleReferrers(plan.store, subject.digest));
    if (!existing.has(key)) existing.set(key, ownReferrers(plan.store, subject.digest, s.predicateType, owner, listings.get(subject.digest)));
    const statement = JSON.parse(Buffer.from(s.bundle.dsseEnvelope?.payload ?? '', 'base64').toString('utf8')) as unknown;
    return (await existing.get(key)!).find((r) => sameStatement(r.statement, statement) && sameVerificationKind(r.bundle, s.bundle))?.descriptor;
  };
  let reused = 0;
  // Blobs first, then every manifest in one attach: each subject's fallback index is written once.
  const toAttach: ImageManifest[] = [];
  const placed = await Promise.all(
    signed.map(async (s) => {
      const bundleJson = JSON.stringify(s.bundle);
      const place = async (subject: Descriptor): Promise<Descriptor | number> => {
        const found = await alreadyAttached(subject, s);
        if (found) {
          reused++;
          return found;
        }
        const referrer = buildBundleReferrer({ bundle: bundleJson, predicateType: s.predicateType, subject, created });
        await Promise.all([plan.store.putBlob(referrer.configBytes, referrer.manifest.config.mediaType), plan.store.putBlob(referrer.layerBytes, referrer.manifest.layers[0]!.mediaType)]);
        return toAttach.push(referrer.manifest) - 1;
      };
      return Promise.all([place(s.subject), s.alsoAttachTo ? place(s.alsoAttachTo) : undefined]);
    }),
  );
  // No settle pause here: ship checks every referrer is listed after all its writes
  // (ensureReferrersListed), which catches a concurrent writer the pause would.
  const attached = await attachReferrers(plan.store, toAttach, { logger: world.logger, settleMs: 0 });
  const descriptorOf = (p: Descriptor | number) => (typeof p === 'number' ? attached[p]! : p);
  const out = signed.map((s, i): SignedAttestation => {
    const [onSubject, onIndex] = placed[i]!;
    return { ...s, referrerDigest: descriptorOf(onSubject).digest, indexReferrerDigest: onIndex === undefined ? undefined : descriptorOf(onIndex).digest };
  });
  if (reused > 0) world.logger.info(`attest: ${reused} statement(s) already attached by this signer, not attached again`);
  return out;
}

/** Each referrer a push made, with the subject it was attached to (the index too, for platform SBOMs and scans). */
export function expectedReferrers(pushed: readonly SignedAttestation[], indexDigest: string): ExpectedReferrer[] {
  return pushed.flatMap((p) => [
    { subject: p.subjectDigest, referrer: p.referrerDigest },
    ...(p.indexReferrerDigest ? [{ subject: indexDigest, referrer: p.indexReferrerDigest }] : []),
  ]);
}

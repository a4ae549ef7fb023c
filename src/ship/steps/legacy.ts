import { X509Certificate } from 'node:crypto';
import { envelopeFromJSON, envelopeToJSON } from '@sigstore/bundle';
import {
  appendLegacyCosign,
  legacyAttestationLayer,
  legacySignatureLayer,
  simpleSigningPayload,
  type CosignMaterial,
  type LegacyCosignLayer,
} from '../../oci/legacy-cosign';
import type { SerializedBundle, StatementSigner } from '../../sign';
import type { ShipEnvironment, ShipPlan } from '../plan';
import type { SignedAttestation } from './attest';

/** The legacy cosign tags written, and how many layers each received. */
export interface LegacyTagsWritten {
  /** `sha256-<hex>.sig` / `.att` tag → layers added by this run. */
  tags: Record<string, number>;
}


/**
 * cosign <= v2 layout (`signature-format: legacy|both`): a `.sig` layer for the image (a raw signature
 * over the simple-signing payload, same key and certificate as the bundles) and one `.att` layer per
 * attestation (the DSSE envelope of the bundle already made), each with cosign's annotations.
 * Layers of one tag are added one after the other (each rewrites the tag); different tags in parallel.
 */
export async function legacyStep(
  plan: ShipPlan,
  imageDigest: string,
  attestations: SignedAttestation[],
  signer: StatementSigner,
  world: ShipEnvironment,
): Promise<LegacyTagsWritten> {
  const layersBySubject = new Map<string, { kind: 'sig' | 'att'; layer: LegacyCosignLayer }[]>();
  const add = (subject: string, kind: 'sig' | 'att', layer: LegacyCosignLayer) => {
    const key = `${subject} ${kind}`;
    layersBySubject.set(key, [...(layersBySubject.get(key) ?? []), { kind, layer }]);
  };

  const payload = simpleSigningPayload(plan.target.name, imageDigest);
  const signed = await signer.signMessage(payload);
  const signature = signed.messageSignature?.signature;
  if (!signature) throw new Error('the signer returned no message signature for the .sig layer');
  add(imageDigest, 'sig', legacySignatureLayer(payload, signature, cosignMaterial(signed, signer.certificateChainPem)));

  // The image signature statement is the cosign v3 form of `.sig`: it has no `.att` counterpart.
  for (const a of attestations.filter((p) => p.kind !== 'signature')) {
    const bundle = a.bundle as SerializedBundle;
    if (!bundle.dsseEnvelope) throw new Error(`the ${a.kind} bundle carries no DSSE envelope`);
    add(a.subjectDigest, 'att', legacyAttestationLayer(envelopeJson(bundle.dsseEnvelope), a.predicateType, cosignMaterial(bundle, signer.certificateChainPem)));
  }

  const written: LegacyTagsWritten = { tags: {} };
  await Promise.all(
    [...layersBySubject.entries()].map(async ([key, layers]) => {
      const subject = key.split(' ')[0] as string;
      for (const { kind, layer } of layers) {
        const result = await appendLegacyCosign(plan.store, subject, kind, layer, { logger: world.logger });
        written.tags[result.tag] = (written.tags[result.tag] ?? 0) + (result.added ? 1 : 0);
      }
    }),
  );
  const summary = Object.entries(written.tags)
    .map(([tag, n]) => `${tag} (+${n})`)
    .join(', ');
  world.logger.info(`attest: legacy cosign tags written to ${plan.target.name}: ${summary}`);
  return written;
}

/**
 * The envelope exactly as it was sent to Rekor: sigstore-js proposes `JSON.stringify(envelopeToJSON(e))`
 * (payload, payloadType, signatures[{sig}], an empty keyid left out), and Rekor logs the sha256 of those
 * bytes. cosign's legacy check hashes the `.att` layer and compares, so any other key order fails it.
 */
export function envelopeJson(envelope: NonNullable<SerializedBundle['dsseEnvelope']>): Buffer {
  return Buffer.from(JSON.stringify(envelopeToJSON(envelopeFromJSON(envelope))));
}

/** Certificate, chain and Rekor SET annotations for a layer signed as in `bundle` (none for a bare key). */
export function cosignMaterial(bundle: SerializedBundle, chainPem: string | undefined): CosignMaterial {
  const material: CosignMaterial = {};
  const vm = bundle.verificationMaterial;
  const leafDer = vm?.certificate?.rawBytes ?? vm?.x509CertificateChain?.certificates[0]?.rawBytes;
  if (leafDer) {
    material.certificate = new X509Certificate(Buffer.from(leafDer, 'base64')).toString();
    if (chainPem) material.chain = chainPem;
  }
  const set = rekorSet(bundle);
  if (set) material.rekorBundle = set;
  return material;
}

/**
 * cosign's `dev.sigstore.cosign/bundle` annotation: the Rekor signed entry timestamp over the entry
 * (`{"SignedEntryTimestamp", "Payload": {"body", "integratedTime", "logIndex", "logID"}}`), taken from
 * the bundle's transparency log entry; undefined without one (TSA only, or a key without Rekor).
 */
export function rekorSet(bundle: SerializedBundle): string | undefined {
  const entry = bundle.verificationMaterial?.tlogEntries?.find((e) => e.inclusionPromise?.signedEntryTimestamp);
  if (!entry?.inclusionPromise) return undefined;
  return JSON.stringify({
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  });
}

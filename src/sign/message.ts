import { bundleToJSON } from '@sigstore/bundle';
import { MessageSignatureBundleBuilder, type Signer, type Witness } from '@sigstore/sign';
import type { SerializedBundle } from './types';

/**
 * Sign raw bytes (ECDSA over their SHA-256) into a `messageSignature` bundle, witnessed like the DSSE
 * bundles (Rekor logs it as a `hashedrekord` entry). Cosign's legacy `.sig` layers need exactly this:
 * a plain signature over the simple-signing payload, with the Rekor entry that proves it.
 */
export async function signMessageBundle(signer: Signer, witnesses: Witness[], payload: Buffer): Promise<SerializedBundle> {
  const builder = new MessageSignatureBundleBuilder({ signer, witnesses });
  return bundleToJSON(await builder.create({ data: payload }));
}

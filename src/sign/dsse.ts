import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, RekorWitness, TSAWitness, type Signer, type Witness } from '@sigstore/sign';
import type { Statement } from '../attest/statement';
import { serializeStatement } from '../attest/statement';
import { IN_TOTO_PAYLOAD_TYPE } from '../oci/media-types';
import { signingError } from './errors';
import { signMessageBundle } from './message';
import type { RekorEntryType, SerializedBundle, StatementSigner } from './types';

export interface WitnessOptions {
  rekorURL?: string;
  rekorEntryType?: RekorEntryType;
  tsaURL?: string;
  timeoutMs?: number;
}

/** Per request to Fulcio, Rekor or a TSA (the library's `timeout`: the whole exchange, body included). */
export const SIGSTORE_TIMEOUT_MS = 30_000;
/** Retries after the first attempt (5xx, 408, 429, connection failures), with the library's backoff. */
export const SIGSTORE_RETRIES = 2;

/** Rekor and/or TSA witnesses for the bundles. */
export function witnessesFor(opts: WitnessOptions): Witness[] {
  const timeout = opts.timeoutMs ?? SIGSTORE_TIMEOUT_MS;
  const witnesses: Witness[] = [];
  if (opts.rekorURL) {
    witnesses.push(new RekorWitness({ rekorBaseURL: opts.rekorURL, entryType: opts.rekorEntryType ?? 'dsse', fetchOnConflict: true, timeout, retry: SIGSTORE_RETRIES }));
  }
  if (opts.tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: opts.tsaURL, timeout, retry: SIGSTORE_RETRIES }));
  return witnesses;
}

/** Sign a statement as a DSSE envelope and package it as a v0.3 bundle (single certificate or key hint). */
export async function signStatementBundle(signer: Signer, witnesses: Witness[], statement: Statement<object>): Promise<SerializedBundle> {
  const builder = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
  const bundle = await builder.create({ data: serializeStatement(statement), type: IN_TOTO_PAYLOAD_TYPE });
  return bundleToJSON(bundle);
}

/**
 * The two signing methods every StatementSigner offers, over one key (and certificate) and one set
 * of witnesses; library errors become one-line messages.
 */
export function bundleSigningMethods(signer: Signer, witnesses: Witness[]): Pick<StatementSigner, 'signStatement' | 'signMessage'> {
  return {
    async signStatement(statement: Statement<object>): Promise<SerializedBundle> {
      try {
        return await signStatementBundle(signer, witnesses, statement);
      } catch (err) {
        throw signingError(err);
      }
    },
    async signMessage(payload: Buffer): Promise<SerializedBundle> {
      try {
        return await signMessageBundle(signer, witnesses, payload);
      } catch (err) {
        throw signingError(err);
      }
    },
  };
}

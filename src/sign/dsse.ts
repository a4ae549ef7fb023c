import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, RekorWitness, TSAWitness, type Signer, type Witness } from '@sigstore/sign';
import type { Statement } from '../attest/statement';
import { serializeStatement } from '../attest/statement';
import { IN_TOTO_PAYLOAD_TYPE } from '../oci/media-types';
import type { RekorEntryType, SerializedBundle } from './types';

export interface WitnessOptions {
  rekorURL?: string;
  rekorEntryType?: RekorEntryType;
  tsaURL?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Rekor and/or TSA witnesses for the bundles. */
export function witnessesFor(opts: WitnessOptions): Witness[] {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const witnesses: Witness[] = [];
  if (opts.rekorURL) {
    witnesses.push(new RekorWitness({ rekorBaseURL: opts.rekorURL, entryType: opts.rekorEntryType ?? 'dsse', fetchOnConflict: true, timeout, retry: 2 }));
  }
  if (opts.tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: opts.tsaURL, timeout, retry: 2 }));
  return witnesses;
}

/** Sign a statement as a DSSE envelope and package it as a v0.3 bundle (single certificate or key hint). */
export async function signStatementBundle(signer: Signer, witnesses: Witness[], statement: Statement<object>): Promise<SerializedBundle> {
  const builder = new DSSEBundleBuilder({ signer, witnesses, certificateChain: false });
  const bundle = await builder.create({ data: serializeStatement(statement), type: IN_TOTO_PAYLOAD_TYPE });
  return bundleToJSON(bundle);
}

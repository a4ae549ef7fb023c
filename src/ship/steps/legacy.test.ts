import { generateKeyPairSync } from 'node:crypto';
import type { SerializedBundle } from '../../sign';
import { keySigner } from '../../sign';
import { cosignMaterial, envelopeJson, rekorSet } from './legacy';

const TLOG_ENTRY = {
  logIndex: '42',
  logId: { keyId: Buffer.from('ab'.repeat(32), 'hex').toString('base64') },
  kindVersion: { kind: 'hashedrekord', version: '0.0.1' },
  integratedTime: '1700000000',
  inclusionPromise: { signedEntryTimestamp: 'U0VU' },
  inclusionProof: undefined,
  canonicalizedBody: 'Qk9EWQ==',
};

function bundleWith(tlogEntries: unknown[]): SerializedBundle {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { publicKey: { hint: 'x' }, tlogEntries, timestampVerificationData: undefined },
    messageSignature: { messageDigest: undefined, signature: 'c2ln' },
  } as unknown as SerializedBundle;
}

describe('legacy cosign material', () => {
  test('the SET annotation is cosign-shaped: numbers for time and index, the log id in hex', () => {
    expect(JSON.parse(rekorSet(bundleWith([TLOG_ENTRY])) as string)).toEqual({
      SignedEntryTimestamp: 'U0VU',
      Payload: { body: 'Qk9EWQ==', integratedTime: 1700000000, logIndex: 42, logID: 'ab'.repeat(32) },
    });
  });

  test('no SET without a log entry carrying a promise', () => {
    expect(rekorSet(bundleWith([]))).toBeUndefined();
    expect(rekorSet(bundleWith([{ ...TLOG_ENTRY, inclusionPromise: undefined }]))).toBeUndefined();
  });

  test('the envelope is written as sigstore-js proposed it to Rekor: its key order, an empty keyid left out', () => {
    const text = envelopeJson({ payloadType: 'application/vnd.in-toto+json', payload: 'cA==', signatures: [{ keyid: '', sig: 'cw==' }] }).toString();
    expect(text).toBe('{"payload":"cA==","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"cw=="}]}');
    const withKeyId = envelopeJson({ payloadType: 'application/vnd.in-toto+json', payload: 'cA==', signatures: [{ keyid: 'k1', sig: 'cw==' }] }).toString();
    expect(withKeyId).toBe('{"payload":"cA==","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"cw==","keyid":"k1"}]}');
  });

  test('a key bundle without Rekor gives no certificate, chain or SET', async () => {
    const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const bundle = await keySigner({ keyPem }).signMessage(Buffer.from('payload'));
    expect(bundle.messageSignature?.signature).toBeTruthy();
    expect(cosignMaterial(bundle, 'ignored without a certificate')).toEqual({});
  });
});

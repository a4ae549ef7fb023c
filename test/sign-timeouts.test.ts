/**
 * Fulcio, Rekor and the TSA that never finish answering (a hostile TEST DOUBLE that drips its
 * body): signing ends with an error naming the service, after a bounded number of attempts.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Statement } from '../src/attest/statement';
import { keylessSigner } from '../src/sign/keyless';
import { keySigner } from '../src/sign/key-signer';
import { SIGSTORE_RETRIES } from '../src/sign/dsse';
import { behaviours, startHostileRegistry, type HostileRegistry } from './support/hostile-registry';

const statement: Statement<object> = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'example', digest: { sha256: 'a'.repeat(64) } }],
  predicateType: 'https://example.com/p',
  predicate: {},
};
const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const jwt = ['{"alg":"none"}', '{"sub":"someone","iss":"https://issuer.example"}', ''].map((p) => Buffer.from(p).toString('base64url')).join('.');

let service: HostileRegistry;
beforeEach(async () => {
  service = await startHostileRegistry();
  for (const method of ['GET', 'POST']) service.script(method, /^\//, behaviours.drip({ intervalMs: 20, contentType: 'application/json' }));
});
afterEach(async () => {
  await service.stop();
});

test('a TSA that drips its answer: signing fails naming the TSA, after at most 1 + retries attempts', async () => {
  const signer = keySigner({ keyPem, tsaURL: service.url, timeoutMs: 300 });
  await expect(signer.signStatement(statement)).rejects.toThrow(/timestamp authority/);
  expect(service.requests.length).toBeLessThanOrEqual(1 + SIGSTORE_RETRIES);
});

test('a Rekor that drips its answer: signing fails naming Rekor', async () => {
  const signer = keySigner({ keyPem, rekorURL: service.url, timeoutMs: 300 });
  await expect(signer.signStatement(statement)).rejects.toThrow(/Rekor/);
  expect(service.requests.length).toBeLessThanOrEqual(1 + SIGSTORE_RETRIES);
});

test('a Fulcio that drips its answer: signing fails naming Fulcio', async () => {
  const signer = keylessSigner({ fulcioURL: service.url, rekorURL: service.url, identityToken: async () => jwt, timeoutMs: 300 });
  await expect(signer.signStatement(statement)).rejects.toThrow(/Fulcio/);
  expect(service.requests.length).toBeLessThanOrEqual(1 + SIGSTORE_RETRIES);
});

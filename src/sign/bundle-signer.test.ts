import { generateKeyPairSync } from 'node:crypto';
import { makeStatement } from '../attest/statement';
import { keylessIdentityOf, sameVerificationKind, signedBy } from './bundle-signer';
import { keySigner } from './key-signer';

const statement = makeStatement({ name: 'reg/acme/app', digest: `sha256:${'a'.repeat(64)}` }, 'https://sigstore.dev/cosign/sign/v1', {});
const newKey = () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return keySigner({ keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
};

describe('bundle signer', () => {
  test("a key bundle is ours only when our key verifies its signature; never another key's", async () => {
    const a = newKey();
    const b = newKey();
    const bundle = await a.signStatement(statement);
    expect(signedBy(bundle, { kind: 'key', publicKeyPem: a.publicKeyPem })).toBe(true);
    expect(signedBy(bundle, { kind: 'key', publicKeyPem: b.publicKeyPem })).toBe(false);
    expect(signedBy(bundle, { kind: 'keyless', san: 'https://github.com/acme/api/.github/workflows/ship.yml@refs/heads/main', issuer: 'https://token.actions.githubusercontent.com', extensions: {} })).toBe(false);
    expect(keylessIdentityOf(bundle)).toBeUndefined();
  });

  test('a bundle whose payload was changed after signing is nobody\'s', async () => {
    const a = newKey();
    const bundle = await a.signStatement(statement);
    const tampered = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope!, payload: Buffer.from('{"x":1}').toString('base64') } };
    expect(signedBy(tampered, { kind: 'key', publicKeyPem: a.publicKeyPem })).toBe(false);
    expect(signedBy({ not: 'a bundle' }, { kind: 'key', publicKeyPem: a.publicKeyPem })).toBe(false);
  });

  test('bundles with the same kinds of proof compare alike', async () => {
    const a = newKey();
    expect(sameVerificationKind(await a.signStatement(statement), await a.signStatement(statement))).toBe(true);
    expect(sameVerificationKind(await a.signStatement(statement), {})).toBe(false);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { UserError } from '../core/errors';
import { encryptCosignKey } from './cosign-key';
import { loadPrivateKey } from './private-key';

const LOW_COST = { N: 1024, r: 8, p: 1 };

describe('loading signing keys', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = pair.publicKey.export({ format: 'der', type: 'spki' });
  const sameKey = (pem: string, password?: string) =>
    expect(loadPrivateKey(pem, password).publicKey.export({ format: 'der', type: 'spki' }).equals(spki)).toBe(true);

  test('PKCS#8, SEC1 and encrypted PKCS#8', () => {
    sameKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    sameKey(pair.privateKey.export({ format: 'pem', type: 'sec1' }).toString());
    const encrypted = pair.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    sameKey(encrypted, 'pw');
    expect(() => loadPrivateKey(encrypted, 'nope')).toThrow(UserError);
    expect(() => loadPrivateKey(encrypted)).toThrow(/COSIGN_PASSWORD/);
  });

  test('cosign encrypted keys, both PEM labels', () => {
    const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });
    sameKey(encryptCosignKey(der, 'pw', { params: LOW_COST }), 'pw');
    sameKey(encryptCosignKey(der, 'pw', { params: LOW_COST, pemType: 'ENCRYPTED COSIGN PRIVATE KEY' }), 'pw');
    expect(() => loadPrivateKey(encryptCosignKey(der, 'pw', { params: LOW_COST }), 'wrong')).toThrow(/wrong password/);
    expect(() => loadPrivateKey(encryptCosignKey(der, 'pw', { params: LOW_COST }))).toThrow(/COSIGN_PASSWORD/);
  });

  test('the cosign JSON envelope is the documented one', () => {
    const pem = encryptCosignKey(pair.privateKey.export({ format: 'der', type: 'pkcs8' }), 'pw', { params: LOW_COST });
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const env = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    expect(Object.keys(env)).toEqual(['kdf', 'cipher', 'ciphertext']);
    expect(env.kdf).toMatchObject({ name: 'scrypt', params: LOW_COST });
    expect(Buffer.from(env.kdf.salt, 'base64')).toHaveLength(32);
    expect(env.cipher.name).toBe('nacl/secretbox');
    expect(Buffer.from(env.cipher.nonce, 'base64')).toHaveLength(24);
  });

  test('hostile scrypt parameters and foreign formats are refused', () => {
    const env = { kdf: { name: 'scrypt', params: { N: 2 ** 30, r: 8, p: 1 }, salt: 'AA==' }, cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') }, ciphertext: 'AA==' };
    const pem = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify(env)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    expect(() => loadPrivateKey(pem, 'pw')).toThrow(/out of range/);
    const aes = { ...env, kdf: { ...env.kdf, params: LOW_COST }, cipher: { name: 'aes-gcm', nonce: '' } };
    const pem2 = pem.replace(/\n.*\n/, `\n${Buffer.from(JSON.stringify(aes)).toString('base64')}\n`);
    expect(() => loadPrivateKey(pem2, 'pw')).toThrow(/only scrypt \+ nacl\/secretbox/);
    expect(() => loadPrivateKey('not a pem')).toThrow(UserError);
    expect(() => loadPrivateKey(pair.publicKey.export({ format: 'pem', type: 'spki' }).toString())).toThrow(/PUBLIC KEY/);
  });

  test('only EC P-256', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => loadPrivateKey(rsa)).toThrow(/EC P-256/);
    expect(() => loadPrivateKey(p384)).toThrow(/secp384r1/);
  });
});

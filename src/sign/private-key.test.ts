import { execFileSync } from 'node:child_process';
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
    expect(() => loadPrivateKey(pem, 'pw')).toThrow(/ask for more than ship-image allows/);
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

describe('key derivation cost is bounded before any is spent', () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = pair.privateKey.export({ format: 'der', type: 'pkcs8' });

  // Minimal DER encoder for hand-made EncryptedPrivateKeyInfo structures.
  const len = (n: number) => (n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]));
  const node = (tag: number, ...content: Buffer[]) => {
    const body = Buffer.concat(content);
    return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
  };
  const seq = (...c: Buffer[]) => node(0x30, ...c);
  const int = (n: number | bigint) => {
    let hex = BigInt(n).toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
    return node(0x02, Buffer.from(hex, 'hex'));
  };
  const oid = (dotted: string) => {
    const [a, b, ...rest] = dotted.split('.').map(Number);
    const bytes = [40 * a + b];
    for (const v of rest) {
      const groups = [v & 0x7f];
      for (let x = v >> 7; x > 0; x >>= 7) groups.unshift((x & 0x7f) | 0x80);
      bytes.push(...groups);
    }
    return node(0x06, Buffer.from(bytes));
  };
  const octets = (n: number) => node(0x04, Buffer.alloc(n, 1));
  const aes = seq(oid('2.16.840.1.101.3.4.1.42'), octets(16));
  const pem = (info: Buffer) => `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${info.toString('base64')}\n-----END ENCRYPTED PRIVATE KEY-----\n`;
  const pbkdf2Key = (iterations: number | bigint) =>
    pem(seq(seq(oid('1.2.840.113549.1.5.13'), seq(seq(oid('1.2.840.113549.1.5.12'), seq(octets(8), int(iterations))), aes)), octets(48)));
  const scryptKey = (N: number, r: number, p: number) =>
    pem(seq(seq(oid('1.2.840.113549.1.5.13'), seq(seq(oid('1.3.6.1.4.1.11591.4.11'), seq(octets(8), int(N), int(r), int(p))), aes)), octets(48)));

  test('cosign scrypt N=2^30 is refused at once, with the limits in the message', () => {
    const env = { kdf: { name: 'scrypt', params: { N: 2 ** 30, r: 8, p: 1 }, salt: 'AA==' }, cipher: { name: 'nacl/secretbox', nonce: Buffer.alloc(24).toString('base64') }, ciphertext: 'AA==' };
    const key = `-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n${Buffer.from(JSON.stringify(env)).toString('base64')}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n`;
    expect(() => loadPrivateKey(key, 'pw')).toThrow(UserError);
    expect(() => loadPrivateKey(key, 'pw')).toThrow(/^the encrypted private key's scrypt parameters \(N=1073741824, r=8, p=1\) ask for more than ship-image allows \(at most N=262144, r=16, p=16, 256 MiB/);
    for (const params of [{ N: 2 ** 18, r: 16, p: 1 }, { N: 2 ** 15, r: 8, p: 64 }, { N: 3, r: 8, p: 1 }, { N: '32768', r: 8, p: 1 }]) {
      const e = { ...env, kdf: { ...env.kdf, params } };
      const k = key.replace(/\n.*\n/, `\n${Buffer.from(JSON.stringify(e)).toString('base64')}\n`);
      expect(() => loadPrivateKey(k, 'pw')).toThrow(/scrypt parameters .* (ask for more|are malformed)/);
    }
  });

  test("cosign's own parameters and somewhat above still work", () => {
    const key = encryptCosignKey(der, 'pw', { params: { N: 65536, r: 8, p: 1 } });
    expect(loadPrivateKey(key, 'pw').privateKey.asymmetricKeyType).toBe('ec');
  });

  test('PKCS#8 with two billion PBKDF2 iterations (or 2^64) is refused before OpenSSL runs them', () => {
    for (const n of [2 ** 31 - 1, 2n ** 64n]) {
      expect(() => loadPrivateKey(pbkdf2Key(n), 'pw')).toThrow(/^the encrypted private key asks for more than PBKDF2 iterations \(.*; at most 2000000 are allowed\)/);
    }
  });

  test('PKCS#8 with scrypt N=2^30 is refused; a normal PBKDF2 count goes on to the password check', () => {
    expect(() => loadPrivateKey(scryptKey(2 ** 30, 8, 1), 'pw')).toThrow(/scrypt parameters \(N=1073741824, r=8, p=1\) ask for more/);
    expect(() => loadPrivateKey(pbkdf2Key(2048), 'pw')).toThrow(/^cannot read the signing key: wrong password or unsupported key encryption/);
    expect(() => loadPrivateKey(pem(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff])), 'pw')).toThrow(/not well-formed PKCS#8/);
  });

  test("keys Node and OpenSSL make pass (OpenSSL's scrypt default included)", () => {
    const nodeKey = pair.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    expect(loadPrivateKey(nodeKey, 'pw').privateKey.asymmetricKeyType).toBe('ec');
    const scrypted = execFileSync('openssl', ['pkcs8', '-topk8', '-scrypt', '-passout', 'pass:pw'], { input: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) }).toString();
    expect(loadPrivateKey(scrypted, 'pw').privateKey.asymmetricKeyType).toBe('ec');
  });
});

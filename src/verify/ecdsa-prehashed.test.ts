import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { verifyPrehashedEcdsa } from './ecdsa-prehashed';

describe('ECDSA over a precomputed digest', () => {
  it.each([
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
    ['P-256', 'sha512'],
  ])('%s with %s agrees with node:crypto', (curve, hash) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const message = Buffer.from(`artifact for ${curve}/${hash}`);
    const signature = sign(hash, message, privateKey);
    const digest = createHash(hash).update(message).digest();
    expect(verifyPrehashedEcdsa(publicKey, digest, signature)).toBe(true);
    const otherDigest = createHash(hash).update(Buffer.concat([message, Buffer.from('!')])).digest();
    expect(verifyPrehashedEcdsa(publicKey, otherDigest, signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[flipped.length - 1] ^= 1;
    expect(verifyPrehashedEcdsa(publicKey, digest, flipped)).toBe(false);
    const otherKey = generateKeyPairSync('ec', { namedCurve: curve }).publicKey;
    expect(verifyPrehashedEcdsa(otherKey, digest, signature)).toBe(false);
  });

  it('refuses malformed signatures and answers undefined for keys it cannot check', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const digest = createHash('sha256').update('x').digest();
    expect(verifyPrehashedEcdsa(publicKey, digest, Buffer.from('not der'))).toBe(false);
    expect(verifyPrehashedEcdsa(publicKey, digest, Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01]))).toBe(false);
    expect(verifyPrehashedEcdsa(generateKeyPairSync('ed25519').publicKey, digest, Buffer.alloc(64))).toBeUndefined();
  });
});

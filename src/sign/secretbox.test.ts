import { secretboxOpen, secretboxSeal } from './secretbox';

// Produced by libsodium's crypto_secretbox_easy (key 00..1f, nonce 100..123, message (i*7)&255 for
// i < 131): two key-stream blocks plus a partial Poly1305 chunk.
const LIBSODIUM_BOX =
  '173e3d707adeebb47e80ad486ce0a1b902be97dc2695e4d888c265d963dfc1714edd46226835d1ba0ea3f429ce401b5148881aedb33491f5ed09314f34289f2c91c7f07d7ef543de8b6ec5997f192cdd834c82b814dfa27b417019ff54d8cfba64a0b342ebac2163faf4ff5afc6d775f5a6e47ce531af016dba4996648a797316838886ffb187a4808c358fe807aa4453e8783';

const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const nonce = Buffer.from(Array.from({ length: 24 }, (_, i) => 100 + i));
const message = Buffer.from(Array.from({ length: 131 }, (_, i) => (i * 7) & 255));

describe('NaCl secretbox', () => {
  test('seals exactly as libsodium does', () => {
    expect(secretboxSeal(message, nonce, key).toString('hex')).toBe(LIBSODIUM_BOX);
  });

  test('opens libsodium output', () => {
    expect(secretboxOpen(Buffer.from(LIBSODIUM_BOX, 'hex'), nonce, key)?.equals(message)).toBe(true);
  });

  test('round-trips empty and block-sized messages', () => {
    for (const length of [0, 1, 16, 32, 63, 64, 65, 1000]) {
      const m = Buffer.alloc(length, 0x5a);
      expect(secretboxOpen(secretboxSeal(m, nonce, key), nonce, key)?.equals(m)).toBe(true);
    }
  });

  test('refuses a wrong key, a changed byte or a short box', () => {
    const box = Buffer.from(LIBSODIUM_BOX, 'hex');
    const otherKey = Buffer.from(key);
    otherKey[0] = 0xff;
    expect(secretboxOpen(box, nonce, otherKey)).toBeUndefined();
    const tampered = Buffer.from(box);
    tampered[40] = (tampered[40] as number) ^ 1;
    expect(secretboxOpen(tampered, nonce, key)).toBeUndefined();
    expect(secretboxOpen(Buffer.alloc(8), nonce, key)).toBeUndefined();
    expect(() => secretboxSeal(message, nonce.subarray(0, 12), key)).toThrow(/nonce/);
  });
});

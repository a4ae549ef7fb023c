// NaCl secretbox (XSalsa20 + Poly1305), the cipher of cosign's encrypted private keys. Node's crypto
// has neither XSalsa20 nor a standalone Poly1305, and the keys are small, so this is a direct
// implementation of the published algorithms (Salsa20 spec, XSalsa20 paper, RFC 8439 §2.5 Poly1305).
import { timingSafeEqual } from 'node:crypto';

export const SECRETBOX_KEY_BYTES = 32;
export const SECRETBOX_NONCE_BYTES = 24;
export const SECRETBOX_TAG_BYTES = 16;

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

function rotl(v: number, n: number): number {
  return ((v << n) | (v >>> (32 - n))) >>> 0;
}

/** 20 Salsa20 rounds over a copy of `input`; returns the permuted words (without the final addition). */
function salsaRounds(input: Uint32Array): Uint32Array {
  const x = Uint32Array.from(input);
  const qr = (a: number, b: number, c: number, d: number) => {
    x[b] = (x[b] as number) ^ rotl(((x[a] as number) + (x[d] as number)) >>> 0, 7);
    x[c] = (x[c] as number) ^ rotl(((x[b] as number) + (x[a] as number)) >>> 0, 9);
    x[d] = (x[d] as number) ^ rotl(((x[c] as number) + (x[b] as number)) >>> 0, 13);
    x[a] = (x[a] as number) ^ rotl(((x[d] as number) + (x[c] as number)) >>> 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    // column round
    qr(0, 4, 8, 12);
    qr(5, 9, 13, 1);
    qr(10, 14, 2, 6);
    qr(15, 3, 7, 11);
    // row round
    qr(0, 1, 2, 3);
    qr(5, 6, 7, 4);
    qr(10, 11, 8, 9);
    qr(15, 12, 13, 14);
  }
  return x;
}

function words(bytes: Buffer, offset: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(bytes.readUInt32LE(offset + 4 * i));
  return out;
}

function initialState(key: Buffer, middle: number[]): Uint32Array {
  const k = words(key, 0, 8);
  return Uint32Array.from([SIGMA[0], ...k.slice(0, 4), SIGMA[1], ...middle, SIGMA[2], ...k.slice(4), SIGMA[3]]);
}

/** HSalsa20: derives XSalsa20's subkey from the key and the first 16 nonce bytes. */
function hsalsa20(key: Buffer, nonce16: Buffer): Buffer {
  const x = salsaRounds(initialState(key, words(nonce16, 0, 4)));
  const out = Buffer.alloc(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((index, i) => out.writeUInt32LE(x[index] as number, 4 * i));
  return out;
}

/** `length` bytes of the XSalsa20 key stream for (key, 24-byte nonce), from block 0. */
function xsalsa20Stream(key: Buffer, nonce: Buffer, length: number): Buffer {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const nonceWords = words(nonce, 16, 2);
  const out = Buffer.alloc(length);
  for (let block = 0, offset = 0; offset < length; block++, offset += 64) {
    const input = initialState(subkey, [...nonceWords, block >>> 0, Math.floor(block / 2 ** 32) >>> 0]);
    const x = salsaRounds(input);
    const bytes = Buffer.alloc(64);
    for (let i = 0; i < 16; i++) bytes.writeUInt32LE(((x[i] as number) + (input[i] as number)) >>> 0, 4 * i);
    bytes.copy(out, offset, 0, Math.min(64, length - offset));
  }
  return out;
}

function leToBigInt(bytes: Buffer): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

const P1305 = (1n << 130n) - 5n;
const R_CLAMP = 0x0ffffffc0ffffffc0ffffffc0fffffffn;

/** Poly1305 one-time authenticator (RFC 8439 §2.5). */
function poly1305(oneTimeKey: Buffer, message: Buffer): Buffer {
  const r = leToBigInt(oneTimeKey.subarray(0, 16)) & R_CLAMP;
  const s = leToBigInt(oneTimeKey.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const chunk = message.subarray(i, Math.min(i + 16, message.length));
    acc = ((acc + leToBigInt(chunk) + (1n << BigInt(8 * chunk.length))) * r) % P1305;
  }
  let tag = (acc + s) & ((1n << 128n) - 1n);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++, tag >>= 8n) out[i] = Number(tag & 0xffn);
  return out;
}

function checkSizes(key: Buffer, nonce: Buffer): void {
  if (key.length !== SECRETBOX_KEY_BYTES) throw new Error(`secretbox key must be ${SECRETBOX_KEY_BYTES} bytes`);
  if (nonce.length !== SECRETBOX_NONCE_BYTES) throw new Error(`secretbox nonce must be ${SECRETBOX_NONCE_BYTES} bytes`);
}

/** NaCl `crypto_secretbox`: returns tag (16 bytes) followed by the ciphertext, like Go's secretbox.Seal. */
export function secretboxSeal(message: Buffer, nonce: Buffer, key: Buffer): Buffer {
  checkSizes(key, nonce);
  const stream = xsalsa20Stream(key, nonce, 32 + message.length);
  const ciphertext = Buffer.alloc(message.length);
  for (let i = 0; i < message.length; i++) ciphertext[i] = (message[i] as number) ^ (stream[32 + i] as number);
  return Buffer.concat([poly1305(stream.subarray(0, 32), ciphertext), ciphertext]);
}

/** NaCl `crypto_secretbox_open`: the plaintext, or undefined when the box does not authenticate. */
export function secretboxOpen(box: Buffer, nonce: Buffer, key: Buffer): Buffer | undefined {
  checkSizes(key, nonce);
  if (box.length < SECRETBOX_TAG_BYTES) return undefined;
  const tag = box.subarray(0, SECRETBOX_TAG_BYTES);
  const ciphertext = box.subarray(SECRETBOX_TAG_BYTES);
  const stream = xsalsa20Stream(key, nonce, 32 + ciphertext.length);
  if (!timingSafeEqual(poly1305(stream.subarray(0, 32), ciphertext), tag)) return undefined;
  const plaintext = Buffer.alloc(ciphertext.length);
  for (let i = 0; i < ciphertext.length; i++) plaintext[i] = (ciphertext[i] as number) ^ (stream[32 + i] as number);
  return plaintext;
}

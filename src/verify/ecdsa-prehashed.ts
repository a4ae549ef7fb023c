// ECDSA verification over a message digest the caller already has (node:crypto only verifies over
// the message itself). `verify-bundle sha256:<hex>` needs it: a message-signature bundle signs the
// artifact, and with a digest alone the artifact is not there to hash. Public values only, so the
// arithmetic does not need to be constant-time.
import type { KeyObject } from 'node:crypto';

interface Curve {
  p: bigint;
  a: bigint;
  n: bigint;
  g: Point;
  bits: number;
}
type Point = { x: bigint; y: bigint } | null; // null is the point at infinity

const hex = (s: string) => BigInt('0x' + s);

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: hex('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
    a: hex('ffffffff00000001000000000000000000000000fffffffffffffffffffffffc'),
    n: hex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    g: {
      x: hex('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
      y: hex('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'),
    },
    bits: 256,
  },
  'P-384': {
    p: hex('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff'),
    a: hex('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc'),
    n: hex('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    g: {
      x: hex('aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7'),
      y: hex('3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f'),
    },
    bits: 384,
  },
};

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function add(c: Curve, P: Point, Q: Point): Point {
  if (P === null) return Q;
  if (Q === null) return P;
  let lambda: bigint;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    lambda = mod((3n * P.x * P.x + c.a) * inverse(2n * P.y, c.p), c.p);
  } else {
    lambda = mod((Q.y - P.y) * inverse(Q.x - P.x, c.p), c.p);
  }
  const x = mod(lambda * lambda - P.x - Q.x, c.p);
  return { x, y: mod(lambda * (P.x - x) - P.y, c.p) };
}

function multiply(c: Curve, k: bigint, P: Point): Point {
  let result: Point = null;
  let addend = P;
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = add(c, addend, addend);
  }
  return result;
}

/** DER `SEQUENCE { INTEGER r, INTEGER s }` → [r, s], or undefined when malformed. */
function parseDerSignature(der: Buffer): [bigint, bigint] | undefined {
  let pos = 0;
  const length = (): number | undefined => {
    const first = der[pos++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const bytes = first & 0x7f;
    if (bytes === 0 || bytes > 2) return undefined;
    let len = 0;
    for (let i = 0; i < bytes; i++) len = (len << 8) | (der[pos++] ?? 0);
    return len;
  };
  const integer = (): bigint | undefined => {
    if (der[pos++] !== 0x02) return undefined;
    const len = length();
    if (len === undefined || len === 0 || pos + len > der.length) return undefined;
    const value = BigInt('0x' + der.subarray(pos, pos + len).toString('hex'));
    pos += len;
    return value;
  };
  if (der[pos++] !== 0x30) return undefined;
  const total = length();
  if (total === undefined || pos + total !== der.length) return undefined;
  const r = integer();
  const s = integer();
  return r !== undefined && s !== undefined && pos === der.length ? [r, s] : undefined;
}

/**
 * Verify a DER ECDSA signature over `digest` (the hash of the message, already computed) with an EC
 * public key on P-256 or P-384. Returns undefined for a key type this cannot check.
 */
export function verifyPrehashedEcdsa(key: KeyObject, digest: Buffer, signature: Buffer): boolean | undefined {
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const jwk = key.export({ format: 'jwk' }) as { crv?: string; x?: string; y?: string };
  const curve = jwk.crv ? CURVES[jwk.crv] : undefined;
  if (!curve || !jwk.x || !jwk.y) return undefined;
  const Q: Point = { x: BigInt('0x' + Buffer.from(jwk.x, 'base64url').toString('hex')), y: BigInt('0x' + Buffer.from(jwk.y, 'base64url').toString('hex')) };
  const rs = parseDerSignature(signature);
  if (!rs) return false;
  const [r, s] = rs;
  if (r <= 0n || r >= curve.n || s <= 0n || s >= curve.n) return false;
  let e = digest.length === 0 ? 0n : BigInt('0x' + digest.toString('hex'));
  const excess = digest.length * 8 - curve.bits;
  if (excess > 0) e >>= BigInt(excess);
  const w = inverse(s, curve.n);
  const X = add(curve, multiply(curve, mod(e * w, curve.n), curve.g), multiply(curve, mod(r * w, curve.n), Q));
  return X !== null && mod(X.x, curve.n) === r;
}

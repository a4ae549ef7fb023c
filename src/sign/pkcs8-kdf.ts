import { UserError } from '../core/errors';
import { checkPbkdf2Iterations, checkScryptParams } from './kdf-limits';

// OpenSSL runs whatever key derivation an `ENCRYPTED PRIVATE KEY` names, at whatever cost it names,
// before it can say the password is wrong. So the cost is read from the DER first (RFC 8018 PBES2
// with PBKDF2 or RFC 7914 scrypt; PBES1 and PKCS#12 PBE) and checked against kdf-limits.

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  scrypt: '1.3.6.1.4.1.11591.4.11',
};
// PBES1 (pbeWith...: 1.2.840.113549.1.5.x) and PKCS#12 PBE (1.2.840.113549.1.12.1.x): {salt, iterations}.
const SALT_AND_ITERATIONS = /^1\.2\.840\.113549\.1\.(5\.\d+|12\.1\.\d+)$/;

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

const WHAT = 'the encrypted private key';
const malformed = () => new UserError(`${WHAT} is not well-formed PKCS#8 (EncryptedPrivateKeyInfo); re-encrypt it with 'openssl pkcs8 -topk8'`);

function tlv(der: Buffer, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw malformed();
  const tag = der[at] as number;
  let len = der[at + 1] as number;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw malformed();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] as number);
    start += n;
  }
  if (start + len > limit) throw malformed();
  return { tag, start, end: start + len };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  if (parent.tag !== 0x30) throw malformed();
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = tlv(der, at, parent.end);
    out.push(child);
    at = child.end;
  }
  return out;
}

function oid(der: Buffer, t: Tlv | undefined): string {
  if (!t || t.tag !== 0x06 || t.end === t.start) throw malformed();
  const bytes = der.subarray(t.start, t.end);
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(Math.min(2, Math.floor(value / 40)), value - 40 * Math.min(2, Math.floor(value / 40)));
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** A non-negative INTEGER; past 2^48 it is returned as Infinity (too large for any limit anyway). */
function integer(der: Buffer, t: Tlv | undefined): number {
  if (!t || t.tag !== 0x02 || t.end === t.start) throw malformed();
  const bytes = der.subarray(t.start, t.end);
  if ((bytes[0] as number) & 0x80) return -1;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return Number.isSafeInteger(n) ? n : Infinity;
}

/** Throws a UserError when the DER of an EncryptedPrivateKeyInfo asks for more key derivation than allowed. */
export function checkPkcs8KdfCost(der: Buffer): void {
  const [algorithm] = children(der, tlv(der, 0, der.length));
  const [algOid, algParams] = children(der, algorithm ?? malformed());
  const scheme = oid(der, algOid);
  if (scheme === OID.pbes2) {
    const [kdf] = children(der, algParams ?? malformed());
    const [kdfOid, kdfParams] = children(der, kdf ?? malformed());
    const name = oid(der, kdfOid);
    const p = children(der, kdfParams ?? malformed());
    if (name === OID.pbkdf2) return checkPbkdf2Iterations(integer(der, p[1]), WHAT);
    if (name === OID.scrypt) {
      checkScryptParams({ N: integer(der, p[1]), r: integer(der, p[2]), p: integer(der, p[3]) }, WHAT);
      return;
    }
    throw new UserError(`${WHAT} uses key derivation ${name}, which ship-image does not run; re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'`);
  }
  if (SALT_AND_ITERATIONS.test(scheme)) return checkPbkdf2Iterations(integer(der, children(der, algParams ?? malformed())[1]), WHAT);
  throw new UserError(`${WHAT} uses encryption scheme ${scheme}, which ship-image does not run; re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'`);
}

import { UserError } from '../core/errors';

// A key file chooses its own key-derivation cost; a hostile one asks for 2^30 scrypt rounds or two
// billion PBKDF2 iterations, and the ship hangs or runs out of memory before the password is even
// checked. The reference is cosign's own choice (scrypt N=32768, r=8, p=1: 32 MiB, under a second)
// and OpenSSL/OWASP for PBKDF2; up to 16x that cost is accepted, anything past it refused.

export const COSIGN_SCRYPT = { N: 32768, r: 8, p: 1 } as const;
const MAX_SCRYPT_N = 1 << 18;
const MAX_SCRYPT_R = 16;
const MAX_SCRYPT_P = 16;
/** Memory scrypt needs is 128 * N * r bytes. */
export const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
/** Work is proportional to N * r * p. */
const MAX_SCRYPT_WORK = 16 * COSIGN_SCRYPT.N * COSIGN_SCRYPT.r * COSIGN_SCRYPT.p;
export const MAX_PBKDF2_ITERATIONS = 2_000_000;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** The parameters, checked, with the `maxmem` to give node's scrypt; a UserError when out of bounds. */
export function checkScryptParams(params: ScryptParams, what: string): ScryptParams & { maxmem: number } {
  const { N, r, p } = params;
  const shaped = Number.isSafeInteger(N) && N > 1 && (N & (N - 1)) === 0 && Number.isSafeInteger(r) && r >= 1 && Number.isSafeInteger(p) && p >= 1;
  if (!shaped) throw new UserError(`${what}'s scrypt parameters (N=${String(N)}, r=${String(r)}, p=${String(p)}) are malformed; re-create the key with cosign generate-key-pair`);
  const memory = 128 * N * r;
  if (N > MAX_SCRYPT_N || r > MAX_SCRYPT_R || p > MAX_SCRYPT_P || memory > MAX_SCRYPT_MEMORY || N * r * p > MAX_SCRYPT_WORK) {
    throw new UserError(
      `${what}'s scrypt parameters (N=${N}, r=${r}, p=${p}) ask for more than ship-image allows (at most N=${MAX_SCRYPT_N}, r=${MAX_SCRYPT_R}, p=${MAX_SCRYPT_P}, ${MAX_SCRYPT_MEMORY / 1024 / 1024} MiB, 16x cosign's N=32768 r=8 p=1 work); re-create the key with cosign generate-key-pair`,
    );
  }
  return { N, r, p, maxmem: memory + 16 * 1024 * 1024 };
}

export function checkPbkdf2Iterations(iterations: number, what: string): void {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new UserError(
      `${what} asks for ${iterations > MAX_PBKDF2_ITERATIONS ? 'more than' : 'an invalid number of'} PBKDF2 iterations (${iterations}; at most ${MAX_PBKDF2_ITERATIONS} are allowed); re-encrypt it, e.g. 'openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 600000'`,
    );
  }
}

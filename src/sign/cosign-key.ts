// cosign's password-protected private key: PEM `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign >= 2) or
// `ENCRYPTED COSIGN PRIVATE KEY` (older) around base64 of JSON
//   {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"<b64>"},
//    "cipher":{"name":"nacl/secretbox","nonce":"<b64, 24 bytes>"},"ciphertext":"<b64>"}
// where the secretbox key is scrypt(password, salt, N, r, p, 32) and the plaintext is PKCS#8 DER
// (go-securesystemslib encrypted/encrypted.go, cosign pkg/cosign/keys.go).
import { randomBytes, scryptSync } from 'node:crypto';
import { UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';
import { checkScryptParams, COSIGN_SCRYPT } from './kdf-limits';
import { SECRETBOX_KEY_BYTES, SECRETBOX_NONCE_BYTES, secretboxOpen, secretboxSeal } from './secretbox';

export const COSIGN_KEY_PEM_TYPES = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'] as const;

interface EncryptedKeyEnvelope {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

const MAX_SALT_BYTES = 1024;

function deriveKey(password: string, salt: Buffer, params: { N: number; r: number; p: number } | undefined): Buffer {
  if (typeof params !== 'object' || params === null) throw new UserError('the encrypted private key has no scrypt parameters; re-create it with cosign generate-key-pair');
  const checked = checkScryptParams(params, 'the encrypted private key');
  if (salt.length > MAX_SALT_BYTES) throw new UserError('the encrypted private key has an oversized salt; re-create it with cosign generate-key-pair');
  return scryptSync(Buffer.from(password, 'utf8'), salt, SECRETBOX_KEY_BYTES, checked);
}

function parseEnvelope(json: Buffer): EncryptedKeyEnvelope {
  let env: Partial<EncryptedKeyEnvelope>;
  try {
    env = JSON.parse(json.toString('utf8')) as Partial<EncryptedKeyEnvelope>;
  } catch {
    throw new UserError('the encrypted private key is not cosign JSON inside the PEM; pass a key made by cosign generate-key-pair');
  }
  if (env.kdf?.name !== 'scrypt' || env.cipher?.name !== 'nacl/secretbox' || typeof env.ciphertext !== 'string') {
    throw new UserError(
      `the encrypted private key uses kdf '${inertText(String(env.kdf?.name), { max: 40 })}' and cipher '${inertText(String(env.cipher?.name), { max: 40 })}'; only scrypt + nacl/secretbox (cosign's format) is supported`,
    );
  }
  if (typeof env.kdf.salt !== 'string' || typeof env.cipher.nonce !== 'string') {
    throw new UserError('the encrypted private key has no salt or nonce; re-create it with cosign generate-key-pair');
  }
  return env as EncryptedKeyEnvelope;
}

/** Decrypt the PEM body (the envelope JSON) to PKCS#8 DER. A wrong password is a UserError. */
export function decryptCosignKey(envelopeJson: Buffer, password: string): Buffer {
  const env = parseEnvelope(envelopeJson);
  const nonce = Buffer.from(env.cipher.nonce, 'base64');
  if (nonce.length !== SECRETBOX_NONCE_BYTES) throw new UserError('the encrypted private key has a malformed nonce; re-create it with cosign generate-key-pair');
  const key = deriveKey(password, Buffer.from(env.kdf.salt, 'base64'), env.kdf.params);
  const plaintext = secretboxOpen(Buffer.from(env.ciphertext, 'base64'), nonce, key);
  if (!plaintext) throw new UserError('cannot decrypt the private key: wrong password; set COSIGN_PASSWORD to the password the key was created with');
  return plaintext;
}

/** Encrypt PKCS#8 DER the way cosign does; returns the PEM text. (For tests and key generation.) */
export function encryptCosignKey(
  pkcs8Der: Buffer,
  password: string,
  opts: { params?: { N: number; r: number; p: number }; pemType?: (typeof COSIGN_KEY_PEM_TYPES)[number] } = {},
): string {
  const params = opts.params ?? { ...COSIGN_SCRYPT };
  const salt = randomBytes(32);
  const nonce = randomBytes(SECRETBOX_NONCE_BYTES);
  const box = secretboxSeal(pkcs8Der, nonce, deriveKey(password, salt, params));
  const envelope = {
    kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: box.toString('base64'),
  };
  const type = opts.pemType ?? COSIGN_KEY_PEM_TYPES[0];
  const body = Buffer.from(JSON.stringify(envelope)).toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${type}-----`, ...body, `-----END ${type}-----`, ''].join('\n');
}

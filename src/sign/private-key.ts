import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { UserError } from '../core/errors';
import { addSecret } from '../core/log';
import { COSIGN_KEY_PEM_TYPES, decryptCosignKey } from './cosign-key';
import { checkPkcs8KdfCost } from './pkcs8-kdf';

export interface LoadedKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/**
 * Read a signing key: PEM PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`), password-protected PKCS#8
 * (`ENCRYPTED PRIVATE KEY`) or cosign's `ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY`. Only EC P-256 keys
 * are accepted (what cosign generates and what Sigstore verifiers expect with SHA-256).
 */
export function loadPrivateKey(keyPem: string, password?: string): LoadedKey {
  addSecret(keyPem);
  addSecret(password);
  const block = PEM_BLOCK.exec(keyPem);
  if (!block) throw new UserError('the signing key is not PEM; pass a PEM private key file (cosign.key or PKCS#8)');
  const type = block[1] as string;

  let privateKey: KeyObject;
  if ((COSIGN_KEY_PEM_TYPES as readonly string[]).includes(type)) {
    if (password === undefined) throw new UserError('the signing key is encrypted; set COSIGN_PASSWORD to its password');
    const der = decryptCosignKey(Buffer.from((block[2] as string).replace(/\s+/g, ''), 'base64'), password);
    privateKey = parseKey(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  } else if (type === 'PRIVATE KEY' || type === 'EC PRIVATE KEY') {
    privateKey = parseKey(() => createPrivateKey(block[0]));
  } else if (type === 'ENCRYPTED PRIVATE KEY') {
    if (password === undefined) throw new UserError('the signing key is encrypted; set COSIGN_PASSWORD to its password');
    checkPkcs8KdfCost(Buffer.from((block[2] as string).replace(/\s+/g, ''), 'base64'));
    privateKey = parseKey(() => createPrivateKey({ key: block[0], passphrase: password }), 'wrong password or unsupported key encryption');
  } else {
    throw new UserError(`the signing key is a '${type}' PEM block; pass a PKCS#8 EC P-256 private key or a cosign.key`);
  }

  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new UserError(`the signing key is ${privateKey.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''}; pass an EC P-256 key (cosign generate-key-pair makes one)`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function parseKey(parse: () => KeyObject, reason = 'it is malformed'): KeyObject {
  try {
    return parse();
  } catch {
    throw new UserError(`cannot read the signing key: ${reason}; check the key file and COSIGN_PASSWORD`);
  }
}

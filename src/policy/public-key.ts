import { createPublicKey } from 'node:crypto';
import { publicKeyId } from './signer';

// A policy names public keys; whatever the file holds is copied into the admission manifests that
// `policy render` writes. So the file must be one PEM public key and nothing else: a private key
// (any PKCS#8, SEC1, PKCS#1 or cosign-encrypted one) is refused without a word of its content.

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export type PublicKeyResult = { pem: string; keyId: string } | { problem: string };

/** The one PEM public key in `text` (as the block, nothing around it), or why the text is not that. */
export function readPublicKeyPem(text: string, name: string): PublicKeyResult {
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const labels = blocks.map((b) => b[1]);
  if (labels.some((l) => l.includes('PRIVATE KEY')) || /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    return {
      problem: `'${name}' holds a private key where a public key belongs (a policy's keys are copied into admission manifests); give the public half (e.g. 'cosign public-key --key cosign.key > cosign.pub')`,
    };
  }
  if (labels.length === 0) return { problem: `'${name}' is not a PEM public key; give the public half (cosign.pub, '-----BEGIN PUBLIC KEY-----')` };
  if (labels.some((l) => l.includes('CERTIFICATE'))) {
    return { problem: `'${name}' holds a certificate, not a public key; for keyless signers use spec.identities, else extract the key ('openssl x509 -pubkey -noout')` };
  }
  if (labels.length > 1) return { problem: `'${name}' holds ${labels.length} PEM blocks; give one public key per file` };
  if (labels[0] !== 'PUBLIC KEY') return { problem: `'${name}' holds a '${labels[0]}' block, not a 'PUBLIC KEY'; give the SubjectPublicKeyInfo PEM (cosign.pub)` };
  const pem = `${blocks[0][0]}\n`;
  try {
    createPublicKey(pem);
    return { pem, keyId: publicKeyId(pem) };
  } catch {
    return { problem: `'${name}' has a PUBLIC KEY block that does not parse; give the public half (cosign.pub)` };
  }
}

import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';

/** The signing (leaf) certificate of a keyless bundle; undefined for a key-signed one. */
export function leafCertificate(bundle: Bundle): X509Certificate | undefined {
  const content = bundle.verificationMaterial.content;
  if (content.$case === 'certificate') return X509Certificate.parse(Buffer.from(content.certificate.rawBytes));
  if (content.$case === 'x509CertificateChain') {
    const first = content.x509CertificateChain.certificates[0];
    return first ? X509Certificate.parse(Buffer.from(first.rawBytes)) : undefined;
  }
  return undefined;
}

import type { X509Certificate } from '@sigstore/core';
// The X.509 extensions Fulcio puts in signing certificates (fulcio docs/oid-info.md). OIDs 1.1-1.6
// are deprecated and hold the raw string; 1.8 onwards hold a DER UTF8String.
export const FULCIO_EXTENSIONS = {
  issuerV1: { oid: '1.3.6.1.4.1.57264.1.1', legacy: true },
  githubWorkflowTrigger: { oid: '1.3.6.1.4.1.57264.1.2', legacy: true },
  githubWorkflowSha: { oid: '1.3.6.1.4.1.57264.1.3', legacy: true },
  githubWorkflowName: { oid: '1.3.6.1.4.1.57264.1.4', legacy: true },
  githubWorkflowRepository: { oid: '1.3.6.1.4.1.57264.1.5', legacy: true },
  githubWorkflowRef: { oid: '1.3.6.1.4.1.57264.1.6', legacy: true },
  issuer: { oid: '1.3.6.1.4.1.57264.1.8', legacy: false },
  buildSignerURI: { oid: '1.3.6.1.4.1.57264.1.9', legacy: false },
  buildSignerDigest: { oid: '1.3.6.1.4.1.57264.1.10', legacy: false },
  runnerEnvironment: { oid: '1.3.6.1.4.1.57264.1.11', legacy: false },
  sourceRepositoryURI: { oid: '1.3.6.1.4.1.57264.1.12', legacy: false },
  sourceRepositoryDigest: { oid: '1.3.6.1.4.1.57264.1.13', legacy: false },
  sourceRepositoryRef: { oid: '1.3.6.1.4.1.57264.1.14', legacy: false },
  sourceRepositoryIdentifier: { oid: '1.3.6.1.4.1.57264.1.15', legacy: false },
  sourceRepositoryOwnerURI: { oid: '1.3.6.1.4.1.57264.1.16', legacy: false },
  sourceRepositoryOwnerIdentifier: { oid: '1.3.6.1.4.1.57264.1.17', legacy: false },
  buildConfigURI: { oid: '1.3.6.1.4.1.57264.1.18', legacy: false },
  buildConfigDigest: { oid: '1.3.6.1.4.1.57264.1.19', legacy: false },
  buildTrigger: { oid: '1.3.6.1.4.1.57264.1.20', legacy: false },
  runInvocationURI: { oid: '1.3.6.1.4.1.57264.1.21', legacy: false },
  sourceRepositoryVisibilityAtSigning: { oid: '1.3.6.1.4.1.57264.1.22', legacy: false },
} as const;

export type FulcioExtensionName = keyof typeof FULCIO_EXTENSIONS;

/** Decode an extension's value: a DER UTF8String for current OIDs, the raw bytes for legacy ones. */
export function decodeExtensionValue(value: Buffer, legacy: boolean): string {
  if (legacy || value[0] !== 0x0c || value.length < 2) return value.toString('utf8');
  let length = value[1] as number;
  let offset = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = 0;
    for (let i = 0; i < bytes; i++) length = (length << 8) | (value[2 + i] as number);
    offset = 2 + bytes;
  }
  return value.subarray(offset, offset + length).toString('utf8');
}

/** Every Fulcio extension a certificate carries, by name, decoded. */
export function certificateExtensions(cert: X509Certificate): Partial<Record<FulcioExtensionName, string>> {
  const out: Partial<Record<FulcioExtensionName, string>> = {};
  for (const [name, { oid, legacy }] of Object.entries(FULCIO_EXTENSIONS) as [FulcioExtensionName, { oid: string; legacy: boolean }][]) {
    const ext = cert.extension(oid);
    if (ext) out[name] = decodeExtensionValue(ext.value, legacy);
  }
  return out;
}

// Media types and annotation keys from the OCI image/distribution specs and the Sigstore/cosign specs.
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

export const ALL_MANIFEST_MEDIA_TYPES = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST];

/** The 2-byte `{}` blob every artifact manifest uses as its config. */
export const EMPTY_JSON = Buffer.from('{}');
export const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

export const SIGSTORE_BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';

// Legacy cosign tag layout (cosign <= v2).
export const COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export const ANNOTATION = {
  created: 'org.opencontainers.image.created',
  refName: 'org.opencontainers.image.ref.name',
  bundleContent: 'dev.sigstore.bundle.content',
  bundlePredicateType: 'dev.sigstore.bundle.predicateType',
  cosignSignature: 'dev.cosignproject.cosign/signature',
  cosignCertificate: 'dev.sigstore.cosign/certificate',
  cosignChain: 'dev.sigstore.cosign/chain',
  cosignBundle: 'dev.sigstore.cosign/bundle',
  predicateType: 'predicateType',
} as const;

export const PREDICATE = {
  signature: 'https://sigstore.dev/cosign/sign/v1',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  /** GitHub's attest-sbom / actions/attest spelling of SPDX 2.3. */
  spdxV23: 'https://spdx.dev/Document/v2.3',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
  slsaProvenance: 'https://slsa.dev/provenance/v1',
} as const;

import { sha256Digest } from '../oci/digest';
import { buildBundleReferrer, referrerDescriptor } from './referrer-manifest';

describe('bundle referrer manifest', () => {
  const subject = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: 'sha256:' + 'ab'.repeat(32), size: 1234, annotations: { x: 'y' } };
  const bundle = JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' });

  test('exactly the cosign v3 / OCI 1.1 shape', () => {
    const r = buildBundleReferrer({ bundle, predicateType: 'https://slsa.dev/provenance/v1', subject, created: new Date('2026-03-04T05:06:07.890Z') });
    expect(r.manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
      layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: sha256Digest(bundle), size: Buffer.byteLength(bundle) }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: 1234 },
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
        'org.opencontainers.image.created': '2026-03-04T05:06:07Z',
      },
    });
    expect(JSON.parse(r.manifestBytes.toString('utf8'))).toEqual(r.manifest);
    expect(r.layerBytes.toString('utf8')).toBe(bundle);
    expect(sha256Digest(r.configBytes)).toBe(r.manifest.config.digest);
  });

  test('the descriptor for the referrers index carries artifactType and annotations', () => {
    const r = buildBundleReferrer({ bundle: Buffer.from(bundle), predicateType: 'https://cyclonedx.org/bom', subject, contentKind: 'message-signature' });
    const d = referrerDescriptor(r);
    expect(d).toMatchObject({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256Digest(r.manifestBytes), size: r.manifestBytes.length, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' });
    expect(d.annotations?.['dev.sigstore.bundle.content']).toBe('message-signature');
    expect(d.annotations?.['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

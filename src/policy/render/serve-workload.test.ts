import { testPolicy } from '../testdata/policy';
import { base64Pem, checkServeOptions, DEFAULT_SERVE_IMAGE, serveWarnings, serviceDnsNames, type ServeOptions } from './serve-workload';

const options: ServeOptions = {
  namespace: 'ns',
  name: 'serve',
  image: 'img',
  caBundlePem: 'PEM',
  certManager: false,
  podsOnly: false,
  timeoutSeconds: 2,
  replicas: 2,
};

describe('serve workload helpers', () => {
  it('base64-encodes the PEM with its final newline, as caBundle wants', () => {
    expect(Buffer.from(base64Pem('A'), 'base64').toString()).toBe('A\n');
    expect(Buffer.from(base64Pem('A\n'), 'base64').toString()).toBe('A\n');
  });

  it('names the service as the Provider URL and the API server dial it', () => {
    expect(serviceDnsNames(options)).toEqual(['serve.ns', 'serve.ns.svc', 'serve.ns.svc.cluster.local']);
  });

  it('asks for the GitHub root only when the policy needs it', () => {
    expect(() => checkServeOptions(testPolicy({ sigstore: { kind: 'github' } }), options)).toThrow(/--trusted-root github-root.jsonl/);
    expect(() => checkServeOptions(testPolicy({ sigstore: { kind: 'github' } }), { ...options, trustedRoot: '{}' })).not.toThrow();
    expect(() => checkServeOptions(testPolicy(), { ...options, trustedRoot: '{}' })).toThrow(/is for a policy with 'sigstore: github'/);
    expect(() => checkServeOptions(testPolicy(), options)).not.toThrow();
  });

  it('refuses a policy whose files would not fit in a ConfigMap', () => {
    const big = JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', pad: 'x'.repeat(1 << 20) });
    expect(() => checkServeOptions(testPolicy({ sigstore: { kind: 'trustedRoot', path: 'r.json', json: big } }), options)).toThrow(/over the 1 MiB a ConfigMap holds/);
  });

  it('warns while the serve image is the placeholder', () => {
    expect(serveWarnings({ ...options, image: DEFAULT_SERVE_IMAGE }).join()).toMatch(/placeholder .* --serve-image/);
    expect(serveWarnings(options)).toEqual([]);
  });
});

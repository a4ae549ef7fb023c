import { testPolicy } from '../testdata/policy';
import { base64Pem, checkServeOptions, serviceDnsNames, type ServeOptions } from './serve-workload';

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
});

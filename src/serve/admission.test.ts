import { admissionResponse, parseAdmissionReview } from './admission';
import type { ImageVerdict } from './verdict';

const D = `sha256:${'b'.repeat(64)}`;
const review = (object: unknown, operation = 'CREATE') => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', kind: { group: '', version: 'v1', kind: 'Pod' }, operation, object },
});

describe('admission', () => {
  test('parses the images of a Pod; a DELETE has none', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'r/x:1' }, { name: 'b', image: 'r/x:1' }] } };
    expect(parseAdmissionReview(review(pod))).toMatchObject({ uid: 'u-1', kind: 'Pod', images: ['r/x:1'] });
    expect(parseAdmissionReview(review(null, 'DELETE')).images).toEqual([]);
  });

  test('refuses what is not an admission.k8s.io/v1 AdmissionReview', () => {
    expect(() => parseAdmissionReview({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' })).toThrow("apiVersion must be admission.k8s.io/v1, got 'admission.k8s.io/v1beta1'");
    expect(() => parseAdmissionReview({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })).toThrow('request is missing or not an object');
  });

  test('denies when one image is denied, naming image, rule and container; audit turns it into a warning', () => {
    const reviewed = parseAdmissionReview(review({ spec: { containers: [{ name: 'web', image: 'r/x:1' }], initContainers: [{ name: 'setup', image: 'r/y@' + D }] } }));
    const verdicts = new Map<string, ImageVerdict>([
      ['r/x:1', { kind: 'verified', image: 'r/x:1', digest: D, resolvedFromTag: '1', passed: true, rules: [{ rule: 'signature', passed: true, reason: 'ok' }] }],
      ['r/y@' + D, { kind: 'verified', image: 'r/y@' + D, digest: D, passed: false, rules: [{ rule: 'signature', passed: false, reason: 'no signature' }] }],
    ]);
    expect(admissionResponse(reviewed, verdicts, false).response).toEqual({
      uid: 'u-1',
      allowed: false,
      status: { status: 'Failure', code: 403, reason: 'Forbidden', message: `ship-image: r/y@${D} (${D}): denied by signature: no signature [container setup (initContainer)]` },
    });
    expect(admissionResponse(reviewed, verdicts, true).response).toEqual({
      uid: 'u-1',
      allowed: true,
      warnings: [`ship-image: r/y@${D} (${D}): would be denied (audit mode) by signature: no signature`],
    });
  });
});

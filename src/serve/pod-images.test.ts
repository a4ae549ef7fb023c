import { HttpError } from './http-error';
import { distinctImages, podImages } from './pod-images';

const spec = { containers: [{ name: 'app', image: 'a:1' }], initContainers: [{ name: 'init', image: 'b:1' }], ephemeralContainers: [{ name: 'dbg', image: 'a:1' }] };

describe('podImages', () => {
  test.each([
    ['Pod', { spec }],
    ['Deployment', { spec: { template: { spec } } }],
    ['StatefulSet', { spec: { template: { spec } } }],
    ['DaemonSet', { spec: { template: { spec } } }],
    ['ReplicaSet', { spec: { template: { spec } } }],
    ['Job', { spec: { template: { spec } } }],
    ['CronJob', { spec: { jobTemplate: { spec: { template: { spec } } } } }],
  ])('%s: every container list, in order', (kind, object) => {
    const images = podImages(kind, object);
    expect(images).toEqual([
      { kind: 'containers', name: 'app', image: 'a:1' },
      { kind: 'initContainers', name: 'init', image: 'b:1' },
      { kind: 'ephemeralContainers', name: 'dbg', image: 'a:1' },
    ]);
    expect(distinctImages(images)).toEqual(['a:1', 'b:1']);
  });

  test('a kind without a pod spec has no images', () => {
    expect(podImages('ConfigMap', { data: {} })).toEqual([]);
  });

  test('a misshapen pod spec is a 400 naming the field', () => {
    const fail = (object: unknown) => {
      try {
        podImages('Deployment', object);
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        return (err as HttpError).message;
      }
      throw new Error('no error');
    };
    expect(fail({ spec: 'x' })).toBe('request.object.spec of the Deployment is not an object');
    expect(fail({ spec: { template: {} } })).toBe('request.object.spec.template.spec of the Deployment is missing or not an object');
    expect(fail({ spec: { template: { spec: { containers: [{ name: 'a' }] } } } })).toBe('request.object.spec.template.spec.containers[0] has no image');
  });
});

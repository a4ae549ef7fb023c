/* eslint-disable no-control-regex -- these tests look for control characters */
import { addSecret } from '../core/log';
import { renderJson, renderText } from './render';
import type { DiscoverTree } from './tree';

const canary = 'canary-discover-secret-4c2d';
addSecret(canary);

const tree: DiscoverTree = {
  reference: 'registry.test/acme/api:1',
  digest: `sha256:${'a'.repeat(64)}`,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 10,
  referrers: [
    {
      digest: `sha256:${'b'.repeat(64)}`,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/x\u001b]8;;https://evil\u0007click\u001b]8;;\u0007',
      predicateType: `https://x\u202E${canary}`,
      created: 'x'.repeat(100000),
      size: 1,
      source: 'referrers-api',
      referrers: [],
    },
  ],
};

describe('discover rendering of what a registry sent', () => {
  test('text', () => {
    const text = renderText(tree);
    expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(text).not.toContain(canary);
    expect(text.length).toBeLessThan(2000);
  });

  test('--json', () => {
    const json = renderJson(tree);
    expect(json).not.toMatch(/\\u001b|\\u0007|\u202e/);
    expect(json).not.toContain(canary);
    expect(json.length).toBeLessThan(3000);
    expect((JSON.parse(json) as DiscoverTree).referrers[0].digest).toBe(`sha256:${'b'.repeat(64)}`);
  });
});

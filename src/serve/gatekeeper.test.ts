import { parseProviderRequest, providerResponse } from './gatekeeper';
import type { ImageVerdict } from './verdict';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseProviderRequest', () => {
  test('the keys of a ProviderRequest as Gatekeeper marshals it; no keys (omitempty) is none', () => {
    expect(parseProviderRequest({ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderRequest', request: { keys: ['a:1', 'b'] } })).toEqual(['a:1', 'b']);
    expect(parseProviderRequest({ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderRequest', request: {} })).toEqual([]);
  });

  test.each([
    [[], 'the body is not a ProviderRequest object'],
    [{ apiVersion: 'externaldata.gatekeeper.sh/v1alpha1', kind: 'ProviderRequest', request: {} }, "apiVersion must be externaldata.gatekeeper.sh/v1beta1, got 'externaldata.gatekeeper.sh/v1alpha1'"],
    [{ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', request: {} }, 'kind must be ProviderRequest, got nothing'],
    [{ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderRequest', request: { keys: 'a' } }, 'request.keys is not a list of image references'],
    [{ apiVersion: 'externaldata.gatekeeper.sh/v1beta1', kind: 'ProviderRequest', request: { keys: ['a', 3] } }, 'request.keys[1] is not an image reference string'],
  ])('refuses %j: %s', (body, message) => {
    expect(() => parseProviderRequest(body)).toThrow(message);
  });
});

describe('providerResponse', () => {
  test('one item per key in order: verdicts as values, no verdict as an error (fail closed)', () => {
    const verdicts = new Map<string, ImageVerdict>([
      ['r/a:1', { kind: 'verified', image: 'r/a:1', digest: D, resolvedFromTag: '1', passed: false, rules: [{ rule: 'signature', passed: true, reason: 'signed' }, { rule: 'sbom', passed: false, reason: 'no SBOM' }] }],
      ['r/b', { kind: 'error', image: 'r/b', reason: 'connect ECONNREFUSED' }],
    ]);
    const res = providerResponse(['r/a:1', 'r/b'], verdicts, false);
    expect(res.response.items).toEqual([
      {
        key: 'r/a:1',
        value: {
          image: 'r/a:1',
          digest: D,
          resolvedFromTag: '1',
          allowed: false,
          passed: false,
          rules: [
            { rule: 'signature', passed: true, reason: 'signed' },
            { rule: 'sbom', passed: false, reason: 'no SBOM' },
          ],
          message: `r/a:1 (tag '1' resolved to ${D} at admission; the verdict is for that digest): denied by sbom: no SBOM` },
      },
      { key: 'r/b', error: 'r/b: cannot be verified, denied (fail closed): connect ECONNREFUSED' },
    ]);
    // Gatekeeper's audit is the Constraint's enforcementAction: an error stays an error, a failure is allowed but listed.
    const [failed, unverified] = providerResponse(['r/a:1', 'r/b'], verdicts, true).response.items!;
    expect(failed!.value).toMatchObject({ allowed: true, passed: false });
    expect(unverified!.error).toBe('r/b: cannot be verified, denied (fail closed): connect ECONNREFUSED');
  });
});

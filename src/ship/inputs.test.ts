import { UserError } from '../core/errors';
import { choices, visibility } from './inputs';

describe('choice inputs', () => {
  test('absent or empty choices take their defaults', () => {
    const defaults = { builder: 'auto', sbomFormat: 'cyclonedx', scanner: 'trivy', failOn: 'critical', sign: 'keyless', signatureFormat: 'bundle' };
    expect(choices({})).toEqual(defaults);
    expect(choices({ builder: '', failOn: '' })).toEqual(defaults);
    expect(choices({}, 'key').sign).toBe('key');
    expect(visibility(undefined)).toBeUndefined();
  });

  test('values are trimmed and case-insensitive; an unknown one names the input and the allowed words', () => {
    expect(choices({ builder: ' Buildah ', sbomFormat: 'SPDX', signatureFormat: 'both', sign: 'none' }, 'key')).toMatchObject({
      builder: 'buildah',
      sbomFormat: 'spdx',
      signatureFormat: 'both',
      sign: 'none',
    });
    expect(visibility('Internal')).toBe('internal');
    expect(() => choices({ failOn: 'severe' })).toThrow(UserError);
    expect(() => choices({ failOn: 'severe' })).toThrow("fail-on 'severe' is not one of critical, high, medium, low, none; pick one of those");
    expect(() => choices({ signatureFormat: 'cosign' })).toThrow(/^signature-format 'cosign' is not one of bundle, legacy, both/);
    expect(() => visibility('secret')).toThrow(/^visibility 'secret' is not one of public, private, internal/);
  });
});

import { globMatches } from '../glob';
import { GATEKEEPER_REGO, globRegExp } from './gatekeeper-rego';

describe('globRegExp', () => {
  it.each([
    ['ghcr.io/acme/*', 'ghcr.io/acme/api:1.2', true],
    ['ghcr.io/acme/*', 'ghcr.io/acme/team/api@sha256:aa', true],
    ['ghcr.io/acme/*', 'ghcr.ioXacme/api', false],
    ['ghcr.io/acme/api', 'ghcr.io/acme/api', true],
    ['ghcr.io/acme/api', 'ghcr.io/acme/api:1', false],
    ['*.dkr.ecr.*.amazonaws.com/app*', '1.dkr.ecr.eu-west-1.amazonaws.com/app:v1', true],
    ['registry:5000/a+b/*', 'registry:5000/a+b/c', true],
  ])('%s on %s is %s, as globMatches says', (glob, image, expected) => {
    expect(new RegExp(globRegExp(glob)).test(image)).toBe(expected);
    expect(globMatches(glob, image)).toBe(expected);
  });
});

describe('the ConstraintTemplate Rego', () => {
  it('is Rego v0 (what the `rego:` field takes) with a violation rule and one external_data call', () => {
    expect(GATEKEEPER_REGO).toMatch(/^package shipimage\n/);
    expect(GATEKEEPER_REGO.match(/external_data\(/g)).toHaveLength(1);
    expect(GATEKEEPER_REGO).toContain('external_data({"provider": input.parameters.provider, "keys": image_list})');
    expect(GATEKEEPER_REGO).toMatch(/^violation\[\{"msg": msg\}\] \{$/m);
    // Rego v1 keywords would need imports under v0; the template must not depend on them.
    expect(GATEKEEPER_REGO).not.toMatch(/\b(if|contains|every)\b\s*\{|^import /m);
  });

  it('reads every container kind of a Pod, a pod template and a CronJob', () => {
    for (const s of ['"containers", "initContainers", "ephemeralContainers"', 'obj.spec.template.spec', 'obj.spec.jobTemplate.spec.template.spec']) expect(GATEKEEPER_REGO).toContain(s);
  });

  it('also matches a short Docker Hub name in its full form, with mutually exclusive definitions', () => {
    const bodies = GATEKEEPER_REGO.split('\n\n').filter((b) => b.startsWith('full_reference('));
    expect(bodies).toHaveLength(3);
    // A function whose definitions overlap is a conflict error in OPA: each body guards on the slash.
    expect(bodies.map((b) => (b.includes('not contains(image, "/")') ? 'short' : b.includes('contains(image, "/")') ? 'path' : 'unguarded'))).toEqual(['short', 'path', 'path']);
    expect(GATEKEEPER_REGO).toContain('regex.match(input.parameters.imagePatterns[_], full_reference(image))');
  });

  it('denies on every path that is not a verdict (fail closed)', () => {
    for (const s of ['not verdicts', 'verdicts.system_error != ""', 'code != 200', 'verdicts.errors[_]', 'not answered[image]', 'not allowed(value)', 'rule.passed == false']) {
      expect(GATEKEEPER_REGO).toContain(s);
    }
  });

  it('balances its braces and brackets', () => {
    const code = GATEKEEPER_REGO.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/#.*$/gm, '');
    for (const [open, close] of [['{', '}'], ['[', ']'], ['(', ')']] as const) expect(code.split(open).length).toBe(code.split(close).length);
  });
});

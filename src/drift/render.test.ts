import { driftJson, driftText } from './render';

describe('drift rendering', () => {
  const drift = { added: ['pkg:deb/debian/curl@7.88\u001b[31m'], removed: ['pkg:deb/debian/x@1'], changed: [{ name: 'pkg:deb/debian/libc6', from: '1', to: '2\u202e' }] };

  it('writes one line per difference, untrusted text inert', () => {
    expect(driftText(drift, { attested: 'a.json', observed: 'b' })).toBe(
      'drift between a.json (attested) and b (observed): 1 added, 1 removed, 1 changed\n+ pkg:deb/debian/curl@7.88[31m\n- pkg:deb/debian/x@1\n~ pkg:deb/debian/libc6 1 -> 2\n',
    );
    expect(driftText({ added: [], removed: [], changed: [] }, { attested: 'a', observed: 'b' })).toBe('drift between a (attested) and b (observed): none\n');
  });

  it('keeps the JSON shape with inert strings', () => {
    expect(driftJson(drift)).toEqual({ added: ['pkg:deb/debian/curl@7.88[31m'], removed: ['pkg:deb/debian/x@1'], changed: [{ name: 'pkg:deb/debian/libc6', from: '1', to: '2' }] });
  });
});

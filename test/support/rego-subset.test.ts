import { parseRego, RegoConflictError, RegoSet } from './rego-subset';

const none = () => {
  throw new Error('no external data here');
};

describe('Rego subset evaluator (test support)', () => {
  it('evaluates partial sets, functions, comprehensions, not, and iteration with _', () => {
    const m = parseRego(`package t

big[n] {
  n := input.numbers[_]
  n > 2
}

names := [name | big[name]]

has_seven {
  big[7]
}

r = v {
  not has_seven
  v := count(names)
}
`);
    expect((m.query('big', { numbers: [1, 3, 5] }, none) as RegoSet).values()).toEqual([3, 5]);
    expect(m.query('r', { numbers: [1, 3, 5] }, none)).toBe(2);
    expect(m.query('r', { numbers: [7] }, none)).toBeUndefined();
  });

  it('raises OPA\'s conflict error when a function\'s definitions disagree', () => {
    const m = parseRego(`package t

f(s) = "short" {
  not contains(s, "/")
}

f(s) = s {
  contains(split(s, "/")[0], ":")
}

out = v {
  v := f(input.s)
}
`);
    expect(m.query('out', { s: 'a/b' }, none)).toBeUndefined();
    expect(m.query('out', { s: 'nginx' }, none)).toBe('short');
    expect(() => m.query('out', { s: 'nginx:1.2' }, none)).toThrow(RegoConflictError);
  });

  it('leaves an expression undefined on a builtin error (non-strict), and destructures arrays', () => {
    const m = parseRego(`package t

msgs[m] {
  [k, v] := input.pairs[_]
  m := sprintf("%v=%v", [k, object.get(v, "x", "none")])
}
`);
    expect((m.query('msgs', { pairs: [['a', { x: 1 }], ['b', {}], ['c', 'not an object']] }, none) as RegoSet).values()).toEqual(['a=1', 'b=none']);
  });

  it('refuses what it does not implement (Rego v1 heads, some, with)', () => {
    expect(() => parseRego('package t\n\nviolation contains msg if {\n  msg := "x"\n}\n')).toThrow();
    expect(() => parseRego('package t\n\np = x {\n  some i\n  x := i\n}\n')).toThrow();
  });
});

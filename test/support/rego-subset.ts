// A small evaluator for the Rego subset the Gatekeeper ConstraintTemplate uses (Rego v0 syntax):
// no OPA runs here (no npm package evaluates Rego offline, Debian has none), so, as with
// kyverno-jmespath.ts, the test evaluates the rendered text with an interpreter of the documented
// semantics. What it implements, as OPA does: rules with bodies (complete, partial set, functions,
// several definitions, and OPA's conflict error when definitions disagree), `:=`, `=` on a fresh
// var or array pattern, `==`, `!=`, comparisons, `not`, references with `_` and unbound vars
// iterating arrays/objects/sets, array comprehensions, object/array/set literals, and the builtins
// count, contains, concat, split, regex.match, sprintf (%v), object.get, plus a caller-given
// `external_data`. A builtin error leaves the expression undefined (OPA's non-strict mode). What it
// does not implement is refused at parse time, so an unsupported construct cannot pass unnoticed.

type Value = null | boolean | number | string | Value[] | RegoSet | { [k: string]: Value };

export class RegoSet {
  readonly items = new Map<string, Value>();
  add(v: Value): void {
    this.items.set(canonical(v), v);
  }
  has(v: Value): boolean {
    return this.items.has(canonical(v));
  }
  values(): Value[] {
    return [...this.items.values()];
  }
}

export class RegoConflictError extends Error {}

function canonical(v: Value): string {
  if (v instanceof RegoSet) return `set(${[...v.items.keys()].sort().join(',')})`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`;
  return JSON.stringify(v);
}

// ---- lexer

type Tok = { k: 'id' | 'str' | 'num' | 'p' | 'nl'; v: string };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let depth = 0;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      if (depth === 0 && out.length > 0 && out[out.length - 1]!.k !== 'nl') out.push({ k: 'nl', v: '\n' });
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out.push({ k: 'str', v: JSON.parse(src.slice(i, j + 1)) as string });
      i = j + 1;
      continue;
    }
    if (c === '`') throw new Error('raw strings are not in the subset');
    const num = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const p = /^(:=|==|!=|>=|<=|[{}[\]().,:;|=<>])/.exec(src.slice(i));
    if (!p) throw new Error(`unexpected character ${JSON.stringify(c)}`);
    if (p[0] === '(' || p[0] === '[') depth++;
    if (p[0] === ')' || p[0] === ']') depth--;
    out.push({ k: 'p', v: p[0] });
    i += p[0].length;
  }
  return out;
}

// ---- parser

type Term =
  | { t: 'lit'; v: Value }
  | { t: 'var'; name: string }
  | { t: 'arr'; items: Term[] }
  | { t: 'obj'; pairs: Array<[Term, Term]> }
  | { t: 'set'; items: Term[] }
  | { t: 'compr'; head: Term; body: Expr[] }
  | { t: 'call'; name: string; args: Term[] }
  | { t: 'ref'; base: Term; path: Term[] };

type Expr = { op: 'term'; a: Term; not: boolean } | { op: ':=' | '=' | '==' | '!=' | '>' | '<' | '>=' | '<='; a: Term; b: Term; not: boolean };

type Rule =
  | { kind: 'complete'; name: string; value: Term; body: Expr[] }
  | { kind: 'set'; name: string; key: Term; body: Expr[] }
  | { kind: 'function'; name: string; params: Term[]; value: Term; body: Expr[] };

// Rego v1 keywords and the v0 constructs the subset leaves out (`contains` stays a builtin in v0).
const KEYWORDS = new Set(['if', 'every', 'in', 'some', 'with', 'else', 'default', 'import']);

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(v?: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && (v === undefined || t.v === v) && (v === undefined || t.k === 'p' || t.k === 'id');
  }
  private next(): Tok {
    const t = this.toks[this.i++];
    if (!t) throw new Error('unexpected end of input');
    return t;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v) throw new Error(`expected ${v}, got ${t.v}`);
  }
  private skipNl(): void {
    while (this.toks[this.i]?.k === 'nl') this.i++;
  }

  module(): { pkg: string; rules: Rule[] } {
    this.skipNl();
    this.expect('package');
    const pkg = this.next().v;
    const rules: Rule[] = [];
    this.skipNl();
    while (this.i < this.toks.length) {
      rules.push(this.rule());
      this.skipNl();
    }
    return { pkg, rules };
  }

  private rule(): Rule {
    const name = this.next();
    if (name.k !== 'id' || KEYWORDS.has(name.v)) throw new Error(`unsupported rule head at ${name.v}`);
    if (this.peek('(')) {
      this.next();
      const params: Term[] = [];
      while (!this.peek(')')) {
        params.push(this.term());
        if (this.peek(',')) this.next();
      }
      this.expect(')');
      let value: Term = { t: 'lit', v: true };
      if (this.peek('=')) {
        this.next();
        value = this.term();
      }
      return { kind: 'function', name: name.v, params, value, body: this.body() };
    }
    if (this.peek('[')) {
      this.next();
      const key = this.term();
      this.expect(']');
      return { kind: 'set', name: name.v, key, body: this.body() };
    }
    if (this.peek(':=')) {
      this.next();
      const value = this.term();
      return { kind: 'complete', name: name.v, value, body: [] };
    }
    if (this.peek('{')) return { kind: 'complete', name: name.v, value: { t: 'lit', v: true }, body: this.body() };
    this.expect('=');
    const value = this.term();
    return { kind: 'complete', name: name.v, value, body: this.body() };
  }

  private body(): Expr[] {
    this.expect('{');
    const exprs: Expr[] = [];
    this.skipNl();
    while (!this.peek('}')) {
      exprs.push(this.expr());
      if (this.peek(';')) this.next();
      this.skipNl();
    }
    this.expect('}');
    return exprs;
  }

  private expr(): Expr {
    let not = false;
    if (this.peek('not')) {
      this.next();
      not = true;
    }
    const a = this.term();
    const t = this.toks[this.i];
    if (t && t.k === 'p' && [':=', '=', '==', '!=', '>', '<', '>=', '<='].includes(t.v)) {
      this.next();
      return { op: t.v as Exclude<Expr['op'], 'term'>, a, b: this.term(), not };
    }
    return { op: 'term', a, not };
  }

  term(): Term {
    let base = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.next();
        base = this.extend(base, { t: 'lit', v: this.next().v });
      } else if (this.peek('[')) {
        this.next();
        const key = this.term();
        this.expect(']');
        base = this.extend(base, key);
      } else return base;
    }
  }

  private extend(base: Term, key: Term): Term {
    return base.t === 'ref' ? { t: 'ref', base: base.base, path: [...base.path, key] } : { t: 'ref', base, path: [key] };
  }

  private primary(): Term {
    const t = this.next();
    if (t.k === 'str') return { t: 'lit', v: t.v };
    if (t.k === 'num') return { t: 'lit', v: Number(t.v) };
    if (t.k === 'id') {
      if (t.v === 'true' || t.v === 'false') return { t: 'lit', v: t.v === 'true' };
      if (t.v === 'null') return { t: 'lit', v: null };
      if (KEYWORDS.has(t.v)) throw new Error(`keyword ${t.v} is not in the subset`);
      let name = t.v;
      // A dotted builtin name (regex.match, object.get) is a call; otherwise dots are references.
      const save = this.i;
      while (this.peek('.') && this.toks[this.i + 1]?.k === 'id') {
        this.next();
        name += '.' + this.next().v;
      }
      if (this.peek('(')) {
        this.next();
        const args: Term[] = [];
        while (!this.peek(')')) {
          args.push(this.term());
          if (this.peek(',')) this.next();
        }
        this.expect(')');
        return { t: 'call', name, args };
      }
      this.i = save;
      return { t: 'var', name: t.v };
    }
    if (t.v === '(') {
      const inner = this.term();
      this.expect(')');
      return inner;
    }
    if (t.v === '[') {
      const items: Term[] = [];
      while (!this.peek(']')) {
        const item = this.term();
        if (this.peek('|')) {
          this.next();
          const body: Expr[] = [this.expr()];
          while (this.peek(';')) {
            this.next();
            body.push(this.expr());
          }
          this.expect(']');
          return { t: 'compr', head: item, body };
        }
        items.push(item);
        if (this.peek(',')) this.next();
      }
      this.expect(']');
      return { t: 'arr', items };
    }
    if (t.v === '{') {
      const pairs: Array<[Term, Term]> = [];
      const items: Term[] = [];
      while (!this.peek('}')) {
        const k = this.term();
        if (this.peek(':')) {
          this.next();
          pairs.push([k, this.term()]);
        } else items.push(k);
        if (this.peek(',')) this.next();
      }
      this.expect('}');
      if (pairs.length > 0 && items.length > 0) throw new Error('mixed object/set literal');
      return items.length > 0 ? { t: 'set', items } : { t: 'obj', pairs };
    }
    throw new Error(`unexpected token ${t.v}`);
  }
}

// ---- evaluator

type Env = ReadonlyMap<string, Value>;
type Builtin = (...args: Value[]) => Value;

const UNDEFINED = Symbol('undefined');

function sprintfV(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof RegoSet) return `{${v.values().map((x) => JSON.stringify(x)).join(', ')}}`;
  return JSON.stringify(v);
}

const BUILTINS: Record<string, Builtin> = {
  count: (x) => {
    if (typeof x === 'string' || Array.isArray(x)) return x.length;
    if (x instanceof RegoSet) return x.items.size;
    if (x !== null && typeof x === 'object') return Object.keys(x).length;
    throw new Error('count: operand must be a collection or string');
  },
  contains: (s, sub) => {
    if (typeof s !== 'string' || typeof sub !== 'string') throw new Error('contains: strings');
    return s.includes(sub);
  },
  concat: (d, arr) => {
    if (typeof d !== 'string' || !Array.isArray(arr) || !arr.every((x) => typeof x === 'string')) throw new Error('concat: string and array of strings');
    return arr.join(d);
  },
  split: (s, d) => {
    if (typeof s !== 'string' || typeof d !== 'string') throw new Error('split: strings');
    return s.split(d);
  },
  'regex.match': (p, s) => {
    if (typeof p !== 'string' || typeof s !== 'string') throw new Error('regex.match: strings');
    return new RegExp(p).test(s);
  },
  sprintf: (f, args) => {
    if (typeof f !== 'string' || !Array.isArray(args)) throw new Error('sprintf: format and array');
    let n = 0;
    return f.replace(/%v/g, () => sprintfV(args[n++] ?? null));
  },
  'object.get': (o, k, d) => {
    if (o === null || typeof o !== 'object' || Array.isArray(o) || o instanceof RegoSet) throw new Error('object.get: operand 1 must be an object');
    return typeof k === 'string' && k in o ? o[k]! : d!;
  },
};

export interface RegoModule {
  /** The value of `data.<package>.<rule>` for this input: a set rule's members, a complete rule's value, or undefined. */
  query(rule: string, input: Value, externalData: Builtin): Value | undefined;
}

export function parseRego(source: string): RegoModule {
  const { rules } = new Parser(lex(source)).module();
  const byName = new Map<string, Rule[]>();
  for (const r of rules) {
    const list = byName.get(r.name) ?? [];
    if (list.length > 0 && list[0]!.kind !== r.kind) throw new Error(`rule ${r.name} defined as two kinds`);
    list.push(r);
    byName.set(r.name, list);
  }
  return {
    query(name, input, externalData) {
      const evaluator = new Evaluator(byName, input, { ...BUILTINS, external_data: externalData });
      const v = evaluator.rule(name);
      return v === UNDEFINED ? undefined : v;
    },
  };
}

class Evaluator {
  private readonly cache = new Map<string, Value | typeof UNDEFINED>();
  constructor(
    private readonly rules: Map<string, Rule[]>,
    private readonly input: Value,
    private readonly builtins: Record<string, Builtin>,
  ) {}

  rule(name: string): Value | typeof UNDEFINED {
    if (this.cache.has(name)) return this.cache.get(name)!;
    const defs = this.rules.get(name);
    if (!defs) throw new Error(`undefined rule ${name}`);
    let result: Value | typeof UNDEFINED = UNDEFINED;
    if (defs[0]!.kind === 'set') {
      const set = new RegoSet();
      for (const d of defs as Array<Extract<Rule, { kind: 'set' }>>) {
        for (const env of this.body(d.body, new Map())) for (const [v] of this.term(d.key, env)) set.add(v);
      }
      result = set;
    } else if (defs[0]!.kind === 'complete') {
      const values = new Map<string, Value>();
      for (const d of defs as Array<Extract<Rule, { kind: 'complete' }>>) {
        for (const env of this.body(d.body, new Map())) for (const [v] of this.term(d.value, env)) values.set(canonical(v), v);
      }
      if (values.size > 1) throw new RegoConflictError(`complete rule ${name} produced ${values.size} values`);
      result = values.size === 1 ? [...values.values()][0]! : UNDEFINED;
    } else throw new Error(`${name} is a function`);
    this.cache.set(name, result);
    return result;
  }

  private call(name: string, args: Value[]): Value | typeof UNDEFINED {
    const builtin = this.builtins[name];
    if (builtin) {
      try {
        return builtin(...args);
      } catch {
        return UNDEFINED; // non-strict builtin errors
      }
    }
    const defs = this.rules.get(name);
    if (!defs || defs[0]!.kind !== 'function') throw new Error(`undefined function ${name}`);
    const values = new Map<string, Value>();
    for (const d of defs as Array<Extract<Rule, { kind: 'function' }>>) {
      if (d.params.length !== args.length) throw new Error(`${name}: arity`);
      let envs: Env[] = [new Map()];
      d.params.forEach((p, i) => (envs = envs.flatMap((e) => [...this.unify(p, args[i]!, e)])));
      for (const env0 of envs) for (const env of this.body(d.body, env0)) for (const [v] of this.term(d.value, env)) values.set(canonical(v), v);
    }
    if (values.size > 1) throw new RegoConflictError(`function ${name} produced ${values.size} outputs for ${canonical(args)}`);
    return values.size === 1 ? [...values.values()][0]! : UNDEFINED;
  }

  private *body(exprs: Expr[], env: Env, at = 0): Generator<Env> {
    if (at === exprs.length) {
      yield env;
      return;
    }
    const e = exprs[at]!;
    if (e.not) {
      const it = this.expr({ ...e, not: false }, env).next();
      if (it.done) yield* this.body(exprs, env, at + 1);
      return;
    }
    for (const next of this.expr(e, env)) yield* this.body(exprs, next, at + 1);
  }

  private *expr(e: Expr, env: Env): Generator<Env> {
    if (e.op === 'term') {
      for (const [v, env2] of this.term(e.a, env)) if (v !== false) yield env2;
      return;
    }
    if (e.op === ':=' || e.op === '=') {
      for (const [v, env2] of this.term(e.b, env)) yield* this.unify(e.a, v, env2);
      return;
    }
    for (const [a, env2] of this.term(e.a, env)) {
      for (const [b, env3] of this.term(e.b, env2)) {
        const same = canonical(a) === canonical(b);
        const ok =
          e.op === '==' ? same
          : e.op === '!=' ? !same
          : typeof a === 'number' && typeof b === 'number'
            ? e.op === '>' ? a > b : e.op === '<' ? a < b : e.op === '>=' ? a >= b : a <= b
            : false;
        if (ok) yield env3;
      }
    }
  }

  /** Binds a fresh variable or an array pattern of them to `v`, or compares when already bound. */
  private *unify(pattern: Term, v: Value, env: Env): Generator<Env> {
    if (pattern.t === 'var' && !env.has(pattern.name) && !this.rules.has(pattern.name) && pattern.name !== 'input') {
      if (pattern.name === '_') yield env;
      else yield new Map(env).set(pattern.name, v);
      return;
    }
    if (pattern.t === 'arr') {
      if (!Array.isArray(v) || v.length !== pattern.items.length) return;
      let envs: Env[] = [env];
      pattern.items.forEach((p, i) => (envs = envs.flatMap((e) => [...this.unify(p, v[i]!, e)])));
      yield* envs;
      return;
    }
    for (const [pv, env2] of this.term(pattern, env)) if (canonical(pv) === canonical(v)) yield env2;
  }

  private *terms(ts: Term[], env: Env): Generator<[Value[], Env]> {
    if (ts.length === 0) {
      yield [[], env];
      return;
    }
    for (const [v, env2] of this.term(ts[0]!, env)) for (const [rest, env3] of this.terms(ts.slice(1), env2)) yield [[v, ...rest], env3];
  }

  private *term(t: Term, env: Env): Generator<[Value, Env]> {
    switch (t.t) {
      case 'lit':
        yield [t.v, env];
        return;
      case 'var': {
        if (env.has(t.name)) yield [env.get(t.name)!, env];
        else if (t.name === 'input') yield [this.input, env];
        else if (this.rules.has(t.name)) {
          const v = this.rule(t.name);
          if (v !== UNDEFINED) yield [v, env];
        } else throw new Error(`unbound variable ${t.name}`);
        return;
      }
      case 'arr':
        for (const [vs, env2] of this.terms(t.items, env)) yield [vs, env2];
        return;
      case 'set':
        for (const [vs, env2] of this.terms(t.items, env)) {
          const s = new RegoSet();
          vs.forEach((v) => s.add(v));
          yield [s, env2];
        }
        return;
      case 'obj':
        for (const [vs, env2] of this.terms(t.pairs.flat(), env)) {
          const o: Record<string, Value> = {};
          for (let i = 0; i < vs.length; i += 2) o[vs[i] as string] = vs[i + 1]!;
          yield [o, env2];
        }
        return;
      case 'compr': {
        const out: Value[] = [];
        for (const env2 of this.body(t.body, env)) for (const [v] of this.term(t.head, env2)) out.push(v);
        yield [out, env];
        return;
      }
      case 'call':
        for (const [args, env2] of this.terms(t.args, env)) {
          const v = this.call(t.name, args);
          if (v !== UNDEFINED) yield [v, env2];
        }
        return;
      case 'ref':
        for (const [base, env2] of this.term(t.base, env)) yield* this.walk(base, t.path, env2);
        return;
    }
  }

  private *walk(v: Value, path: Term[], env: Env): Generator<[Value, Env]> {
    if (path.length === 0) {
      yield [v, env];
      return;
    }
    const [key, ...rest] = path;
    const free = key!.t === 'var' && !env.has(key!.name) && !this.rules.has(key!.name) && key!.name !== 'input';
    const entries: Array<[Value, Value]> =
      v instanceof RegoSet ? v.values().map((x) => [x, x])
      : Array.isArray(v) ? v.map((x, i) => [i, x])
      : v !== null && typeof v === 'object' ? Object.entries(v)
      : [];
    if (free) {
      for (const [k, child] of entries) for (const env2 of this.unify(key!, k, env)) yield* this.walk(child, rest, env2);
      return;
    }
    for (const [k, env2] of this.term(key!, env)) {
      const found = entries.find(([ek]) => canonical(ek) === canonical(k));
      if (found) yield* this.walk(found[1], rest, env2);
    }
  }
}

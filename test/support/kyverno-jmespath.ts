// Evaluates Kyverno attestation `conditions` the way Kyverno does, on a predicate object with a test
// clock: `{{ }}` substitution (innermost first, whole-string variables keep their type), Kyverno's
// go-jmespath fork (a missing key inside a sub-expression is an error, function argument types are
// checked), Kyverno's time_* functions with Go semantics, and the condition operators (durations too).
// Only the expressions and functions the rendered conditions and these tests use are implemented;
// anything else throws, so a condition the evaluator cannot judge fails loudly instead of passing.
// Parsing uses the `jmespath` package; the tree is walked here because that package has no way to
// register functions. Sources read: kyverno pkg/engine/{variables,jmespath}, kyverno/go-jmespath.
import * as jmespathModule from 'jmespath';
import { formatGoDuration, parseGoDuration } from '../../src/policy/duration';
import { formatRfc3339, parseRfc3339 } from '../../src/policy/rfc3339';

export interface KyvernoConditionBlock {
  any?: KyvernoCondition[];
  all?: KyvernoCondition[];
}
export interface KyvernoCondition {
  key: unknown;
  operator: string;
  value: unknown;
  message?: string;
}
export interface ConditionsOutcome {
  passed: boolean;
  /** Set when substitution or a JMESPath function failed: Kyverno fails the attestation check. */
  error?: string;
  /** Messages of the conditions that were false. */
  failed: string[];
}

class NotFoundError extends Error {}

type Json = unknown;
interface Node {
  type: string;
  name?: string;
  value?: unknown;
  children: Node[];
}

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';
const NS_PER_MS = 1_000_000n;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isFalse(v: Json): boolean {
  return v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}
function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

class Interpreter {
  constructor(private readonly nowMs: number) {}

  private soft(node: Node, value: Json): Json {
    try {
      return this.visit(node, value);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  }

  visit(node: Node, value: Json): Json {
    switch (node.type) {
      case 'Field':
        if (isObject(value)) {
          if (!(node.name! in value)) throw new NotFoundError(`Unknown key "${node.name}" in path`);
          return value[node.name!];
        }
        return null;
      case 'Subexpression':
      case 'IndexExpression': {
        const left = this.visit(node.children[0], value);
        return this.visit(node.children[1], left);
      }
      case 'Comparator': {
        const a = this.soft(node.children[0], value);
        const b = this.soft(node.children[1], value);
        if (node.name === 'EQ') return deepEqual(a, b);
        if (node.name === 'NE') return !deepEqual(a, b);
        if (typeof a !== 'number' || typeof b !== 'number') return null;
        return { GT: a > b, GTE: a >= b, LT: a < b, LTE: a <= b }[node.name as 'GT'];
      }
      case 'Function': {
        const args = node.children.map((c) => (c.type === 'ExpressionReference' ? c : this.soft(c, value)));
        return this.call(node.name!, args);
      }
      case 'FilterProjection': {
        let left: Json;
        try {
          left = this.visit(node.children[0], value);
        } catch {
          return null;
        }
        if (!Array.isArray(left)) return null;
        const out: Json[] = [];
        for (const el of left) {
          if (isFalse(this.soft(node.children[2], el))) continue;
          const cur = this.soft(node.children[1], el);
          if (cur !== null) out.push(cur);
        }
        return out;
      }
      case 'Flatten': {
        let left: Json;
        try {
          left = this.visit(node.children[0], value);
        } catch {
          return null;
        }
        if (!Array.isArray(left)) return null;
        return left.flatMap((el) => (Array.isArray(el) ? el : [el]));
      }
      case 'Projection': {
        const left = this.soft(node.children[0], value);
        if (!Array.isArray(left)) return null;
        return left.map((el) => this.soft(node.children[1], el)).filter((v) => v !== null);
      }
      case 'Identity':
      case 'Current':
        return value;
      case 'Literal':
        return node.value as Json;
      case 'AndExpression': {
        const left = this.soft(node.children[0], value);
        return isFalse(left) ? left : this.visit(node.children[1], value);
      }
      case 'Pipe': {
        let result = value;
        for (const child of node.children) result = this.soft(child, result);
        return result;
      }
      default:
        throw new Error(`JMESPath node ${node.type} is not supported by this test evaluator`);
    }
  }

  private call(name: string, args: Json[]): Json {
    const str = (i: number): string => {
      if (typeof args[i] !== 'string') throw new Error(`invalid type for argument ${i + 1} of ${name}(): expected string`);
      return args[i] as string;
    };
    const time = (i: number): number => {
      const t = parseRfc3339(str(i));
      if (t === undefined) throw new Error(`${name}(): parsing time "${String(args[i])}" as RFC 3339 failed`);
      return t;
    };
    const duration = (i: number): bigint => {
      const d = parseGoDuration(str(i));
      if (d === undefined) throw new Error(`${name}(): time: invalid duration "${String(args[i])}"`);
      return d;
    };
    const layoutTime = (layout: string, i: number): number => {
      if (layout !== '' && layout !== RFC3339_LAYOUT) throw new Error(`layout ${layout} is not supported by this test evaluator`);
      return time(i);
    };
    const arity = (n: number) => {
      if (args.length !== n) throw new Error(`${name}() takes ${n} argument(s) but received ${args.length}`);
    };
    switch (name) {
      case 'length': {
        arity(1);
        const v = args[0];
        if (typeof v === 'string') return [...v].length;
        if (Array.isArray(v)) return v.length;
        if (isObject(v)) return Object.keys(v).length;
        throw new Error('invalid type for argument 1 of length(): expected string, array or object');
      }
      case 'time_since': {
        arity(3);
        const layout = str(0);
        const start = layoutTime(layout, 1);
        const end = str(2) === '' ? this.nowMs : layoutTime(layout, 2);
        return formatGoDuration(BigInt(end - start) * NS_PER_MS);
      }
      case 'time_now_utc':
        arity(0);
        return formatRfc3339(this.nowMs);
      case 'time_add':
        arity(2);
        return formatRfc3339(time(0) + Number(duration(1) / NS_PER_MS));
      case 'time_parse': {
        arity(2);
        if (/^\d+$/.test(str(0))) {
          if (!/^-?\d+$/.test(str(1))) throw new Error(`time_parse(): ${str(1)} is not an epoch`);
          return formatRfc3339(Number(str(1)) * 1000);
        }
        return formatRfc3339(layoutTime(str(0), 1));
      }
      case 'time_diff':
        arity(2);
        return formatGoDuration(BigInt(time(1) - time(0)) * NS_PER_MS);
      case 'time_before':
        arity(2);
        return time(0) < time(1);
      case 'time_after':
        arity(2);
        return time(0) > time(1);
      case 'time_truncate': {
        arity(2);
        const step = Number(duration(1) / NS_PER_MS);
        const t = time(0);
        return formatRfc3339(step > 0 ? t - (((t % step) + step) % step) : t);
      }
      default:
        throw new Error(`Unknown function: ${name}()`);
    }
  }
}

export function searchKyverno(expression: string, data: Json, now: Date): Json {
  // compile() exists in the package but not in @types/jmespath.
  const ast = (jmespathModule as unknown as { compile(e: string): Node }).compile(expression);
  return new Interpreter(now.getTime()).visit(ast, data);
}

// Kyverno's pkg/engine/variables/regex RegexVariables: innermost `{{...}}` not preceded by a backslash.
const VARIABLE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;

/** Substitutes `{{ }}` variables in a string like Kyverno's substituteVariablesIfAny. */
export function substituteVariables(text: string, data: Json, now: Date): Json {
  let value = text;
  for (;;) {
    const matches = [...value.matchAll(VARIABLE)];
    if (matches.length === 0) break;
    for (const m of matches) {
      const variable = m[2];
      const query = variable.slice(2, -2).trim();
      if (query.startsWith('-')) throw new Error('shallow substitution is not supported by this test evaluator');
      let resolved: Json;
      try {
        resolved = searchKyverno(query, data, now);
      } catch (err) {
        throw new Error(`failed to resolve ${query}: ${(err as Error).message}`);
      }
      if (value === variable) return resolved;
      const replacement = typeof resolved === 'string' ? resolved : JSON.stringify(resolved ?? null);
      value = value.replace(m[1] + variable, m[1] + replacement);
    }
  }
  return value.split('\\{{').join('{{');
}

function substituteDeep(v: Json, data: Json, now: Date): Json {
  if (typeof v === 'string') return substituteVariables(v, data, now);
  if (Array.isArray(v)) return v.map((e) => substituteDeep(e, data, now));
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, substituteDeep(e, data, now)]));
  return v;
}

// --- operators (kyverno pkg/engine/variables/operator) ---

/** Kyverno's parseDuration: at least one side must be a Go duration string (not "0"); numbers count as seconds. */
function durations(key: Json, value: Json): [number, number] | undefined {
  const asDuration = (v: Json): number | undefined => {
    if (typeof v !== 'string' || v === '0') return undefined;
    const d = parseGoDuration(v);
    return d === undefined ? undefined : Number(d) / 1e9;
  };
  let k = asDuration(key);
  let val = asDuration(value);
  if (k === undefined && val === undefined) return undefined;
  if (k === undefined) {
    if (typeof key !== 'number') return undefined;
    k = key;
  }
  if (val === undefined) {
    if (typeof value !== 'number') return undefined;
    val = value;
  }
  return [k, val];
}

function wildcardMatch(pattern: string, text: string): boolean {
  const re = new RegExp('^' + pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$', 's');
  return re.test(text);
}

function toNumber(v: Json): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function equals(key: Json, value: Json): boolean {
  if (typeof key === 'boolean') return value === key;
  if (typeof key === 'number') {
    const v = toNumber(value);
    return v !== undefined && v === key;
  }
  if (typeof key === 'string') {
    const d = durations(key, value);
    if (d) return d[0] === d[1];
    const k = toNumber(key);
    if (k !== undefined && typeof value === 'string') return toNumber(value) === k;
    return typeof value === 'string' && wildcardMatch(value, key);
  }
  if (Array.isArray(key) || isObject(key)) return deepEqual(key, value);
  return false;
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  greaterthan: (a, b) => a > b,
  greaterthanorequals: (a, b) => a >= b,
  lessthan: (a, b) => a < b,
  lessthanorequals: (a, b) => a <= b,
};

function compare(op: string, key: Json, value: Json): boolean {
  const cmp = COMPARATORS[op.toLowerCase()];
  const d = durations(key, value);
  if (d) return cmp(d[0], d[1]);
  const k = toNumber(key);
  const v = toNumber(value);
  return k !== undefined && v !== undefined ? cmp(k, v) : false;
}

function inSet(element: Json, set: Json): boolean {
  if (Array.isArray(set)) return set.some((s) => (typeof s === 'string' && typeof element === 'string' ? wildcardMatch(s, element) : deepEqual(s, element)));
  if (typeof set === 'string' && typeof element === 'string') return wildcardMatch(set, element);
  return false;
}

export function evaluateOperator(operator: string, key: Json, value: Json): boolean {
  const keys = Array.isArray(key) ? key : [key];
  switch (operator.toLowerCase()) {
    case 'equal':
    case 'equals':
      return equals(key, value);
    case 'notequal':
    case 'notequals':
      return !equals(key, value);
    case 'in':
    case 'allin':
      return keys.every((k) => inSet(k, value));
    case 'anyin':
      return keys.some((k) => inSet(k, value));
    case 'notin':
    case 'allnotin':
      return keys.every((k) => !inSet(k, value));
    case 'anynotin':
      return keys.some((k) => !inSet(k, value));
    case 'greaterthan':
    case 'greaterthanorequals':
    case 'lessthan':
    case 'lessthanorequals':
      return compare(operator, key, value);
    case 'durationgreaterthan':
    case 'durationgreaterthanorequals':
    case 'durationlessthan':
    case 'durationlessthanorequals': {
      const seconds = (v: Json) => (typeof v === 'number' ? v : typeof v === 'string' && parseGoDuration(v) !== undefined ? Number(parseGoDuration(v)) / 1e9 : undefined);
      const k = seconds(key);
      const v = seconds(value);
      if (k === undefined || v === undefined) return false;
      return compare(operator.slice('Duration'.length), k, v);
    }
    default:
      throw new Error(`operator ${operator} is not supported`);
  }
}

/**
 * Kyverno's checkAttestations: the predicate is the context, every variable is substituted first (an
 * error fails the check), then each block must hold (`any`: one condition, `all`: every condition).
 */
export function evaluateKyvernoConditions(blocks: KyvernoConditionBlock[], predicate: Json, now: Date): ConditionsOutcome {
  let substituted: KyvernoConditionBlock[];
  try {
    substituted = substituteDeep(blocks, predicate, now) as KyvernoConditionBlock[];
  } catch (err) {
    return { passed: false, error: (err as Error).message, failed: [] };
  }
  const failed: string[] = [];
  let passed = true;
  for (const block of substituted) {
    const results = (conds: KyvernoCondition[]) => conds.map((c) => ({ c, ok: evaluateOperator(c.operator, c.key, c.value) }));
    if (block.all) {
      for (const { c, ok } of results(block.all)) {
        if (!ok) {
          passed = false;
          failed.push(c.message ?? `${JSON.stringify(c.key)} ${c.operator} ${JSON.stringify(c.value)}`);
        }
      }
    }
    if (block.any && block.any.length > 0) {
      const r = results(block.any);
      if (!r.some((x) => x.ok)) {
        passed = false;
        failed.push(...r.map(({ c }) => c.message ?? `${JSON.stringify(c.key)} ${c.operator} ${JSON.stringify(c.value)}`));
      }
    }
  }
  return { passed, failed };
}

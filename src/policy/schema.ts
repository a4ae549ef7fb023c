import type { ErrorObject, ValidateFunction } from 'ajv';

/** schema/policy.schema.json compiled ahead of time (scripts/gen-policy-validator.mjs). */
function compiled(): ValidateFunction {
  return require('./policy-validator.generated') as ValidateFunction;
}

/** `/spec/identities/0/subjectRegExp` -> `spec.identities[0].subjectRegExp` */
function dottedPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}

const ONE_OF_MESSAGES: Record<string, string> = {
  sigstore: "must be 'public-good', 'github' or {trustedRoot: FILE}",
  vulnerabilities: 'must be false or {maxScanAge: DURATION, criticalGrace: DURATION}',
};

function describe(err: ErrorObject): string {
  const path = dottedPath(err.instancePath);
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((err.parentSchema as { properties?: object })?.properties ?? {}).join(', ');
      return `${dottedPath(err.instancePath, String(p.additionalProperty))}: unknown key; allowed here: ${allowed}`;
    }
    case 'required':
      return `${dottedPath(err.instancePath, String(p.missingProperty))}: missing; add it`;
    case 'const':
      return `${path}: must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `${path}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${path}: must be ${p.type === 'array' ? 'a list' : `of type ${String(p.type)}`}`;
    case 'pattern':
      if (/^spec\.images\[/.test(path)) return `${path}: may only hold letters, digits and _ : / * . @ -; use '*' as the wildcard`;
      if (/namespaces\[|^metadata\.name$/.test(path)) return `${path}: must be a DNS label (lowercase letters, digits, '-')`;
      return `${path}: does not match ${String(p.pattern)}`;
    case 'minItems':
    case 'minProperties':
      return `${path}: must not be empty`;
    case 'minLength':
      return `${path}: must not be empty`;
    case 'maxLength':
      return `${path}: longer than ${String(p.limit)} characters`;
    case 'oneOf': {
      const last = err.instancePath.split('/').pop() ?? '';
      if (ONE_OF_MESSAGES[last]) return `${path}: ${ONE_OF_MESSAGES[last]}`;
      if (/identities\/\d+$/.test(err.instancePath)) return `${path}: set exactly one of subject (exact) or subjectRegExp`;
      if (/keys\/\d+$/.test(err.instancePath)) return `${path}: must be a key file path or {path: FILE, requireTlog: true|false}`;
      return `${path}: ${err.message ?? 'is invalid'}`;
    }
    default:
      return `${path}: ${err.message ?? 'is invalid'}`;
  }
}

/** The first schema problem as one phrase naming its path, or undefined when the document is valid. */
export function schemaProblem(doc: unknown): string | undefined {
  const validate = compiled();
  if (validate(doc)) return undefined;
  // Errors from inside a oneOf branch only say why that branch did not fit; the oneOf error itself says it better.
  const errors = (validate.errors ?? []).filter((e) => !e.schemaPath.includes('/oneOf/'));
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  errors.sort((a, b) => depth(b) - depth(a));
  return describe(errors[0] ?? validate.errors![0]);
}

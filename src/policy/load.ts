import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../core/errors';
import { parseJsonDocuments } from '../core/json-documents';
import { FileReadError, READ_CAPS, readTextCapped } from '../core/read-capped';
import { positiveDuration } from './duration';
import { subjectRegExpProblem } from './regexp-check';
import { schemaProblem } from './schema';
import { readPublicKeyPem } from './public-key';
import type { Duration, Policy, PolicyIdentity, PolicyKey, SigstoreInstance } from './types';

const DEFAULT_WINDOW = '168h';
// A policy nests a few levels deep and needs few aliases: far above that is an attack on the parser
// (deep nesting overflows its stack, aliases expand a billion-laughs document exponentially).
const MAX_DEPTH = 64;
const MAX_INDENT = 256;
const MAX_ALIASES = 100;

/** The policy file's raw shape once the schema accepted it. */
interface PolicyDocument {
  metadata: { name: string };
  spec: {
    images: string[];
    exclude?: { namespaces?: string[] };
    mode?: 'enforce' | 'audit';
    sigstore?: 'public-good' | 'github' | { trustedRoot: string };
    identities?: Array<{ issuer: string; subject?: string; subjectRegExp?: string }>;
    keys?: string[];
    require?: {
      signature?: boolean;
      sbom?: boolean;
      vulnerabilities?: false | { maxScanAge?: string; criticalGrace?: string };
    };
  };
}

/** Reads and checks a policy file; every problem is a one-line UserError naming the file and the path inside it. */
export function loadPolicy(path: string): Policy {
  const text = readTextCapped(path, READ_CAPS.policy, { what: 'the policy file', hint: 'check --policy' });
  return parsePolicy(text, path, dirname(resolve(path)));
}

/** Parses policy text; `source` names it in messages, `baseDir` anchors relative key and trusted-root paths. */
export function parsePolicy(text: string, source: string, baseDir: string): Policy {
  const fail = (where: string, what: string): never => {
    throw new UserError(`${source}: ${where}: ${what}`);
  };
  const tooDeep = nestingProblem(text);
  if (tooDeep) fail('YAML', tooDeep);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) fail('YAML', `${doc.errors[0].message.split('\n')[0]}; fix the syntax`);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    fail('YAML', `its aliases expand too far (more than ${MAX_ALIASES} uses, as in a "billion laughs" document); write the values out or use fewer aliases`);
  }
  if (valueDepth(raw) > MAX_DEPTH) fail('YAML', `nests more than ${MAX_DEPTH} levels deep; a policy needs only a few`);
  const problem = schemaProblem(raw);
  if (problem) {
    const cut = problem.indexOf(': ');
    fail(problem.slice(0, cut), problem.slice(cut + 2));
  }
  const { metadata, spec } = raw as PolicyDocument;

  const identities: PolicyIdentity[] = (spec.identities ?? []).map((id, i) => {
    if (id.subjectRegExp !== undefined) {
      const why = subjectRegExpProblem(id.subjectRegExp);
      if (why) fail(`spec.identities[${i}].subjectRegExp`, why);
      return { issuer: id.issuer, subjectRegExp: id.subjectRegExp };
    }
    return { issuer: id.issuer, subject: id.subject! };
  });

  const keys: PolicyKey[] = (spec.keys ?? []).map((keyPath, i) => {
    const text = readReferenced(keyPath, baseDir, READ_CAPS.key, (why) => fail(`spec.keys[${i}]`, why));
    const key = readPublicKeyPem(text, keyPath);
    if ('problem' in key) return fail(`spec.keys[${i}]`, key.problem);
    return { path: keyPath, pem: key.pem, keyId: key.keyId };
  });

  const sigstore = sigstoreInstance(spec.sigstore, baseDir, fail);
  const require = spec.require ?? {};
  const vulnerabilities =
    require.vulnerabilities === false
      ? undefined
      : {
          maxScanAge: duration(require.vulnerabilities?.maxScanAge, 'spec.require.vulnerabilities.maxScanAge', fail),
          criticalGrace: duration(require.vulnerabilities?.criticalGrace, 'spec.require.vulnerabilities.criticalGrace', fail),
        };
  const policy: Policy = {
    name: metadata.name,
    source,
    images: spec.images,
    excludeNamespaces: spec.exclude?.namespaces ?? [],
    mode: spec.mode ?? 'enforce',
    sigstore,
    identities,
    keys,
    require: { signature: require.signature ?? true, sbom: require.sbom ?? true, vulnerabilities },
  };
  const anyRule = policy.require.signature || policy.require.sbom || policy.require.vulnerabilities !== undefined;
  if (anyRule && identities.length === 0 && keys.length === 0) {
    fail('spec', 'no signer is allowed, so nothing could pass; add spec.identities (keyless) or spec.keys (public key files)');
  }
  return policy;
}

/** Before parsing (the parser recurses): flow brackets nested too deep, or lines indented too far. */
function nestingProblem(text: string): string | undefined {
  let depth = 0;
  let indent = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart && c === 0x20) {
      if (++indent > MAX_INDENT) return `a line is indented more than ${MAX_INDENT} columns; a policy nests only a few levels`;
      continue;
    }
    lineStart = false;
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return `brackets nest more than ${MAX_DEPTH} levels deep; a policy needs only a few`;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** Depth of a parsed value, without recursion. */
function valueDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, d);
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return max;
}

function duration(text: string | undefined, where: string, fail: (where: string, what: string) => never): Duration {
  const d = positiveDuration(text ?? DEFAULT_WINDOW);
  if (!d) return fail(where, `'${text}' is not a positive Go duration; write e.g. 168h, 72h or 1h30m (units h, m, s; no d or w)`);
  return d;
}

function readReferenced(file: string, baseDir: string, maxBytes: number, fail: (why: string) => never): string {
  try {
    return readTextCapped(resolve(baseDir, file), maxBytes);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    if (err.code === 'ETOOLARGE') return fail(`'${file}' ${err.reason}; give the file itself`);
    return fail(`cannot read '${file}' (${err.code ?? 'error'}); paths are relative to the policy file`);
  }
}

function sigstoreInstance(
  value: PolicyDocument['spec']['sigstore'],
  baseDir: string,
  fail: (where: string, what: string) => never,
): SigstoreInstance {
  if (value === undefined || value === 'public-good') return { kind: 'public-good' };
  if (value === 'github') return { kind: 'github' };
  const where = 'spec.sigstore.trustedRoot';
  const json = readReferenced(value.trustedRoot, baseDir, READ_CAPS.trustedRoot, (why) => fail(where, why));
  // One trusted_root.json, or the JSON Lines of several that `gh attestation trusted-root` prints.
  const docs = parseJsonDocuments(json);
  if (!docs) {
    return fail(where, `'${value.trustedRoot}' is not JSON; give a Sigstore trusted_root.json (e.g. from 'gh attestation trusted-root')`);
  }
  for (const doc of docs) {
    const mediaType = (doc as { mediaType?: unknown } | null)?.mediaType;
    if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
      return fail(where, `'${value.trustedRoot}' has no Sigstore trusted-root mediaType; give a trusted_root.json (application/vnd.dev.sigstore.trustedroot+json)`);
    }
  }
  return { kind: 'trustedRoot', path: value.trustedRoot, json };
}

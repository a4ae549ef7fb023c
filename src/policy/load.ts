import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../core/errors';
import { fsReason } from '../core/fs-errors';
import { parseJsonDocuments } from '../core/json-documents';
import { positiveDuration } from './duration';
import { subjectRegExpProblem } from './regexp-check';
import { schemaProblem } from './schema';
import { publicKeyId } from './signer';
import type { Duration, ExtensionPins, Policy, PolicyIdentity, PolicyKey, SigstoreInstance } from './types';

const DEFAULT_WINDOW = '168h';

/** The policy file's raw shape once the schema accepted it. */
interface PolicyDocument {
  metadata: { name: string };
  spec: {
    images: string[];
    exclude?: { namespaces?: string[] };
    mode?: 'enforce' | 'audit';
    sigstore?: 'public-good' | 'github' | { trustedRoot: string };
    identities?: Array<{ issuer: string; subject?: string; subjectRegExp?: string; extensions?: ExtensionPins }>;
    keys?: Array<string | { path: string; requireTlog?: boolean }>;
    require?: {
      signature?: boolean;
      sbom?: boolean;
      vulnerabilities?: false | { maxScanAge?: string; criticalGrace?: string };
    };
  };
}

/** Reads and checks a policy file; every problem is a one-line UserError naming the file and the path inside it. */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`${path}: cannot read the policy file (${fsReason(err) ?? 'unreadable'}); check --policy`);
  }
  return parsePolicy(text, path, dirname(resolve(path)));
}

/** Parses policy text; `source` names it in messages, `baseDir` anchors relative key and trusted-root paths. */
export function parsePolicy(text: string, source: string, baseDir: string): Policy {
  const fail = (where: string, what: string): never => {
    throw new UserError(`${source}: ${where}: ${what}`);
  };
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) fail('YAML', `${doc.errors[0].message.split('\n')[0]}; fix the syntax`);
  const raw: unknown = doc.toJS();
  const problem = schemaProblem(raw);
  if (problem) {
    const cut = problem.indexOf(': ');
    fail(problem.slice(0, cut), problem.slice(cut + 2));
  }
  const { metadata, spec } = raw as PolicyDocument;

  const identities: PolicyIdentity[] = (spec.identities ?? []).map((id, i) => {
    const pins = id.extensions ? { extensions: { ...id.extensions } } : {};
    if (id.subjectRegExp !== undefined) {
      const why = subjectRegExpProblem(id.subjectRegExp);
      if (why) fail(`spec.identities[${i}].subjectRegExp`, why);
      return { issuer: id.issuer, subjectRegExp: id.subjectRegExp, ...pins };
    }
    return { issuer: id.issuer, subject: id.subject!, ...pins };
  });

  const keys: PolicyKey[] = (spec.keys ?? []).map((entry, i) => {
    const keyPath = typeof entry === 'string' ? entry : entry.path;
    const requireTlog = typeof entry === 'string' ? false : (entry.requireTlog ?? false);
    const pem = readReferenced(keyPath, baseDir, (why) => fail(`spec.keys[${i}]`, why));
    try {
      return { path: keyPath, pem, keyId: publicKeyId(pem), requireTlog };
    } catch {
      return fail(`spec.keys[${i}]`, `'${keyPath}' is not a PEM public key; give the public half (cosign.pub)`);
    }
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

function duration(text: string | undefined, where: string, fail: (where: string, what: string) => never): Duration {
  const d = positiveDuration(text ?? DEFAULT_WINDOW);
  if (!d) return fail(where, `'${text}' is not a positive Go duration; write e.g. 168h, 72h or 1h30m (units h, m, s; no d or w)`);
  return d;
}

function readReferenced(file: string, baseDir: string, fail: (why: string) => never): string {
  try {
    return readFileSync(resolve(baseDir, file), 'utf8');
  } catch (err) {
    return fail(`cannot read '${file}' (${fsReason(err) ?? 'unreadable'}); paths are relative to the policy file`);
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
  const json = readReferenced(value.trustedRoot, baseDir, (why) => fail(where, why));
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

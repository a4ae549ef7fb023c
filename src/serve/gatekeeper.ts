// Gatekeeper's external data protocol: a ProviderRequest's keys in, one item per key out. Pure.
import { badRequest } from './http-error';
import { admits, objectionable, verdictMessage, type ImageVerdict } from './verdict';
import { EXTERNAL_DATA_API_VERSION, PROVIDER_REQUEST_KIND, PROVIDER_RESPONSE_KIND, type ProviderItem, type ProviderResponse } from './wire';

/** More keys than this in one request is refused (Gatekeeper sends one object's images). */
export const MAX_KEYS = 1000;
const MAX_KEY_LENGTH = 4096;

/** The keys of a parsed ProviderRequest body; anything else is a 400 with one line. */
export function parseProviderRequest(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body is not a ProviderRequest object');
  const { apiVersion, kind, request } = body as Record<string, unknown>;
  if (apiVersion !== EXTERNAL_DATA_API_VERSION) throw badRequest(`apiVersion must be ${EXTERNAL_DATA_API_VERSION}, got ${describe(apiVersion)}`);
  if (kind !== PROVIDER_REQUEST_KIND) throw badRequest(`kind must be ${PROVIDER_REQUEST_KIND}, got ${describe(kind)}`);
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw badRequest('request is missing or not an object');
  const keys = (request as Record<string, unknown>).keys;
  // Go marshals an empty or nil key list away (omitempty): no keys is an empty request, not an error.
  if (keys === undefined || keys === null) return [];
  if (!Array.isArray(keys)) throw badRequest('request.keys is not a list of image references');
  if (keys.length > MAX_KEYS) throw badRequest(`request.keys has ${keys.length} keys, more than ${MAX_KEYS}`);
  keys.forEach((k: unknown, i) => {
    if (typeof k !== 'string' || k === '') throw badRequest(`request.keys[${i}] is not an image reference string`);
    if (k.length > MAX_KEY_LENGTH) throw badRequest(`request.keys[${i}] is longer than ${MAX_KEY_LENGTH} characters`);
  });
  return keys as string[];
}

/**
 * One item per key, in the request's order. A verdict goes in `value`; a key that could not be
 * verified gets `error`, which the rendered ConstraintTemplate turns into a violation: fail
 * closed. Audit for Gatekeeper is the Constraint's `enforcementAction: warn`, so an error stays an
 * error; `--audit` only sets `allowed: true` on failed verdicts.
 */
export function providerResponse(keys: readonly string[], verdicts: ReadonlyMap<string, ImageVerdict>, audit: boolean): ProviderResponse {
  const items = keys.map((key): ProviderItem => {
    const verdict = verdicts.get(key);
    if (!verdict) return { key, error: `${key}: no verdict (internal error), denied (fail closed)` };
    if (verdict.kind === 'error') return { key, error: verdictMessage(verdict, false) };
    return {
      key,
      value: {
        image: key,
        ...(verdict.kind === 'verified' ? { digest: verdict.digest, ...(verdict.resolvedFromTag ? { resolvedFromTag: verdict.resolvedFromTag } : {}) } : {}),
        allowed: admits(verdict, audit),
        passed: !objectionable(verdict),
        rules: verdict.kind === 'verified' ? verdict.rules.map((r) => ({ rule: r.rule, passed: r.passed, reason: r.reason })) : [],
        message: verdictMessage(verdict, audit),
      },
    };
  });
  return { apiVersion: EXTERNAL_DATA_API_VERSION, kind: PROVIDER_RESPONSE_KIND, response: { idempotent: true, items } };
}

/** The provider could not answer at all. */
export function providerSystemError(message: string): ProviderResponse {
  return { apiVersion: EXTERNAL_DATA_API_VERSION, kind: PROVIDER_RESPONSE_KIND, response: { systemError: message } };
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  return typeof v === 'string' ? `'${v.slice(0, 100)}'` : typeof v;
}

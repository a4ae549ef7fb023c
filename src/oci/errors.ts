import { UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';
import { ConflictError, NotFoundError } from './store';

/** One entry of the distribution error body `{"errors":[{code,message,detail}]}`. */
export interface DistributionErrorEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

/** What was being done, for messages: `registry 127.0.0.1:5000: PUT manifest acme/api:latest failed: ...`. */
export interface RegistryOperation {
  registry: string;
  /** e.g. `PUT manifest acme/api:latest`, `GET blob acme/api@sha256:...` */
  operation: string;
  /** Token scopes the operation needed (named in 401/403 errors). */
  scopes?: string[];
  /** Which credentials were used, e.g. `credentials from ~/.docker/config.json` or `no credentials found`. */
  authHint?: string;
}

// What a registry says is untrusted text: each part it sent is made inert (secrets masked before
// anything is cut) and capped here; whole messages are made inert again where they are printed.
const MAX_DETAIL_CHARS = 300;
const MAX_PLAIN_BODY_CHARS = 200;
const MAX_CODE_CHARS = 64;
const MAX_ENTRIES = 5;
// For answers without a body (HEAD): the status alone says little.
const STATUS_WORDS: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'DENIED', 404: 'NOT FOUND', 405: 'UNSUPPORTED', 429: 'TOOMANYREQUESTS' };

/** A registry answered with an error status, or broke the protocol (bad digest, oversized body). */
export class RegistryError extends Error {
  readonly status?: number;
  readonly codes: string[];
  constructor(message: string, status?: number, codes: string[] = []) {
    super(message);
    this.name = 'RegistryError';
    this.status = status;
    this.codes = codes;
  }
}

/** Credentials were missing, wrong, or do not grant the operation (401/403). Exit code 2. */
export class RegistryAuthError extends UserError {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.name = 'RegistryAuthError';
    this.status = status;
  }
}

/** The server sent more than we accept for this kind of body. */
export class ResponseTooLargeError extends RegistryError {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseTooLargeError';
  }
}

/** The bytes received do not hash to the digest asked for (or announced). */
export class DigestMismatchError extends RegistryError {
  constructor(message: string) {
    super(message);
    this.name = 'DigestMismatchError';
  }
}

export function parseDistributionErrors(body: Buffer | string | undefined): DistributionErrorEntry[] {
  if (!body || body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString()) as { errors?: unknown };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string')
      .map((e) => ({
        code: inertText(e.code, { max: MAX_CODE_CHARS }),
        message: typeof e.message === 'string' ? inertText(e.message, { max: MAX_DETAIL_CHARS }) : undefined,
        detail: e.detail,
      }));
  } catch {
    return [];
  }
}

/** `400 MANIFEST_INVALID: manifest invalid (detail)`, or the status and a clip of a non-JSON body. */
export function describeStatus(status: number, body: Buffer | undefined): string {
  const entries = parseDistributionErrors(body);
  if (entries.length === 0) {
    const text = body ? inertText(body.subarray(0, 64 * 1024).toString('utf8'), { max: MAX_PLAIN_BODY_CHARS }) : '';
    return text ? `${status}: ${text}` : `${status}${STATUS_WORDS[status] ? ` ${STATUS_WORDS[status]}` : ''}`;
  }
  const parts = entries.slice(0, MAX_ENTRIES).map((e) => {
    let s = e.code;
    if (e.message) s += `: ${e.message}`;
    const detail = detailText(e.detail);
    if (detail) s += ` (${detail})`;
    return s;
  });
  const more = entries.length > MAX_ENTRIES ? `; and ${entries.length - MAX_ENTRIES} more` : '';
  return `${status} ${parts.join('; ')}${more}`;
}

/** Map a failed response to the error the rest of the code expects (404 → NotFoundError, 412 → ConflictError). */
export function errorForStatus(op: RegistryOperation, status: number, body: Buffer | undefined): Error {
  const message = `${failurePrefix(op)}: ${describeStatus(status, body)}`;
  if (status === 404) return new NotFoundError(message);
  if (status === 412) return new ConflictError(message);
  if (status === 401 || status === 403) {
    const used = op.authHint ? ` (${op.authHint})` : '';
    const needs = op.scopes && op.scopes.length > 0 ? ` grant ${op.scopes.join(' and ')}` : ' grant this operation';
    return new RegistryAuthError(`${message}${used}; check the credentials for ${op.registry} and that they${needs}`, status);
  }
  return new RegistryError(message, status, parseDistributionErrors(body).map((e) => e.code));
}

export function failurePrefix(op: RegistryOperation): string {
  return `registry ${op.registry}: ${op.operation} failed`;
}

function detailText(detail: unknown): string {
  if (detail === undefined || detail === null || detail === '') return '';
  return inertText(typeof detail === 'string' ? detail : JSON.stringify(detail), { max: MAX_DETAIL_CHARS });
}

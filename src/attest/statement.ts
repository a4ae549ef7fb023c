import { UserError } from '../core/errors';

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

/** Predicates above this size are refused: registries and admission engines cap bundle layers near it. */
export const MAX_PREDICATE_BYTES = 16 * 1024 * 1024;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An in-toto ResourceDescriptor naming what a statement is about. */
export interface Subject {
  name: string;
  digest: { sha256: string };
  annotations?: Record<string, string>;
}

/** An in-toto v1 statement. */
export interface Statement<P extends object = JsonObject> {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: Subject[];
  predicateType: string;
  predicate: P;
}

/** The image (or any artifact) a statement is about: its name and `sha256:<hex>` digest. */
export interface SubjectInput {
  name: string;
  digest: string;
  annotations?: Record<string, string>;
}

const SHA256_DIGEST = /^sha256:([a-f0-9]{64})$/;

export function toSubject(input: SubjectInput): Subject {
  const match = SHA256_DIGEST.exec(input.digest);
  if (!match) throw new UserError(`subject digest '${input.digest}' is not sha256:<64 hex>; pass the image manifest digest`);
  if (!input.name) throw new UserError('subject name is empty; pass the image repository name');
  const subject: Subject = { name: input.name, digest: { sha256: match[1] as string } };
  if (input.annotations && Object.keys(input.annotations).length > 0) subject.annotations = { ...input.annotations };
  return subject;
}

/** Build a statement, refusing predicates over {@link MAX_PREDICATE_BYTES} once serialized. */
export function makeStatement<P extends object>(subjects: SubjectInput | SubjectInput[], predicateType: string, predicate: P): Statement<P> {
  const list = Array.isArray(subjects) ? subjects : [subjects];
  if (list.length === 0) throw new UserError('a statement needs at least one subject; pass the image digest');
  const size = Buffer.byteLength(JSON.stringify(predicate));
  if (size > MAX_PREDICATE_BYTES) {
    throw new UserError(
      `the ${predicateType} predicate is ${size} bytes, over the ${MAX_PREDICATE_BYTES}-byte limit; shrink it (e.g. drop SBOM components or scan details) before attesting`,
    );
  }
  return { _type: IN_TOTO_STATEMENT_V1, subject: list.map(toSubject), predicateType, predicate };
}

/** The exact bytes that get signed (DSSE payload). */
export function serializeStatement(statement: Statement<object>): Buffer {
  return Buffer.from(JSON.stringify(statement), 'utf8');
}

/** Parse a DSSE payload back into a statement, checking its shape. */
export function parseStatement(payload: Buffer | string): Statement<JsonObject> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(payload) ? payload.toString('utf8') : payload);
  } catch {
    throw new Error('payload is not JSON');
  }
  const s = parsed as Partial<Statement<JsonObject>>;
  if (
    !s ||
    typeof s !== 'object' ||
    s._type !== IN_TOTO_STATEMENT_V1 ||
    !Array.isArray(s.subject) ||
    typeof s.predicateType !== 'string' ||
    typeof s.predicate !== 'object' ||
    s.predicate === null
  ) {
    throw new Error(`payload is not an in-toto v1 statement`);
  }
  return s as Statement<JsonObject>;
}

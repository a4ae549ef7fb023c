// A request body read whole, up to a cap: an oversized body is refused (413) before it is all in
// memory, by its Content-Length when it has one, else as soon as the count passes the cap.
import type { IncomingMessage } from 'node:http';
import { formatBytes } from '../core/read-capped';
import { badRequest, HttpError } from './http-error';

/** An AdmissionReview carries the object and the old one; etcd keeps objects under 1.5 MiB each. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = () => new HttpError(413, `the request body is larger than ${formatBytes(maxBytes)}; refused`);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) throw new HttpError(415, `the content type is ${type.slice(0, 100)}, not application/json`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) throw badRequest('the request body is empty; send a JSON document');
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown;
  } catch (err) {
    throw badRequest(`the request body is not JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}

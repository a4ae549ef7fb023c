import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { readJsonBody } from './body';
import { HttpError } from './http-error';

const request = (chunks: string[], headers: Record<string, string> = {}): IncomingMessage => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers }) as unknown as IncomingMessage;

async function status(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    return [(err as HttpError).status, (err as HttpError).message];
  }
  throw new Error('no error');
}

describe('readJsonBody', () => {
  test('parses JSON up to the cap', async () => {
    expect(await readJsonBody(request(['{"a":', '1}'], { 'content-type': 'application/json; charset=utf-8' }), 16)).toEqual({ a: 1 });
  });

  test('413 by Content-Length before reading, and by count without one (chunked)', async () => {
    expect(await status(readJsonBody(request([], { 'content-length': '17' }), 16))).toEqual([413, 'the request body is larger than 16 bytes; refused']);
    expect(await status(readJsonBody(request(['{"a":"', 'x'.repeat(20), '"}']), 16))).toEqual([413, 'the request body is larger than 16 bytes; refused']);
  });

  test('400 for an empty body or one that is not JSON; 415 for another content type', async () => {
    expect(await status(readJsonBody(request([]), 16))).toEqual([400, 'the request body is empty; send a JSON document']);
    expect((await status(readJsonBody(request(['{x']), 16)))[0]).toBe(400);
    expect(await status(readJsonBody(request(['{}'], { 'content-type': 'text/yaml' }), 16))).toEqual([415, 'the content type is text/yaml, not application/json']);
  });
});

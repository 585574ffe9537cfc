import type { HttpRequest } from './http-types';
import { ValidationError } from '../../domain/errors';

/** Bytes read and thrown away after the limit, so the client sees the 4xx instead of a reset connection. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * The request body as UTF-8 text, refused past `limit` bytes. Read here rather than by a global
 * text parser, so the limit belongs to the endpoint and a host application's parsers are not needed.
 */
export async function readTextBody(req: HttpRequest, limit: number): Promise<string> {
  // A host application may already have parsed text bodies.
  if (typeof req.body === 'string') return checked(Buffer.byteLength(req.body), limit, req.body);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (size > DRAIN_LIMIT) {
      req.destroy();
      break;
    }
  }
  return checked(size, limit, () => Buffer.concat(chunks).toString('utf8'));
}

function checked(size: number, limit: number, text: string | (() => string)): string {
  if (size > limit) {
    throw new ValidationError(`the request body has ${size} bytes or more; at most ${limit} are accepted (nothing was written)`);
  }
  return typeof text === 'string' ? text : text();
}

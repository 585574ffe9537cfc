import type { IncomingMessage } from 'node:http';
import { ValidationError } from '../../application/errors';

/** Bytes read and thrown away after the limit, so the client sees the 4xx instead of a reset connection. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * The request body as bytes, refused past `limit`. Read here rather than by a global parser so
 * the limit belongs to the endpoint and DICOM media types need no parser of the host application.
 */
export async function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.body)) return checked(req.body.length, limit, req.body);
  if (typeof req.body === 'string') return checked(Buffer.byteLength(req.body), limit, Buffer.from(req.body));
  if (req.body !== undefined && typeof req.body === 'object' && req.readableEnded) return Buffer.from(JSON.stringify(req.body));
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
  return checked(size, limit, Buffer.concat(chunks));
}

function checked(size: number, limit: number, body: Buffer): Buffer {
  if (size > limit) throw new ValidationError(`the request body has ${size} bytes or more; at most ${limit} are accepted (nothing was written)`);
  return body;
}

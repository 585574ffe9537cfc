import type { IncomingMessage } from 'node:http';

/** Bytes read and thrown away after the limit, so the client sees the 4xx instead of a reset connection. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * The request body as bytes, refused past `limit` with the service's own error (`tooLarge`). Read
 * by the endpoint rather than a global parser, so the limit belongs to the endpoint and DICOM or
 * text media types need no parser in a host application; a body a host already parsed is used as is
 * (the bytes it read when it kept them, which jsonBodyReader does).
 */
export async function readRequestBody(
  req: IncomingMessage & { body?: unknown; rawBody?: unknown },
  limit: number,
  tooLarge: (message: string) => Error,
): Promise<Buffer> {
  const refuse = (size: number): Error => tooLarge(`the request body has ${size} bytes or more; at most ${limit} are accepted (nothing was written)`);
  if (Buffer.isBuffer(req.rawBody)) {
    if (req.rawBody.length > limit) throw refuse(req.rawBody.length);
    return req.rawBody;
  }
  const parsed = req.body;
  if (Buffer.isBuffer(parsed) || typeof parsed === 'string') {
    const bytes = Buffer.isBuffer(parsed) ? parsed : Buffer.from(parsed);
    if (bytes.length > limit) throw refuse(bytes.length);
    return bytes;
  }
  if (parsed !== undefined && typeof parsed === 'object' && req.readableEnded) return Buffer.from(JSON.stringify(parsed));
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
  if (size > limit) throw refuse(size);
  return Buffer.concat(chunks);
}

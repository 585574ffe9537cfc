import type { IncomingMessage } from 'node:http';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH, readRequestBody, tooDeepError } from '@dicom-router/service-runtime';
import { ValidationError } from '../../application/errors';

/**
 * The request body as bytes, refused past `limit` with a 400 that says so. A JSON body (DICOM JSON
 * included) nested past MAX_JSON_DEPTH is refused here as the shared JSON reader refuses it: this
 * service reads its bodies itself, and the item checks walk the value recursively.
 */
export async function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer> {
  const bytes = await readRequestBody(req, limit, (message) => new ValidationError(message));
  if (isJson(req.headers['content-type']) && jsonNestsDeeperThan(bytes, MAX_JSON_DEPTH)) throw tooDeepError();
  return bytes;
}

/** application/json and every +json type (application/dicom+json). */
function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

import type { IncomingMessage } from 'node:http';
import { readRequestBody } from '@dicom-router/service-runtime';
import { ValidationError } from '../../application/errors';

/** The request body as bytes, refused past `limit` with a 400 that says so. */
export function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<Buffer> {
  return readRequestBody(req, limit, (message) => new ValidationError(message));
}

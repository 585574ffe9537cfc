import { readRequestBody } from '@dicom-router/service-runtime';
import type { HttpRequest } from './http-types';
import { ValidationError } from '../../domain/errors';

/** The request body as UTF-8 text, refused past `limit` bytes with a 400 that says so. */
export async function readTextBody(req: HttpRequest, limit: number): Promise<string> {
  return (await readRequestBody(req, limit, (message) => new ValidationError(message))).toString('utf8');
}

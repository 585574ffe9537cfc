import { HttpException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestError } from './invalid-request';
import { readRequestBody } from './request-body';

/**
 * Arrays and objects inside one another that a JSON body may hold. What the APIs take is shallow (an
 * association is 4 levels; a DICOM JSON worklist item 3 per sequence level, so sequences nested five
 * deep need 16); past this, recursive code that walks the value, down to JSON.stringify, can run
 * out of stack and answer 500 instead of 400.
 */
export const MAX_JSON_DEPTH = 64;

/** Bytes of a JSON body, as Express's JSON parser had it: an association or a filter is a few KB. */
export const JSON_BODY_LIMIT = 100 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * True when UTF-8 JSON text nests arrays and objects more than `maxDepth` deep. One pass over the
 * bytes with a counter, before anything is parsed; strings are skipped (a multi-byte UTF-8 sequence
 * never holds an ASCII byte). Text that is not JSON may give any answer: the parser refuses it next.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (OPEN.has(byte)) {
      if (++depth > maxDepth) return true;
    } else if (CLOSE.has(byte)) depth--;
  }
  return false;
}

/** The 400 for a body nested too deep, the same wherever JSON is read. */
export function tooDeepError(maxDepth = MAX_JSON_DEPTH): HttpException {
  return requestError(400, `the JSON body nests arrays and objects more than ${maxDepth} levels deep, which no endpoint takes; nothing was done`);
}

export interface JsonBodyOptions {
  readonly limit?: number;
  readonly maxDepth?: number;
}

type JsonRequest = IncomingMessage & { body?: unknown; rawBody?: Buffer };
type Next = (error?: unknown) => void;

/**
 * Express middleware that reads `application/json` bodies into `req.body`, keeping the bytes in
 * `req.rawBody` (so an endpoint that wants bytes never serialises the value again). Every refusal is
 * an ErrorBody: 413 past `limit`, 415 for a charset other than UTF-8 or a compressed body, 400 for
 * JSON nested past `maxDepth` (checked before parsing) or not JSON at all. Other media types pass
 * untouched, for endpoints that read their own bodies (text, DICOM, ZIP).
 */
export function jsonBodyReader(options: JsonBodyOptions = {}): (req: JsonRequest, res: ServerResponse, next: Next) => void {
  const limit = options.limit ?? JSON_BODY_LIMIT;
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  return (req, _res, next) => {
    if (!isJson(req.headers['content-type']) || !hasBody(req)) return next();
    readJson(req, limit, maxDepth).then(() => next(), next);
  };
}

async function readJson(req: JsonRequest, limit: number, maxDepth: number): Promise<void> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw requestError(415, `send JSON in UTF-8 (the body says charset=${charset})`);
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') throw requestError(415, `send the JSON body uncompressed (Content-Encoding: ${encoding} is not read)`);
  let bytes: Buffer;
  try {
    bytes = await readRequestBody(req, limit, (message) => requestError(413, message));
  } catch (error) {
    if (error instanceof HttpException) throw error;
    throw requestError(400, `the request body could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  req.rawBody = bytes;
  if (bytes.length === 0) return;
  if (jsonNestsDeeperThan(bytes, maxDepth)) throw tooDeepError(maxDepth);
  try {
    req.body = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw requestError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** RFC 9112 §6.3: a request has a body when it says how long it is, or that it is chunked. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

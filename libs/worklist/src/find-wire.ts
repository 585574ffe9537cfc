import type { DicomJson } from './dicom-json';
import type { WorklistFindMessage, WorklistFindRequest } from './find-port';

/**
 * The messages of a worklist find over NATS (subjects in @dicom-router/contracts COMMAND_SUBJECTS):
 * a request, a stream of replies, and control messages. Credit-based flow control keeps a slow
 * modality from making the responder buffer every match: the responder sends at most the credit
 * granted, and the requester grants more as it hands matches to the socket.
 */
export interface FindRequestWire extends WorklistFindRequest {
  v: 1;
  /** Unique per query; the control subject is `<worklistFindControl>.<queryId>`. */
  queryId: string;
  /** Matches the responder may send before it waits for more credit. */
  credit: number;
}

export type FindReplyWire = WorklistFindMessage;

export type FindControlWire = { kind: 'credit'; n: number } | { kind: 'cancel' };

export function encodeWire(message: FindRequestWire | FindReplyWire | FindControlWire): Uint8Array {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

function parse(data: Uint8Array): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
  return value as Record<string, unknown>;
}

export function decodeFindRequest(data: Uint8Array): FindRequestWire {
  const m = parse(data);
  if (m['v'] !== 1) throw new Error(`unsupported find request version ${String(m['v'])}`);
  if (typeof m['queryId'] !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(m['queryId'])) throw new Error('queryId must be 1-64 letters, digits or hyphens');
  if (typeof m['identifier'] !== 'object' || m['identifier'] === null) throw new Error('identifier must be a DICOM JSON object');
  const credit = Number(m['credit']);
  return {
    v: 1,
    queryId: m['queryId'],
    credit: Number.isInteger(credit) && credit > 0 ? credit : 1,
    identifier: m['identifier'] as DicomJson,
    associationId: String(m['associationId'] ?? ''),
    callingAet: String(m['callingAet'] ?? ''),
    calledAet: String(m['calledAet'] ?? ''),
  };
}

export function decodeFindReply(data: Uint8Array): FindReplyWire {
  const m = parse(data);
  if (m['kind'] === 'match' && typeof m['identifier'] === 'object' && typeof m['status'] === 'number') {
    return { kind: 'match', identifier: m['identifier'] as DicomJson, status: m['status'] };
  }
  if (m['kind'] === 'done' && typeof m['status'] === 'number') {
    return { kind: 'done', status: m['status'], matchCount: Number(m['matchCount'] ?? 0), ...(typeof m['errorComment'] === 'string' ? { errorComment: m['errorComment'] } : {}) };
  }
  throw new Error('not a find reply');
}

export function decodeFindControl(data: Uint8Array): FindControlWire {
  const m = parse(data);
  if (m['kind'] === 'cancel') return { kind: 'cancel' };
  if (m['kind'] === 'credit' && Number.isInteger(m['n']) && (m['n'] as number) > 0) return { kind: 'credit', n: m['n'] as number };
  throw new Error('not a find control message');
}

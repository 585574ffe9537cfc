/**
 * Payloads of `dicom.commands.association.negotiate.v1` (core NATS request/reply, JSON) and of
 * `dicom.notices.registry.changed.v1`. The gateway sends what it received in an A-ASSOCIATE-RQ
 * (PS3.8 §9.3.2) plus the listener's AE title settings; association-registry answers with the
 * A-ASSOCIATE-AC presentation context results (PS3.8 §9.3.3.2) or the A-ASSOCIATE-RJ fields
 * (PS3.8 §9.3.4, Table 9-21), decided by the rules of docs/architecture.md §4.
 */

/** The queue group registry replicas answer negotiation requests in: one answer per request. */
export const NEGOTIATION_QUEUE_GROUP = 'association-registry';

export interface NegotiatedPresentationContextProposalV1 {
  /** Presentation context id, odd 1..255. */
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

export interface NegotiateAssociationRequestV1 {
  callingAet: string;
  calledAet: string;
  applicationContextName: string;
  peer: { address: string; port: number };
  presentationContexts: NegotiatedPresentationContextProposalV1[];
  /** The listener that received the request, with its LocalAET/RemoteAET settings as configured. */
  listener: { name: string; localAet: string; remoteAets: string[] };
}

export interface NegotiatedPresentationContextResultV1 {
  id: number;
  /** PS3.8 Table 9-18: 0 acceptance, 3 abstract syntax not supported, 4 transfer syntaxes not supported. */
  result: number;
  /** The chosen transfer syntax on acceptance, '' otherwise. */
  transferSyntax: string;
}

export type NegotiateAssociationReplyV1 =
  | {
      outcome: 'accept';
      /** The calling AET the association was found under (after a RemoteAET substitution). */
      effectiveCallingAet: string;
      presentationContexts: NegotiatedPresentationContextResultV1[];
    }
  | {
      outcome: 'reject';
      /** PS3.8 Table 9-21. */
      result: number;
      source: number;
      reason: number;
      /** For logs and events, never sent on the wire. */
      explanation: string;
    }
  /** The request was malformed or the registry failed; the gateway treats it like no answer. */
  | { outcome: 'error'; message: string };

export type RegistryChangeV1 = 'created' | 'updated' | 'deleted';

export interface RegistryChangedNoticeV1 {
  change: RegistryChangeV1;
  callingAet: string;
  calledAet: string;
  /** ISO 8601, when the change was committed. */
  at: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => v !== null && typeof v === 'object' && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isInteger = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Checks the shape of a request received from the bus; every problem is listed. */
export function parseNegotiateAssociationRequest(input: unknown): Parsed<NegotiateAssociationRequestV1> {
  const problems: string[] = [];
  if (!isObject(input)) return { ok: false, problems: ['the request must be a JSON object'] };
  for (const field of ['callingAet', 'calledAet', 'applicationContextName'] as const) {
    if (!isString(input[field])) problems.push(`${field} must be a string`);
  }
  const peer = input['peer'];
  if (!isObject(peer) || !isString(peer['address']) || !isInteger(peer['port'], 0, 65535)) {
    problems.push('peer must be { address: string, port: 0..65535 }');
  }
  const contexts = input['presentationContexts'];
  if (!Array.isArray(contexts)) {
    problems.push('presentationContexts must be an array');
  } else {
    contexts.forEach((pc: unknown, i) => {
      if (!isObject(pc) || !isInteger(pc['id'], 1, 255) || !isString(pc['abstractSyntax']) || !isStringArray(pc['transferSyntaxes'])) {
        problems.push(`presentationContexts[${i}] must be { id: 1..255, abstractSyntax: string, transferSyntaxes: string[] }`);
      }
    });
  }
  const listener = input['listener'];
  if (!isObject(listener) || !isString(listener['name']) || !isString(listener['localAet']) || !isStringArray(listener['remoteAets'])) {
    problems.push('listener must be { name: string, localAet: string, remoteAets: string[] }');
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: input as unknown as NegotiateAssociationRequestV1 };
}

/** Checks the shape of a reply received from the bus. */
export function parseNegotiateAssociationReply(input: unknown): Parsed<NegotiateAssociationReplyV1> {
  if (!isObject(input)) return { ok: false, problems: ['the reply must be a JSON object'] };
  switch (input['outcome']) {
    case 'accept': {
      const contexts = input['presentationContexts'];
      const valid =
        isString(input['effectiveCallingAet']) &&
        Array.isArray(contexts) &&
        contexts.every((pc: unknown) => isObject(pc) && isInteger(pc['id'], 1, 255) && isInteger(pc['result'], 0, 4) && isString(pc['transferSyntax']));
      return valid
        ? { ok: true, value: input as unknown as NegotiateAssociationReplyV1 }
        : { ok: false, problems: ['an accept needs effectiveCallingAet and presentationContexts [{ id, result 0..4, transferSyntax }]'] };
    }
    case 'reject': {
      const valid = isInteger(input['result'], 1, 2) && isInteger(input['source'], 1, 3) && isInteger(input['reason'], 1, 7) && isString(input['explanation']);
      return valid
        ? { ok: true, value: input as unknown as NegotiateAssociationReplyV1 }
        : { ok: false, problems: ['a reject needs result 1..2, source 1..3, reason 1..7 and explanation (PS3.8 Table 9-21)'] };
    }
    case 'error':
      return isString(input['message']) ? { ok: true, value: input as unknown as NegotiateAssociationReplyV1 } : { ok: false, problems: ['an error needs a message'] };
    default:
      return { ok: false, problems: ['outcome must be accept, reject or error'] };
  }
}

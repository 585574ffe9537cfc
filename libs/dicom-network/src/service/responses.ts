import { DimseCommand } from '../dimse';

type Request = Extract<DimseCommand, { commandField: 'C-ECHO-RQ' | 'C-STORE-RQ' | 'C-FIND-RQ' }>;

/** PS3.7 Annex C: an Error Comment is LO, at most 64 characters. */
const MAX_ERROR_COMMENT = 64;

/**
 * The response to a request, with the fields PS3.7 §9.3 says must mirror it: Message ID Being
 * Responded To, Affected SOP Class UID and, for C-STORE, Affected SOP Instance UID.
 */
export function responseFor(
  request: DimseCommand,
  status: number,
  comment: string | undefined,
  hasDataSet: boolean,
): DimseCommand {
  const rq = request as Request;
  const common = {
    messageIdBeingRespondedTo: rq.messageId,
    // PS3.7 Tables 9.3-2/4/13: optional in a response; a UID the peer sent malformed is left out
    // rather than echoed, so the failure status still reaches the peer.
    ...(isUid(rq.affectedSopClassUid) ? { affectedSopClassUid: rq.affectedSopClassUid } : {}),
    status,
    hasDataSet,
    ...(comment ? { errorComment: truncateComment(comment) } : {}),
  };
  switch (rq.commandField) {
    case 'C-ECHO-RQ':
      return { commandField: 'C-ECHO-RSP', ...common };
    case 'C-STORE-RQ':
      return {
        commandField: 'C-STORE-RSP',
        ...common,
        ...(isUid(rq.affectedSopInstanceUid) ? { affectedSopInstanceUid: rq.affectedSopInstanceUid } : {}),
      };
    case 'C-FIND-RQ':
      return { commandField: 'C-FIND-RSP', ...common };
  }
}

/** PS3.5 §9.1 character set and length; enough to know the encoder will take it. */
function isUid(value: string | undefined): value is string {
  return value !== undefined && value.length > 0 && value.length <= 64 && /^[0-9.]+$/.test(value);
}

/** Error Comments go to a peer: keep them short, single-line and in the default repertoire. */
export function truncateComment(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, ' ').replace(/\\/g, '/');
  return printable.length <= MAX_ERROR_COMMENT ? printable : `${printable.slice(0, MAX_ERROR_COMMENT - 1)}~`;
}

export function errorComment(error: unknown): string {
  return truncateComment(error instanceof Error ? error.message : String(error));
}

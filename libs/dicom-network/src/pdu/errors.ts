import type { AbortReasonCode } from './types';

/**
 * Bytes received from a peer that do not form a valid PDU.
 * PS3.8 §9.2 (Evt19, "unrecognized or invalid PDU received") and Table 9-26: the Upper Layer answers
 * such input with an A-ABORT, so every failure names the reason/diag. that A-ABORT carries.
 */
export class PduDecodeError extends Error {
  override readonly name = 'PduDecodeError';

  constructor(
    message: string,
    readonly abortReason: AbortReasonCode,
  ) {
    super(message);
  }
}

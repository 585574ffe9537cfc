/**
 * Why an identifier or item was refused. `malformed`: the bytes are not a data set (PS3.4
 * C.4.1.1.4 "Unable to process", C000H); `invalid`: a well-formed data set that is not a valid
 * worklist identifier (A900H, "Identifier does not match SOP Class").
 */
export class IdentifierError extends Error {
  constructor(
    readonly kind: 'malformed' | 'invalid',
    message: string,
    /** The offending attribute, `(gggg,eeee) Keyword`, when there is one. */
    readonly attribute?: string,
  ) {
    super(message);
    this.name = 'IdentifierError';
  }
}

/** A worklist item that cannot be stored; `attribute` names the offending one. */
export class InvalidItemError extends Error {
  constructor(
    message: string,
    readonly attribute?: string,
  ) {
    super(message);
    this.name = 'InvalidItemError';
  }
}

/**
 * Errors of the DIMSE layer. Both mean the peer broke PS3.7/PS3.8 in a way that leaves the
 * message stream in an unknown state: no response can be matched to it, so the caller aborts
 * the association.
 */

/** Base class, so that callers can catch everything this layer throws about peer input. */
export class DimseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command set whose bytes cannot be read as one of the messages of PS3.7 §9.3. */
export class DimseDecodeError extends DimseError {}

/** Fragments that break the encapsulation rules of PS3.8 Annex E.1. */
export class DimseProtocolError extends DimseError {}

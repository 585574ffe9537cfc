/**
 * Cuts a TCP byte stream into whole PDUs (PS3.8 §9.3.1: a 6-byte header whose PDU-length counts the
 * bytes after it). Limits are enforced from the header alone, so a hostile length is refused before
 * a single byte of its body is accumulated.
 */
import { PduDecodeError } from './errors';
import { AbortReason, MAX_ASSOCIATE_PDU_LENGTH, PDU_HEADER_LENGTH, PduType } from './types';

/** No PDU is ever accumulated beyond this, whatever the configured limits say. */
export const PDU_HARD_CAP = 64 * 1024 * 1024;

/** PS3.8 Tables 9-21, 9-24, 9-25, 9-26: these PDUs have a PDU-length of exactly 4. */
const FIXED_LENGTH_TYPES: ReadonlySet<number> = new Set([
  PduType.AssociateRj,
  PduType.ReleaseRq,
  PduType.ReleaseRp,
  PduType.Abort,
]);
const FIXED_PDU_LENGTH = 4;

export interface PduFramerLimits {
  /** Largest PDU-length accepted for an A-ASSOCIATE-RQ/AC; defaults to MAX_ASSOCIATE_PDU_LENGTH. */
  maxAssociatePduLength?: number;
  /**
   * Largest PDU-length accepted for a P-DATA-TF: the Maximum Length we advertised (51H).
   * PS3.8 Annex D.1: that value bounds the PDU-length field itself (the variable field, header
   * excluded), so it is passed as advertised. 0 means "no maximum" and falls back to PDU_HARD_CAP.
   */
  maxPDataPduLength: number;
}

export interface FramedPdu {
  /** The PDU-type byte. */
  type: number;
  /**
   * Header and body of exactly one PDU. A P-DATA-TF that spans several reads comes as views of
   * them, in order (decodePDataTfPieces reads it so): a data set is never copied on its way in.
   * Any other PDU is one Buffer, a view when it arrived in one read.
   */
  pieces: Buffer[];
}

interface PendingHeader {
  type: number;
  total: number;
}

/**
 * Incremental framer. After it throws, the stream is out of step and the association must be
 * aborted; the framer is not meant to be used again.
 */
export class PduFramer {
  private readonly maxAssociateLength: number;
  private readonly maxPDataLength: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: PendingHeader | null = null;

  constructor(limits: PduFramerLimits) {
    this.maxAssociateLength = capped(limits.maxAssociatePduLength ?? MAX_ASSOCIATE_PDU_LENGTH);
    this.maxPDataLength = capped(limits.maxPDataPduLength);
  }

  /** Bytes received but not yet returned as part of a whole PDU. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns every PDU it completes, in stream order. */
  push(chunk: Buffer): FramedPdu[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const complete: FramedPdu[] = [];
    for (;;) {
      if (this.pending === null) {
        if (this.buffered < PDU_HEADER_LENGTH) break;
        this.pending = this.validateHeader(this.peek(PDU_HEADER_LENGTH));
      }
      if (this.buffered < this.pending.total) break;
      const { type, total } = this.pending;
      complete.push({ type, pieces: type === PduType.PData ? this.takePieces(total) : [this.take(total)] });
      this.pending = null;
    }
    return complete;
  }

  private validateHeader(header: Buffer): PendingHeader {
    const type = header[0];
    const length = header.readUInt32BE(2);
    const limit = this.limitFor(type);
    if (FIXED_LENGTH_TYPES.has(type) && length !== FIXED_PDU_LENGTH) {
      throw new PduDecodeError(
        `PDU type ${hex(type)}: PDU-length is ${length}; PS3.8 fixes it at ${FIXED_PDU_LENGTH}`,
        AbortReason.InvalidPduParameterValue,
      );
    }
    if (length > limit) {
      throw new PduDecodeError(
        `PDU type ${hex(type)}: PDU-length ${length} exceeds the limit of ${limit} bytes`,
        AbortReason.InvalidPduParameterValue,
      );
    }
    return { type, total: PDU_HEADER_LENGTH + length };
  }

  private limitFor(type: number): number {
    switch (type) {
      case PduType.AssociateRq:
      case PduType.AssociateAc:
        return this.maxAssociateLength;
      case PduType.PData:
        return this.maxPDataLength;
      case PduType.AssociateRj:
      case PduType.ReleaseRq:
      case PduType.ReleaseRp:
      case PduType.Abort:
        return FIXED_PDU_LENGTH;
      default:
        // PS3.8 Table 9-26: an unrecognized PDU type is reason 1, and no length can be trusted.
        throw new PduDecodeError(`unrecognized PDU type ${hex(type)}`, AbortReason.UnrecognizedPdu);
    }
  }

  /** Copies the first `length` buffered bytes without consuming them (used for the 6-byte header). */
  private peek(length: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= length) return first.subarray(0, length);
    const out = Buffer.alloc(length);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, 0, Math.min(chunk.length, length - filled));
      if (filled === length) break;
    }
    return out;
  }

  /** Consumes `length` bytes: a view when one chunk holds them, else exactly one copy. */
  private take(length: number): Buffer {
    const pieces = this.takePieces(length);
    return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, length);
  }

  /** Consumes `length` bytes as views of the chunks that hold them: nothing is copied. */
  private takePieces(length: number): Buffer[] {
    this.buffered -= length;
    const pieces: Buffer[] = [];
    let left = length;
    let used = 0;
    while (left > 0) {
      const chunk = this.chunks[used];
      if (chunk.length > left) {
        pieces.push(chunk.subarray(0, left));
        this.chunks[used] = chunk.subarray(left);
        break;
      }
      pieces.push(chunk);
      left -= chunk.length;
      used++;
    }
    // One splice for all spent chunks keeps a PDU that arrived in thousands of pieces linear.
    this.chunks.splice(0, used);
    return pieces;
  }
}

const hex = (value: number): string => value.toString(16).toUpperCase().padStart(2, '0') + 'H';

function capped(limit: number): number {
  return limit === 0 ? PDU_HARD_CAP : Math.min(limit, PDU_HARD_CAP);
}

/**
 * Fragments a DIMSE message into PDVs (PS3.8 Annex E.1) and sends them one P-DATA-TF PDU each,
 * reading a streamed data set no faster than the socket drains.
 */
import type { Readable } from 'node:stream';
import type { PresentationDataValue } from '../pdu/types';

/**
 * What writeMessage sends through: typically the Upper Layer connection of the association.
 * sendPData returns false when the socket's buffer is full (then waitDrain() resolves once it has
 * room), or a promise that settles when the PDU was handed over.
 */
export interface PDataSink {
  sendPData(values: PresentationDataValue[]): boolean | Promise<void>;
  waitDrain(): Promise<void>;
}

/**
 * PS3.8 §9.3.5.1 Table 9-23 and Annex E.2: each PDV item adds a 4-byte item length, a 1-byte
 * presentation context ID and a 1-byte message control header to its fragment.
 */
export const PDV_ITEM_OVERHEAD = 6;

/**
 * Largest fragment we send, also used when the peer sets no limit (maximum length 0, PS3.8 D.1).
 * Past a few hundred KiB larger PDUs gain nothing per byte, while a fragment that straddles two
 * stream chunks is copied and one fragment is always held back: this bounds that memory.
 */
export const MAX_FRAGMENT_LENGTH = 256 * 1024;

/**
 * The data length of one PDV such that a P-DATA-TF PDU holding that one PDV respects the peer's
 * Maximum Length (PS3.8 D.1: the limit applies to the PDU's variable field, i.e. its PDV items).
 * Rounded down to even: PS3.8 Annex E.1 requires every fragment to have an even length.
 */
export function maxPdvDataLength(peerMaxPduLength: number): number {
  if (!Number.isInteger(peerMaxPduLength) || peerMaxPduLength < 0 || peerMaxPduLength > 0xffffffff) {
    throw new RangeError(`maximum PDU length must be an unsigned 32-bit integer, got ${peerMaxPduLength}`);
  }
  if (peerMaxPduLength === 0) return MAX_FRAGMENT_LENGTH;
  const room = peerMaxPduLength - PDV_ITEM_OVERHEAD;
  const even = room - (room % 2);
  if (even < 2) {
    throw new RangeError(`maximum PDU length ${peerMaxPduLength} leaves no room for a fragment`);
  }
  return Math.min(even, MAX_FRAGMENT_LENGTH);
}

/** The command PDVs of one message: zero-copy slices of `commandBytes`, the last one flagged. */
export function* commandPdvs(
  contextId: number,
  commandBytes: Uint8Array,
  maxPdvDataLength: number,
): Generator<PresentationDataValue> {
  if (commandBytes.length === 0) throw new RangeError('a command set cannot be empty');
  yield* slices(contextId, true, commandBytes, maxPdvDataLength);
}

/** The data PDVs of a data set held in memory; an empty one is still one (last) PDV. */
export function* dataPdvs(
  contextId: number,
  dataSet: Uint8Array,
  maxPdvDataLength: number,
): Generator<PresentationDataValue> {
  yield* slices(contextId, false, dataSet, maxPdvDataLength);
}

function* slices(
  contextId: number,
  isCommand: boolean,
  bytes: Uint8Array,
  maxLength: number,
): Generator<PresentationDataValue> {
  assertFragmentLength(maxLength);
  let offset = 0;
  do {
    const end = Math.min(offset + maxLength, bytes.length);
    yield { contextId, isCommand, isLast: end === bytes.length, data: bytes.subarray(offset, end) };
    offset = end;
  } while (offset < bytes.length);
}

/**
 * Sends one message: its command PDVs, then its data set PDVs. PS3.8 Annex E.1: a PDV holds
 * either command or data, never both, and no other message's fragment may come in between, so the
 * caller must not start another writeMessage on the association before this one settles.
 *
 * A data set stream that fails rejects the promise with its error; the message is then cut short
 * and the association must be aborted, since its peer cannot tell a truncated data set from a
 * complete one otherwise.
 */
export async function writeMessage(
  sink: PDataSink,
  contextId: number,
  command: Buffer,
  dataSet: Readable | Buffer | null,
  peerMaxPduLength: number,
): Promise<void> {
  const fragmentLength = maxPdvDataLength(peerMaxPduLength);
  for (const pdv of commandPdvs(contextId, command, fragmentLength)) await send(sink, pdv);
  if (dataSet === null) return;
  if (Buffer.isBuffer(dataSet)) {
    for (const pdv of dataPdvs(contextId, dataSet, fragmentLength)) await send(sink, pdv);
    return;
  }
  await sendStream(sink, contextId, dataSet, fragmentLength);
}

/**
 * The last-fragment bit must be set on the final data PDV, but a stream only says it has ended
 * after its last chunk: one fragment is therefore held back until the next one (or the end) is
 * known. Chunks are pulled one at a time, so at most one chunk, one partial fragment and the held
 * fragment are in memory besides what the sink buffers.
 */
async function sendStream(sink: PDataSink, contextId: number, stream: Readable, fragmentLength: number): Promise<void> {
  const fragmenter = new Fragmenter(fragmentLength);
  let held: Buffer | null = null;
  const pass = async (fragment: Buffer): Promise<void> => {
    if (held !== null) await send(sink, { contextId, isCommand: false, isLast: false, data: held });
    held = fragment;
  };
  for await (const chunk of stream as AsyncIterable<Buffer | Uint8Array | string>) {
    for (const fragment of fragmenter.push(chunkToBuffer(chunk))) await pass(fragment);
  }
  const rest = fragmenter.rest();
  if (rest !== null) await pass(rest);
  await send(sink, { contextId, isCommand: false, isLast: true, data: held ?? Buffer.alloc(0) });
}

async function send(sink: PDataSink, pdv: PresentationDataValue): Promise<void> {
  const accepted = sink.sendPData([pdv]);
  if (accepted === false) await sink.waitDrain();
  else if (accepted !== true) await accepted;
}

function chunkToBuffer(chunk: Buffer | Uint8Array | string): Buffer {
  if (typeof chunk === 'string') throw new TypeError('a data set stream must yield bytes, not strings');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function assertFragmentLength(length: number): void {
  if (!Number.isInteger(length) || length < 2 || length % 2 !== 0) {
    throw new RangeError(`fragment length must be an even integer of at least 2, got ${length}`);
  }
}

/**
 * Cuts a byte stream into fragments of exactly `size` bytes (even, so every fragment but the
 * last is even as PS3.8 Annex E.1 requires). A fragment inside one chunk is a zero-copy slice; one
 * that straddles chunks is copied once. Filling each PDU matters more than avoiding that copy:
 * streams from a TLS socket or an HTTP body come in chunks of arbitrary, often odd, sizes.
 */
export class Fragmenter {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(private readonly size: number) {
    assertFragmentLength(size);
  }

  /** The complete fragments this chunk makes available. */
  push(chunk: Buffer): Buffer[] {
    const fragments: Buffer[] = [];
    let rest = chunk;
    if (this.pendingLength > 0) {
      const needed = this.size - this.pendingLength;
      if (rest.length < needed) {
        this.keep(rest);
        return fragments;
      }
      fragments.push(Buffer.concat([...this.pending, rest.subarray(0, needed)], this.size));
      this.pending = [];
      this.pendingLength = 0;
      rest = rest.subarray(needed);
    }
    while (rest.length >= this.size) {
      fragments.push(rest.subarray(0, this.size));
      rest = rest.subarray(this.size);
    }
    this.keep(rest);
    return fragments;
  }

  /** What is left at the end of the stream (shorter than a fragment), or null. */
  rest(): Buffer | null {
    if (this.pendingLength === 0) return null;
    const rest = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    return rest;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
  }
}

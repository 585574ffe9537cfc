import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { commandSet, element, pDataTf } from './ul-bytes';

/**
 * Byte builders for C-STORE tests, from PS3.7 §9.3.1 (command) and PS3.5 §7.1.2 (Explicit VR Little
 * Endian data elements), independent of the product's codec like ul-bytes.ts. Big data sets are
 * produced as streams so that a 1 GiB instance never sits in memory.
 */

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

const us = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
/** UI values are padded to even length with a NUL (PS3.5 §9.1); the text is sent as given, valid or not. */
const ui = (uid: string): Buffer => Buffer.from(uid.length % 2 ? `${uid}\0` : uid, 'latin1');
/** Other string VRs are padded with a space (PS3.5 §6.2). */
const text = (value: string): Buffer => Buffer.from(value.length % 2 ? `${value} ` : value, 'latin1');

/** C-STORE-RQ command set (PS3.7 Table 9.3-1), Implicit VR Little Endian. */
export function cStoreRqCommand(o: { sopClassUid: string; sopInstanceUid: string; messageId?: number; priority?: number }): Buffer {
  return commandSet([
    element(0x0000, 0x0002, ui(o.sopClassUid)),
    element(0x0000, 0x0100, us(0x0001)),
    element(0x0000, 0x0110, us(o.messageId ?? 1)),
    element(0x0000, 0x0700, us(o.priority ?? 0)),
    element(0x0000, 0x0800, us(0x0000)), // a data set follows
    element(0x0000, 0x1000, ui(o.sopInstanceUid)),
  ]);
}

const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);

/** One Explicit VR Little Endian element header (PS3.5 §7.1.2), for a value of `length` bytes. */
export function explicitHeader(group: number, elementNumber: number, vr: string, length: number): Buffer {
  const long = LONG_LENGTH_VRS.has(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'ascii');
  if (long) header.writeUInt32LE(length, 8);
  else header.writeUInt16LE(length, 6);
  return header;
}

export function explicitElement(group: number, elementNumber: number, vr: string, value: Buffer): Buffer {
  return Buffer.concat([explicitHeader(group, elementNumber, vr, value.length), value]);
}

export interface CtUids {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopClassUid?: string;
}

/**
 * A minimal CT image data set in Explicit VR Little Endian up to and including the Pixel Data
 * header: one 16-bit frame of rows × columns, whose `2 × rows × columns` value bytes follow.
 */
export function ctDataSetHeader(uids: CtUids, rows: number, columns: number): Buffer {
  return Buffer.concat([
    explicitElement(0x0008, 0x0016, 'UI', ui(uids.sopClassUid ?? CT_IMAGE_STORAGE)),
    explicitElement(0x0008, 0x0018, 'UI', ui(uids.sopInstanceUid)),
    explicitElement(0x0008, 0x0060, 'CS', text('CT')),
    explicitElement(0x0010, 0x0010, 'PN', text('TEST^LARGE')),
    explicitElement(0x0010, 0x0020, 'LO', text('LARGE-1')),
    explicitElement(0x0020, 0x000d, 'UI', ui(uids.studyInstanceUid)),
    explicitElement(0x0020, 0x000e, 'UI', ui(uids.seriesInstanceUid)),
    explicitElement(0x0028, 0x0002, 'US', us(1)),
    explicitElement(0x0028, 0x0004, 'CS', text('MONOCHROME2')),
    explicitElement(0x0028, 0x0010, 'US', us(rows)),
    explicitElement(0x0028, 0x0011, 'US', us(columns)),
    explicitElement(0x0028, 0x0100, 'US', us(16)),
    explicitElement(0x0028, 0x0101, 'US', us(16)),
    explicitElement(0x0028, 0x0102, 'US', us(15)),
    explicitElement(0x0028, 0x0103, 'US', us(0)),
    explicitHeader(0x7fe0, 0x0010, 'OW', 2 * rows * columns),
  ]);
}

const PATTERN_CHUNK = 1024 * 1024;
/** A handful of distinct 1 MiB blocks, cycled: a pattern that never lines up with part or PDU sizes. */
const PATTERN_BLOCKS: readonly Buffer[] = Array.from({ length: 7 }, (_, b) => {
  const block = Buffer.alloc(PATTERN_CHUNK);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761 + b * 40503) >>> 0, i);
  return block;
});

/** The data set bytes (header, then patterned pixel data) as a sequence of chunks, generated lazily. */
function* dataSetChunks(header: Buffer, pixelBytes: number): Generator<Buffer> {
  yield header;
  let remaining = pixelBytes;
  for (let n = 0; remaining > 0; n++) {
    const block = PATTERN_BLOCKS[n % PATTERN_BLOCKS.length];
    const size = Math.min(remaining, block.length);
    yield size === block.length ? block : block.subarray(0, size);
    remaining -= size;
  }
}

/** A CT data set of any size as a Readable that honours backpressure and holds about one block at a time. */
export function largeCtDataSet(uids: CtUids, rows: number, columns: number): { size: number; stream: () => Readable; sha256: () => string; bytes: () => Buffer } {
  const header = ctDataSetHeader(uids, rows, columns);
  const pixelBytes = 2 * rows * columns;
  return {
    size: header.length + pixelBytes,
    stream: () => Readable.from(dataSetChunks(header, pixelBytes), { objectMode: false }),
    sha256: () => {
      const hash = createHash('sha256');
      for (const chunk of dataSetChunks(header, pixelBytes)) hash.update(chunk);
      return hash.digest('hex');
    },
    /** The whole data set in one Buffer: only for sizes that fit comfortably in memory. */
    bytes: () => Buffer.concat([...dataSetChunks(header, pixelBytes)]),
  };
}

/**
 * A message split into P-DATA-TF PDUs of at most `maxPduLength` (the acceptor's 51H value): the
 * command in one PDV, then the data set in fragments, the last one flagged unless `complete` is false.
 */
export function storeMessagePdus(contextId: number, command: Buffer, dataSet: Buffer, maxPduLength: number, complete = true): Buffer[] {
  const pdus = [pDataTf([{ contextId, command: true, last: true, data: command }])];
  // PDV item header (4 length + context id + control) is 6 bytes inside the PDU.
  const fragment = maxPduLength - 6;
  for (let offset = 0; offset < dataSet.length; offset += fragment) {
    const end = Math.min(offset + fragment, dataSet.length);
    pdus.push(pDataTf([{ contextId, command: false, last: complete && end === dataSet.length, data: dataSet.subarray(offset, end) }]));
  }
  return pdus;
}

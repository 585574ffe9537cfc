import { decodePDataTfPieces, decodePdu, encodePDataTf } from './codec';
import { PduDecodeError } from './errors';
import { PDU_HARD_CAP, PduFramer, type FramedPdu } from './framer';
import { AbortReason, MAX_ASSOCIATE_PDU_LENGTH, type AbortReasonCode, type PresentationDataValue } from './types';
import { GOLDEN_PDUS, bytesFromHex } from './__fixtures__/golden-pdus';

const GOLDEN_BYTES = GOLDEN_PDUS.map((golden) => bytesFromHex(golden.hex));
const STREAM = Buffer.concat(GOLDEN_BYTES);

const header = (type: number, length: number): Buffer => {
  const out = Buffer.alloc(6);
  out[0] = type;
  out.writeUInt32BE(length, 2);
  return out;
};

const newFramer = (maxPDataPduLength = 16384): PduFramer => new PduFramer({ maxPDataPduLength });

function pushAll(framer: PduFramer, chunks: Buffer[]): FramedPdu[] {
  return chunks.flatMap((chunk) => framer.push(chunk));
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const edges = [0, ...[...new Set(cuts)].sort((a, b) => a - b), bytes.length];
  return edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
}

function framingError(framer: PduFramer, chunk: Buffer): PduDecodeError {
  try {
    framer.push(chunk);
  } catch (err) {
    if (err instanceof PduDecodeError) return err;
    throw err;
  }
  throw new Error('push accepted the input');
}

function expectRefused(framer: PduFramer, chunk: Buffer, reason: AbortReasonCode, message?: RegExp): void {
  const err = framingError(framer, chunk);
  expect(err.abortReason).toBe(reason);
  if (message) expect(err.message).toMatch(message);
}

/** A copy in memory of its own (Buffer.alloc never uses the shared pool). */
function ownMemory(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  bytes.copy(out);
  return out;
}

/** The PDU's bytes, whatever pieces they came in. */
const joined = (frame: FramedPdu): Buffer => Buffer.concat(frame.pieces);

function expectGoldenPdus(frames: FramedPdu[]): void {
  expect(frames.map((frame) => joined(frame).toString('hex'))).toEqual(GOLDEN_BYTES.map((bytes) => bytes.toString('hex')));
  expect(frames.map((frame) => frame.type)).toEqual(GOLDEN_BYTES.map((bytes) => bytes[0]));
}

describe('PduFramer: framing', () => {
  it('returns every golden PDU from one chunk holding all of them, decodable to its meaning', () => {
    const framer = newFramer();
    const frames = framer.push(STREAM);
    expectGoldenPdus(frames);
    expect(frames.map((frame) => decodePdu(joined(frame)))).toEqual(GOLDEN_PDUS.map((golden) => golden.decoded));
    expect(framer.bufferedBytes).toBe(0);
  });

  it('returns two PDUs that arrive in one chunk', () => {
    const framer = newFramer();
    const frames = framer.push(Buffer.concat([GOLDEN_BYTES[4], GOLDEN_BYTES[5]]));
    expect(frames.map((frame) => frame.type)).toEqual([0x05, 0x06]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('yields identical PDUs when fed one byte at a time', () => {
    const framer = newFramer();
    const frames = pushAll(framer, splitAt(STREAM, Array.from({ length: STREAM.length }, (_, i) => i)));
    expectGoldenPdus(frames);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('yields identical PDUs across random chunk boundaries', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    for (let round = 0; round < 200; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 40) }, () => Math.floor(random() * STREAM.length));
      expectGoldenPdus(pushAll(newFramer(), splitAt(STREAM, cuts)));
    }
  });

  it('keeps what is incomplete and counts it', () => {
    const framer = newFramer();
    const rq = GOLDEN_BYTES[0];
    expect(framer.push(rq.subarray(0, 3))).toEqual([]);
    expect(framer.bufferedBytes).toBe(3);
    expect(framer.push(rq.subarray(3, 100))).toEqual([]);
    expect(framer.bufferedBytes).toBe(100);
    const frames = framer.push(Buffer.concat([rq.subarray(100), GOLDEN_BYTES[4].subarray(0, 7)]));
    expect(frames).toHaveLength(1);
    expect(joined(frames[0]).equals(rq)).toBe(true);
    expect(framer.bufferedBytes).toBe(7);
  });

  it('accepts empty chunks', () => {
    const framer = newFramer();
    expect(framer.push(Buffer.alloc(0))).toEqual([]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('returns a PDU that arrived in one chunk as a view, without copying', () => {
    const chunk = Buffer.concat([GOLDEN_BYTES[3], GOLDEN_BYTES[4]]);
    const [first] = newFramer().push(chunk);
    expect(first.pieces).toHaveLength(1);
    expect(first.pieces[0].buffer).toBe(chunk.buffer);
  });

  it('returns a P-DATA-TF that spans reads as views of them, in order, and decodes it without joining', () => {
    const data = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
    const pdu = encodePDataTf([
      { contextId: 3, isCommand: false, isLast: false, data: data.subarray(0, 100) },
      { contextId: 3, isCommand: false, isLast: true, data: data.subarray(100) },
    ]);
    // Cuts inside the PDU header, inside the second PDV's header and twice inside its data.
    // Each read its own memory, as the socket delivers them.
    const chunks = splitAt(pdu, [3, 6 + 4 + 2 + 100 + 2, 200, 250]).map(ownMemory);
    const frames = pushAll(newFramer(), chunks);
    expect(frames).toHaveLength(1);
    expect(frames[0].pieces).toHaveLength(chunks.length);
    frames[0].pieces.forEach((piece, i) => expect(piece.buffer).toBe(chunks[i].buffer));

    const { values } = decodePDataTfPieces(frames[0].pieces);
    expect(values.map(({ contextId, isCommand, isLast }) => ({ contextId, isCommand, isLast }))).toEqual([
      { contextId: 3, isCommand: false, isLast: false },
      { contextId: 3, isCommand: false, isLast: false },
      { contextId: 3, isCommand: false, isLast: false },
      { contextId: 3, isCommand: false, isLast: true },
    ]);
    expect(Buffer.concat(values.map((value) => value.data)).equals(data)).toBe(true);
    for (const value of values) expect(chunks.some((chunk) => chunk.buffer === value.data.buffer)).toBe(true);
  });

  it('refuses a malformed PDV in pieces with the same error as in one piece', () => {
    // Second PDV declares 10 bytes where 6 remain.
    const body = Buffer.concat([Buffer.from([0, 0, 0, 3, 1, 3, 0xaa]), Buffer.from([0, 0, 0, 10, 1, 2, 0, 0, 0, 0])]);
    const pdu = Buffer.concat([header(0x04, body.length), body]);
    const decodeError = (decode: () => unknown): PduDecodeError => {
      try {
        decode();
      } catch (err) {
        if (err instanceof PduDecodeError) return err;
        throw err;
      }
      throw new Error('a malformed PDV was accepted');
    };
    const contiguous = decodeError(() => decodePdu(pdu));
    expect(contiguous.message).toMatch(/declares item-length 10 but only 6 bytes remain/);
    for (let cut = 1; cut < pdu.length; cut++) {
      const [frame] = pushAll(newFramer(), splitAt(pdu, [cut]));
      const inPieces = decodeError(() => decodePDataTfPieces(frame.pieces));
      expect([inPieces.message, inPieces.abortReason]).toEqual([contiguous.message, AbortReason.InvalidPduParameterValue]);
    }
  });

  it('decodes a P-DATA-TF cut at every byte the same as in one piece', () => {
    const pdu = encodePDataTf([
      { contextId: 1, isCommand: true, isLast: true, data: Buffer.from('command') },
      { contextId: 1, isCommand: false, isLast: true, data: Buffer.from('data set') },
    ]);
    const data = (values: PresentationDataValue[], isCommand: boolean): string =>
      Buffer.concat(values.filter((v) => v.isCommand === isCommand).map((v) => v.data)).toString();
    for (let cut = 1; cut < pdu.length; cut++) {
      const [frame] = pushAll(newFramer(), splitAt(pdu, [cut]));
      const { values } = decodePDataTfPieces(frame.pieces);
      expect([data(values, true), data(values, false)]).toEqual(['command', 'data set']);
      expect(values.filter((v) => v.isLast)).toHaveLength(2);
    }
  });
});

describe('PduFramer: limits checked from the header alone', () => {
  it.each([0x00, 0x08, 0x41, 0xff])('refuses PDU type %d as unrecognized (reason 1)', (type) => {
    expectRefused(newFramer(), header(type, 4), AbortReason.UnrecognizedPdu, /unrecognized PDU type/);
  });

  it('validates as soon as the sixth header byte arrives', () => {
    const framer = newFramer();
    const bad = header(0x01, MAX_ASSOCIATE_PDU_LENGTH + 1);
    expect(framer.push(bad.subarray(0, 5))).toEqual([]);
    expectRefused(framer, bad.subarray(5), AbortReason.InvalidPduParameterValue, /exceeds the limit of 65536/);
  });

  it.each([0x01, 0x02])('refuses an associate PDU (type %d) over 64 KiB before its body arrives', (type) => {
    expectRefused(newFramer(), header(type, MAX_ASSOCIATE_PDU_LENGTH + 1), AbortReason.InvalidPduParameterValue);
  });

  it('accepts an associate PDU of exactly the limit', () => {
    const framer = new PduFramer({ maxAssociatePduLength: 100, maxPDataPduLength: 0 });
    const frames = framer.push(Buffer.concat([header(0x01, 100), Buffer.alloc(100)]));
    expect(frames).toHaveLength(1);
    expectRefused(framer, header(0x02, 101), AbortReason.InvalidPduParameterValue);
  });

  it('refuses a P-DATA-TF whose PDU-length exceeds our maximum length (PS3.8 D.1)', () => {
    expectRefused(newFramer(16384), header(0x04, 16385), AbortReason.InvalidPduParameterValue, /16385 exceeds the limit of 16384/);
  });

  it('accepts a P-DATA-TF whose PDU-length equals our maximum length: the header is not counted', () => {
    const frames = newFramer(16384).push(Buffer.concat([header(0x04, 16384), Buffer.alloc(16384)]));
    expect(frames).toHaveLength(1);
    expect(joined(frames[0])).toHaveLength(16390);
  });

  it('treats a maximum of 0 as unlimited up to the 64 MiB hard cap', () => {
    const framer = newFramer(0);
    expect(framer.push(header(0x04, PDU_HARD_CAP))).toEqual([]);
    expectRefused(newFramer(0), header(0x04, PDU_HARD_CAP + 1), AbortReason.InvalidPduParameterValue);
  });

  it('applies the hard cap to an advertised maximum above it', () => {
    expectRefused(newFramer(0xffffffff), header(0x04, PDU_HARD_CAP + 1), AbortReason.InvalidPduParameterValue);
  });

  it.each([0x01, 0x02, 0x04])('never accumulates a PDU-length of FFFFFFFFH (type %d)', (type) => {
    const framer = newFramer(0);
    expectRefused(framer, header(type, 0xffffffff), AbortReason.InvalidPduParameterValue, /4294967295/);
  });

  it.each([
    ['A-ASSOCIATE-RJ', 0x03, 5],
    ['A-RELEASE-RQ', 0x05, 0],
    ['A-RELEASE-RP', 0x06, 8],
    ['A-ABORT', 0x07, 0xffffffff],
  ])('refuses %s whose PDU-length is %d instead of 4', (_name, type, length) => {
    expectRefused(newFramer(), header(type as number, length as number), AbortReason.InvalidPduParameterValue, /fixes it at 4/);
  });
});

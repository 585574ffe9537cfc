import { decodePdu, encodePDataTf, encodePdu } from './codec';
import { PduDecodeError } from './errors';
import { AbortReason, type AbortReasonCode, type AssociateRqPdu, type Pdu, type PresentationDataValue } from './types';
import {
  ASSOCIATE_AC_MIXED_RESULTS,
  ASSOCIATE_RQ_ALL_SUB_ITEMS,
  DCMTK_ECHOSCU_ASSOCIATE_RQ,
  GOLDEN_PDUS,
  P_DATA_TF_TWO_PDVS,
  bytesFromHex,
} from './__fixtures__/golden-pdus';

// Test-side builders, written from the PS3.8 §9.3 layouts rather than through the codec, so that
// hostile inputs can be shaped field by field.
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return out;
};
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const rawItem = (type: number, body: Buffer, length = body.length): Buffer =>
  Buffer.concat([Buffer.from([type, 0]), u16(length), body]);
const rawPdu = (type: number, body: Buffer, length = body.length): Buffer =>
  Buffer.concat([Buffer.from([type, 0]), u32(length), body]);

const VERIFICATION = '1.2.840.10008.1.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const ASSOCIATE_FIXED = Buffer.concat([
  u16(1),
  u16(0),
  ascii('DICOM-ROUTER    '),
  ascii('MODALITY1       '),
  Buffer.alloc(32),
]);
const APPLICATION_CONTEXT = rawItem(0x10, ascii('1.2.840.10008.3.1.1.1'));
const MAX_LENGTH = rawItem(0x51, u32(16384));
const USER_INFO = rawItem(0x50, MAX_LENGTH);

const proposedBody = (id: number, subItems: Buffer[]): Buffer => Buffer.concat([Buffer.from([id, 0, 0, 0]), ...subItems]);
const proposed = (id: number, abstractSyntax = VERIFICATION, transferSyntaxes = [IMPLICIT_LE]): Buffer =>
  rawItem(
    0x20,
    proposedBody(id, [
      rawItem(0x30, ascii(abstractSyntax)),
      ...transferSyntaxes.map((uid) => rawItem(0x40, ascii(uid))),
    ]),
  );
const answered = (id: number, result: number, subItems: Buffer[] = [rawItem(0x40, ascii(IMPLICIT_LE))]): Buffer =>
  rawItem(0x21, Buffer.concat([Buffer.from([id, 0, result, 0]), ...subItems]));
const associateRq = (...items: Buffer[]): Buffer => rawPdu(0x01, Buffer.concat([ASSOCIATE_FIXED, ...items]));
const associateAc = (...items: Buffer[]): Buffer => rawPdu(0x02, Buffer.concat([ASSOCIATE_FIXED, ...items]));
const rqWithUserInfo = (...subItems: Buffer[]): Buffer =>
  associateRq(APPLICATION_CONTEXT, proposed(1), rawItem(0x50, Buffer.concat(subItems)));
const pdv = (contextId: number, control: number, data: Buffer, length = data.length + 2): Buffer =>
  Buffer.concat([u32(length), Buffer.from([contextId, control]), data]);

function decodeError(bytes: Buffer): PduDecodeError {
  try {
    decodePdu(bytes);
  } catch (err) {
    if (err instanceof PduDecodeError) return err;
    throw err;
  }
  throw new Error('decodePdu accepted the input');
}

function expectRejected(bytes: Buffer, reason: AbortReasonCode, message?: RegExp): void {
  const err = decodeError(bytes);
  expect(err.abortReason).toBe(reason);
  if (message) expect(err.message).toMatch(message);
}

const asRq = (pdu: Pdu): AssociateRqPdu => {
  if (pdu.type !== 'A-ASSOCIATE-RQ') throw new Error(`expected an A-ASSOCIATE-RQ, got ${pdu.type}`);
  return pdu;
};

describe('golden PDUs', () => {
  describe.each(GOLDEN_PDUS.map((golden) => [golden.name, golden] as const))('%s', (_name, golden) => {
    const bytes = bytesFromHex(golden.hex);

    it('decodes to its documented meaning', () => {
      expect(decodePdu(bytes)).toEqual(golden.decoded);
    });

    it('encodes back to the same bytes (reserved fields as 00H)', () => {
      const expected = Buffer.from(bytes);
      for (const offset of golden.nonZeroReservedOffsets ?? []) expected[offset] = 0;
      expect(encodePdu(golden.decoded).toString('hex')).toBe(expected.toString('hex'));
    });
  });

  it('keeps the DCMTK capture honest: its reserved byte really is non-zero', () => {
    const bytes = bytesFromHex(DCMTK_ECHOSCU_ASSOCIATE_RQ.hex);
    expect(bytes[105]).toBe(0xff);
  });

  it('encodePDataTf produces the same bytes as encodePdu', () => {
    const pdu = P_DATA_TF_TWO_PDVS.decoded;
    if (pdu.type !== 'P-DATA-TF') throw new Error('fixture is not a P-DATA-TF');
    expect(encodePDataTf(pdu.values)).toEqual(bytesFromHex(P_DATA_TF_TWO_PDVS.hex));
  });
});

describe('decodePdu: PDU header', () => {
  it.each([0x00, 0x08, 0x10, 0xff])('rejects PDU type %d as unrecognized (reason 1)', (type) => {
    expectRejected(rawPdu(type, Buffer.alloc(4)), AbortReason.UnrecognizedPdu, /unrecognized PDU type/);
  });

  it('rejects fewer than 6 bytes', () => {
    expectRejected(Buffer.from([0x05, 0x00, 0x00]), AbortReason.InvalidPduParameterValue, /shorter than the 6-byte/);
  });

  it('rejects a truncated PDU', () => {
    const bytes = bytesFromHex(ASSOCIATE_RQ_ALL_SUB_ITEMS.hex);
    expectRejected(bytes.subarray(0, bytes.length - 1), AbortReason.InvalidPduParameterValue, /PDU-length is 522 but 521/);
  });

  it('rejects bytes beyond the declared PDU-length', () => {
    const bytes = Buffer.concat([bytesFromHex(ASSOCIATE_RQ_ALL_SUB_ITEMS.hex), Buffer.from([0])]);
    expectRejected(bytes, AbortReason.InvalidPduParameterValue, /PDU-length is 522 but 523/);
  });

  it('rejects a PDU-length of FFFFFFFFH without reading past the buffer', () => {
    expectRejected(rawPdu(0x04, pdv(1, 3, Buffer.alloc(2)), 0xffffffff), AbortReason.InvalidPduParameterValue, /4294967295/);
  });

  it.each([
    ['A-RELEASE-RQ', 0x05, 5],
    ['A-RELEASE-RP', 0x06, 0],
    ['A-ABORT', 0x07, 3],
    ['A-ASSOCIATE-RJ', 0x03, 6],
  ])('rejects %s whose PDU-length is %#s instead of 4', (_name, type, length) => {
    expectRejected(rawPdu(type as number, Buffer.alloc(length as number)), AbortReason.InvalidPduParameterValue, /fixes it at 4/);
  });

  it('does not test reserved bytes of fixed-length PDUs (PS3.8 9.3.6)', () => {
    expect(decodePdu(rawPdu(0x05, Buffer.from([1, 2, 3, 4])))).toEqual({ type: 'A-RELEASE-RQ' });
    expect(decodePdu(rawPdu(0x07, Buffer.from([9, 9, 0, 0])))).toEqual({ type: 'A-ABORT', source: 0, reason: 0 });
  });
});

describe('decodePdu: A-ASSOCIATE-RQ/AC', () => {
  it('decodes a minimal request', () => {
    expect(decodePdu(associateRq(APPLICATION_CONTEXT, proposed(1), USER_INFO))).toEqual({
      type: 'A-ASSOCIATE-RQ',
      protocolVersion: 1,
      calledAeTitle: 'DICOM-ROUTER',
      callingAeTitle: 'MODALITY1',
      applicationContextName: '1.2.840.10008.3.1.1.1',
      presentationContexts: [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT_LE] }],
      userInformation: { maxPduLength: 16384 },
    });
  });

  it('rejects fixed fields cut short', () => {
    expectRejected(rawPdu(0x01, ASSOCIATE_FIXED.subarray(0, 30)), AbortReason.InvalidPduParameterValue, /calling AE title/);
  });

  it('trims leading and trailing spaces of AE titles (PS3.8 9.3.2)', () => {
    const fixed = Buffer.from(ASSOCIATE_FIXED);
    ascii('  PACS 1        ').copy(fixed, 4);
    const pdu = asRq(decodePdu(rawPdu(0x01, Buffer.concat([fixed, APPLICATION_CONTEXT, proposed(1), USER_INFO]))));
    expect(pdu.calledAeTitle).toBe('PACS 1');
  });

  it('passes an unsupported protocol version up instead of aborting (PS3.8 9.3.2: answered with A-ASSOCIATE-RJ)', () => {
    const fixed = Buffer.from(ASSOCIATE_FIXED);
    fixed.writeUInt16BE(2, 0);
    const pdu = asRq(decodePdu(rawPdu(0x01, Buffer.concat([fixed, APPLICATION_CONTEXT, proposed(1), USER_INFO]))));
    expect(pdu.protocolVersion).toBe(2);
  });

  it('strips NUL padding from UIDs', () => {
    const pdu = asRq(
      decodePdu(
        associateRq(
          rawItem(0x10, ascii('1.2.840.10008.3.1.1.1\0')),
          proposed(1, `${VERIFICATION}\0`, [`${IMPLICIT_LE}\0`]),
          rawItem(0x50, Buffer.concat([MAX_LENGTH, rawItem(0x52, ascii('1.2.3.4.5\0'))])),
        ),
      ),
    );
    expect(pdu.applicationContextName).toBe('1.2.840.10008.3.1.1.1');
    expect(pdu.presentationContexts[0]).toEqual({ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT_LE] });
    expect(pdu.userInformation.implementationClassUid).toBe('1.2.3.4.5');
  });

  it('skips items of unrecognized types (PS3.8 9.3.1)', () => {
    const pdu = decodePdu(
      associateRq(
        rawItem(0x11, ascii('future')),
        APPLICATION_CONTEXT,
        rawItem(
          0x20,
          proposedBody(1, [rawItem(0x30, ascii(VERIFICATION)), rawItem(0x31, ascii('x')), rawItem(0x40, ascii(IMPLICIT_LE))]),
        ),
        rawItem(0x60, Buffer.alloc(0)),
        USER_INFO,
      ),
    );
    expect(pdu).toEqual(decodePdu(associateRq(APPLICATION_CONTEXT, proposed(1), USER_INFO)));
  });

  it('ignores unrecognized user information sub-items (PS3.8 D.2)', () => {
    const pdu = asRq(decodePdu(rqWithUserInfo(MAX_LENGTH, rawItem(0x5a, ascii('new')), rawItem(0xf0, Buffer.alloc(3)))));
    expect(pdu.userInformation).toEqual({ maxPduLength: 16384 });
  });

  it('decodes a request without a user information item to no sub-items', () => {
    expect(asRq(decodePdu(associateRq(APPLICATION_CONTEXT, proposed(1)))).userInformation).toEqual({});
  });

  it('rejects an item whose length runs past the end of the PDU', () => {
    expectRejected(
      associateRq(APPLICATION_CONTEXT, rawItem(0x20, proposedBody(1, []), 0x0100)),
      AbortReason.InvalidPduParameterValue,
      /item 20H at offset \d+ declares item-length 256 but only 4 bytes remain/,
    );
  });

  it('rejects a sub-item whose length runs past the end of its presentation context', () => {
    const lying = rawItem(0x20, proposedBody(1, [rawItem(0x30, ascii(VERIFICATION), 40)]));
    expectRejected(associateRq(APPLICATION_CONTEXT, lying, USER_INFO), AbortReason.InvalidPduParameterValue, /item 30H/);
  });

  it('rejects an item header cut short', () => {
    expectRejected(associateRq(APPLICATION_CONTEXT, Buffer.from([0x20, 0x00])), AbortReason.InvalidPduParameterValue, /item-length/);
  });

  it('rejects a presentation context with no transfer syntax', () => {
    const noTs = rawItem(0x20, proposedBody(1, [rawItem(0x30, ascii(VERIFICATION))]));
    expectRejected(associateRq(APPLICATION_CONTEXT, noTs, USER_INFO), AbortReason.InvalidPduParameterValue, /no transfer syntax/);
  });

  it('rejects a presentation context with no abstract syntax', () => {
    const noAs = rawItem(0x20, proposedBody(1, [rawItem(0x40, ascii(IMPLICIT_LE))]));
    expectRejected(associateRq(APPLICATION_CONTEXT, noAs, USER_INFO), AbortReason.InvalidPduParameterValue, /no abstract syntax/);
  });

  it('rejects a presentation context with two abstract syntaxes', () => {
    const twoAs = rawItem(
      0x20,
      proposedBody(1, [rawItem(0x30, ascii(VERIFICATION)), rawItem(0x30, ascii(VERIFICATION)), rawItem(0x40, ascii(IMPLICIT_LE))]),
    );
    expectRejected(associateRq(APPLICATION_CONTEXT, twoAs, USER_INFO), AbortReason.UnexpectedPduParameter);
  });

  it.each([0, 2, 254])('rejects presentation context ID %d: IDs are odd integers 1-255 (PS3.8 9.3.2.2)', (id) => {
    expectRejected(associateRq(APPLICATION_CONTEXT, proposed(id), USER_INFO), AbortReason.InvalidPduParameterValue, /odd integer/);
  });

  it('accepts the largest presentation context ID, 255', () => {
    expect(asRq(decodePdu(associateRq(APPLICATION_CONTEXT, proposed(255), USER_INFO))).presentationContexts[0].id).toBe(255);
  });

  it('rejects a request without an application context item', () => {
    expectRejected(associateRq(proposed(1), USER_INFO), AbortReason.InvalidPduParameterValue, /no application context/);
  });

  it('rejects a request without presentation contexts', () => {
    expectRejected(associateRq(APPLICATION_CONTEXT, USER_INFO), AbortReason.InvalidPduParameterValue, /no presentation context/);
  });

  it('rejects two application context items or two user information items', () => {
    expectRejected(associateRq(APPLICATION_CONTEXT, APPLICATION_CONTEXT, proposed(1), USER_INFO), AbortReason.UnexpectedPduParameter);
    expectRejected(associateRq(APPLICATION_CONTEXT, proposed(1), USER_INFO, USER_INFO), AbortReason.UnexpectedPduParameter);
  });

  it('rejects an A-ASSOCIATE-AC presentation context item (21H) inside a request and vice versa', () => {
    expectRejected(associateRq(APPLICATION_CONTEXT, answered(1, 0), USER_INFO), AbortReason.UnexpectedPduParameter, /21H/);
    expectRejected(associateAc(APPLICATION_CONTEXT, proposed(1), USER_INFO), AbortReason.UnexpectedPduParameter, /20H/);
  });

  describe('A-ASSOCIATE-AC presentation contexts', () => {
    it('keeps the transfer syntax of a rejected context as sent, or empty when absent', () => {
      const pdu = decodePdu(associateAc(APPLICATION_CONTEXT, answered(1, 4), answered(3, 2, []), USER_INFO));
      expect(pdu).toMatchObject({
        presentationContexts: [
          { id: 1, result: 4, transferSyntax: IMPLICIT_LE },
          { id: 3, result: 2, transferSyntax: '' },
        ],
      });
    });

    it('rejects an accepted context without a transfer syntax', () => {
      expectRejected(associateAc(APPLICATION_CONTEXT, answered(1, 0, []), USER_INFO), AbortReason.InvalidPduParameterValue, /names no transfer syntax/);
      expectRejected(
        associateAc(APPLICATION_CONTEXT, answered(1, 0, [rawItem(0x40, Buffer.alloc(0))]), USER_INFO),
        AbortReason.InvalidPduParameterValue,
      );
    });

    it('rejects two transfer syntaxes in one answered context', () => {
      const two = [rawItem(0x40, ascii(IMPLICIT_LE)), rawItem(0x40, ascii(IMPLICIT_LE))];
      expectRejected(associateAc(APPLICATION_CONTEXT, answered(1, 0, two), USER_INFO), AbortReason.UnexpectedPduParameter);
    });

    it('rejects a result outside PS3.8 Table 9-18', () => {
      expectRejected(associateAc(APPLICATION_CONTEXT, answered(1, 5), USER_INFO), AbortReason.InvalidPduParameterValue, /result\/reason 5/);
    });

    it('rejects an even presentation context ID', () => {
      expectRejected(associateAc(APPLICATION_CONTEXT, answered(2, 0), USER_INFO), AbortReason.InvalidPduParameterValue, /odd integer/);
    });
  });
});

describe('decodePdu: user information sub-items whose lengths lie', () => {
  it.each([
    ['maximum length with item-length 2', rawItem(0x51, u32(16384).subarray(0, 2))],
    ['maximum length with item-length 6', rawItem(0x51, Buffer.concat([u32(16384), u16(0)]))],
    ['asynchronous operations window with item-length 3', rawItem(0x53, Buffer.from([0, 1, 0]))],
    ['role selection UID-length past the item', rawItem(0x54, Buffer.concat([u16(40), ascii(VERIFICATION), Buffer.from([1, 1])]))],
    ['role selection missing its role bytes', rawItem(0x54, Buffer.concat([u16(17), ascii(VERIFICATION)]))],
    ['role selection with trailing bytes', rawItem(0x54, Buffer.concat([u16(17), ascii(VERIFICATION), Buffer.from([1, 1, 0])]))],
    ['extended negotiation SOP-class-uid-length past the item', rawItem(0x56, Buffer.concat([u16(30), ascii(VERIFICATION)]))],
    [
      'common extended negotiation service-class-uid-length past the item',
      rawItem(0x57, Buffer.concat([u16(17), ascii(VERIFICATION), u16(99), ascii('1.2.840.10008.4.2')])),
    ],
    [
      'common extended negotiation related identification length past the item',
      rawItem(0x57, Buffer.concat([u16(17), ascii(VERIFICATION), u16(17), ascii('1.2.840.10008.4.2'), u16(50), u16(3), ascii('1.2')])),
    ],
    [
      'common extended negotiation related UID-length past its identification field',
      rawItem(0x57, Buffer.concat([u16(17), ascii(VERIFICATION), u16(17), ascii('1.2.840.10008.4.2'), u16(5), u16(9), ascii('1.2')])),
    ],
    ['user identity primary-field-length past the item', rawItem(0x58, Buffer.concat([Buffer.from([1, 0]), u16(20), ascii('alice'), u16(0)]))],
    ['user identity without its secondary-field-length', rawItem(0x58, Buffer.concat([Buffer.from([1, 0]), u16(5), ascii('alice')]))],
    ['user identity with trailing bytes', rawItem(0x58, Buffer.concat([Buffer.from([1, 0]), u16(5), ascii('alice'), u16(0), Buffer.from([7])]))],
    ['user identity response length past the item', rawItem(0x59, Buffer.concat([u16(8), ascii('abc')]))],
  ])('rejects %s', (_name, subItem) => {
    expectRejected(rqWithUserInfo(subItem), AbortReason.InvalidPduParameterValue);
  });

  it('rejects a user information item longer than the PDU', () => {
    const lying = rawItem(0x50, MAX_LENGTH, 200);
    expectRejected(associateRq(APPLICATION_CONTEXT, proposed(1), lying), AbortReason.InvalidPduParameterValue, /item 50H/);
  });

  it('rejects a sub-item longer than its user information item', () => {
    expectRejected(rqWithUserInfo(rawItem(0x52, ascii('1.2.3'), 30)), AbortReason.InvalidPduParameterValue, /item 52H/);
  });

  it('rejects role values other than 0 and 1', () => {
    const role = rawItem(0x54, Buffer.concat([u16(17), ascii(VERIFICATION), Buffer.from([2, 0])]));
    expectRejected(rqWithUserInfo(MAX_LENGTH, role), AbortReason.InvalidPduParameterValue, /neither 0 nor 1/);
  });

  it('rejects a second maximum length sub-item (PS3.8 D.1: only one)', () => {
    expectRejected(rqWithUserInfo(MAX_LENGTH, MAX_LENGTH), AbortReason.UnexpectedPduParameter, /only one/);
  });

  it('decodes a common extended negotiation without related general SOP classes', () => {
    const subItem = rawItem(0x57, Buffer.concat([u16(17), ascii(VERIFICATION), u16(17), ascii('1.2.840.10008.4.2'), u16(0)]));
    expect(asRq(decodePdu(rqWithUserInfo(MAX_LENGTH, subItem))).userInformation.sopClassCommonExtendedNegotiations).toEqual([
      { sopClassUid: VERIFICATION, serviceClassUid: '1.2.840.10008.4.2', relatedGeneralSopClassUids: [] },
    ]);
  });

  it('copies byte fields out of the received buffer', () => {
    const bytes = bytesFromHex(ASSOCIATE_RQ_ALL_SUB_ITEMS.hex);
    const pdu = asRq(decodePdu(bytes));
    bytes.fill(0);
    expect(Buffer.from(pdu.userInformation.userIdentityRequest?.primaryField ?? []).toString()).toBe('alice');
  });
});

describe('decodePdu: P-DATA-TF', () => {
  it.each([0, 1])('rejects a PDV item-length of %d: it counts the context ID and the control header', (length) => {
    expectRejected(
      rawPdu(0x04, Buffer.concat([u32(length), Buffer.from([1, 3])])),
      AbortReason.InvalidPduParameterValue,
      new RegExp(`item-length ${length};`),
    );
  });

  it('rejects a PDV item running past the end of the PDU', () => {
    expectRejected(rawPdu(0x04, pdv(1, 3, Buffer.alloc(4), 10)), AbortReason.InvalidPduParameterValue, /declares item-length 10 but only 6/);
  });

  it('rejects a PDV item-length field cut short', () => {
    expectRejected(rawPdu(0x04, Buffer.concat([pdv(1, 3, Buffer.alloc(2)), Buffer.from([0, 0])])), AbortReason.InvalidPduParameterValue);
  });

  it('rejects a P-DATA-TF without PDV items', () => {
    expectRejected(rawPdu(0x04, Buffer.alloc(0)), AbortReason.InvalidPduParameterValue, /one or more/);
  });

  it.each([0, 4])('rejects PDV presentation context ID %d', (id) => {
    expectRejected(rawPdu(0x04, pdv(id, 2, Buffer.alloc(2))), AbortReason.InvalidPduParameterValue, /odd integer/);
  });

  it('ignores bits 2-7 of the message control header (PS3.8 E.2)', () => {
    expect(decodePdu(rawPdu(0x04, pdv(1, 0xfc, Buffer.alloc(0))))).toEqual({
      type: 'P-DATA-TF',
      values: [{ contextId: 1, isCommand: false, isLast: false, data: Buffer.alloc(0) }],
    });
  });

  it('returns fragments as views of the received bytes, without copying', () => {
    const bytes = rawPdu(0x04, pdv(1, 0, ascii('abcd')));
    const pdu = decodePdu(bytes);
    if (pdu.type !== 'P-DATA-TF') throw new Error('not a P-DATA-TF');
    expect(pdu.values[0].data.buffer).toBe(bytes.buffer);
  });
});

describe('encodePdu', () => {
  const rq = ASSOCIATE_RQ_ALL_SUB_ITEMS.decoded as AssociateRqPdu;

  it('space-pads AE titles to 16 bytes (PS3.8 9.3.2)', () => {
    const bytes = encodePdu({ ...rq, calledAeTitle: 'A', callingAeTitle: 'ABCDEFGHIJKLMNOP' });
    expect(bytes.subarray(10, 42).toString('latin1')).toBe('A               ABCDEFGHIJKLMNOP');
  });

  it('writes UIDs of odd length without padding (PS3.8 Annex F)', () => {
    const bytes = encodePdu({ ...rq, applicationContextName: '1.2.3' });
    expect(bytes.subarray(74, 83).toString('hex')).toBe('1000000531' + '2e322e33');
  });

  it('refuses an AE title longer than 16 characters', () => {
    expect(() => encodePdu({ ...rq, callingAeTitle: 'ABCDEFGHIJKLMNOPQ' })).toThrow(RangeError);
  });

  it('refuses characters outside the ISO 646 G0 set', () => {
    expect(() => encodePdu({ ...rq, calledAeTitle: 'PACSé' })).toThrow(RangeError);
    expect(() => encodePdu({ ...rq, applicationContextName: '1.2\u0000' })).toThrow(RangeError);
  });

  it('refuses a presentation context without transfer syntaxes or with an even ID', () => {
    expect(() =>
      encodePdu({ ...rq, presentationContexts: [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [] }] }),
    ).toThrow(RangeError);
    expect(() =>
      encodePdu({ ...rq, presentationContexts: [{ id: 2, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT_LE] }] }),
    ).toThrow(RangeError);
  });

  it('refuses an item larger than its 16-bit item-length field', () => {
    const huge = { sopClassUid: VERIFICATION, serviceClassApplicationInformation: new Uint8Array(0x10000) };
    expect(() => encodePdu({ ...rq, userInformation: { sopClassExtendedNegotiations: [huge] } })).toThrow(/16-bit/);
  });

  it('refuses an implementation version name outside 1-16 characters (PS3.7 D.3.3.2)', () => {
    expect(() => encodePdu({ ...rq, userInformation: { implementationVersionName: '' } })).toThrow(RangeError);
    expect(() => encodePdu({ ...rq, userInformation: { implementationVersionName: 'X'.repeat(17) } })).toThrow(RangeError);
  });

  it('refuses out-of-range single-byte fields instead of truncating them', () => {
    expect(() => encodePdu({ type: 'A-ABORT', source: 2, reason: 256 })).toThrow(RangeError);
  });

  it('round-trips the AC fixture through encode and decode', () => {
    expect(decodePdu(encodePdu(ASSOCIATE_AC_MIXED_RESULTS.decoded))).toEqual(ASSOCIATE_AC_MIXED_RESULTS.decoded);
  });
});

describe('encodePDataTf', () => {
  it('refuses an empty list (PS3.8 9.3.5: one or more PDV items)', () => {
    expect(() => encodePDataTf([])).toThrow(RangeError);
  });

  it('refuses an even presentation context ID', () => {
    expect(() => encodePDataTf([{ contextId: 2, isCommand: true, isLast: true, data: Buffer.alloc(2) }])).toThrow(RangeError);
  });

  it('round-trips fragments of many sizes', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    for (let round = 0; round < 50; round++) {
      const values: PresentationDataValue[] = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
        contextId: 1 + 2 * Math.floor(random() * 128),
        isCommand: random() < 0.5,
        isLast: random() < 0.5,
        data: Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256))),
      }));
      expect(decodePdu(encodePDataTf(values))).toEqual({ type: 'P-DATA-TF', values });
    }
  });
});

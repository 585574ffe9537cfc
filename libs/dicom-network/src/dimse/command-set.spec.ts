import { GOLDEN_COMMANDS } from './__fixtures__/golden-commands';
import { decodeCommand, encodeCommand } from './command-set';
import { DimseDecodeError } from './errors';
import type { CStoreRq, CStoreRsp, DimseCommand } from './messages';

/** One Implicit VR Little Endian element of group 0000, built by hand: tag, length, value. */
function el(element: number, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(0x0000, 0);
  header.writeUInt16LE(element, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}
function us(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}
const text = (s: string): Buffer => Buffer.from(s, 'latin1');

/** The elements of a command set, in wire order. */
function elementsOf(bytes: Buffer): Array<{ element: number; value: Buffer }> {
  const out: Array<{ element: number; value: Buffer }> = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = bytes.readUInt32LE(offset + 4);
    out.push({ element: bytes.readUInt16LE(offset + 2), value: bytes.subarray(offset + 8, offset + 8 + length) });
    offset += 8 + length;
  }
  return out;
}

const storeRq = GOLDEN_COMMANDS.find((g) => g.name === 'C-STORE-RQ')!;
const echoRq = GOLDEN_COMMANDS.find((g) => g.name === 'C-ECHO-RQ')!;

describe('golden command sets', () => {
  it.each(GOLDEN_COMMANDS.map((g) => [g.name, g] as const))('%s decodes to its message', (_name, golden) => {
    expect(decodeCommand(golden.bytes)).toStrictEqual(golden.command);
  });

  it.each(GOLDEN_COMMANDS.map((g) => [g.name, g] as const))('%s encodes to its bytes', (_name, golden) => {
    expect(encodeCommand(golden.command).toString('hex')).toBe(golden.bytes.toString('hex'));
  });

  it.each(GOLDEN_COMMANDS.map((g) => [g.name, g] as const))('%s round trips both ways', (_name, golden) => {
    expect(encodeCommand(decodeCommand(golden.bytes)).equals(golden.bytes)).toBe(true);
    expect(decodeCommand(encodeCommand(golden.command))).toStrictEqual(golden.command);
  });

  it.each(GOLDEN_COMMANDS.map((g) => [g.name, g] as const))(
    '%s: group length first and right, tags ascending, values even (PS3.7 §6.3.1)',
    (_name, golden) => {
      const elements = elementsOf(encodeCommand(golden.command));
      expect(elements[0].element).toBe(0x0000);
      expect(elements[0].value.readUInt32LE(0)).toBe(golden.bytes.length - 12);
      const tags = elements.map((e) => e.element);
      expect([...tags].sort((a, b) => a - b)).toEqual(tags);
      expect(new Set(tags).size).toBe(tags.length);
      for (const e of elements) expect(e.value.length % 2).toBe(0);
    },
  );
});

describe('decodeCommand', () => {
  it('reads a Uint8Array that is not a Buffer, at an offset in a larger buffer', () => {
    const backing = new Uint8Array(echoRq.bytes.length + 10);
    backing.set(echoRq.bytes, 5);
    expect(decodeCommand(backing.subarray(5, 5 + echoRq.bytes.length))).toStrictEqual(echoRq.command);
  });

  it('ignores unknown command elements, elements of other groups, and a missing or wrong group length', () => {
    const bytes = Buffer.concat([
      el(0x0000, Buffer.from([0xff, 0xff, 0, 0])), // a group length that is wrong
      el(0x0002, text('1.2.840.10008.1.1 ')), //      UID padded with a space by a sloppy peer
      el(0x0100, us(0x0030)),
      el(0x0110, us(9)),
      el(0x0800, us(0x0101)),
      el(0x0850, us(3)), //                            retired Number of Matches
      el(0x5010, text('XX')), //                      retired Message Set ID
      Buffer.from('0800180004000000' + '312e3200', 'hex'), // (0008,0018), which has no place here
    ]);
    expect(decodeCommand(bytes)).toStrictEqual({
      commandField: 'C-ECHO-RQ',
      messageId: 9,
      affectedSopClassUid: '1.2.840.10008.1.1',
      hasDataSet: false,
    });
  });

  it('treats any Command Data Set Type other than 0101H as a data set', () => {
    for (const type of [0x0000, 0x0001, 0x0102, 0xfefe]) {
      const bytes = Buffer.concat([el(0x0100, us(0x0fff)), el(0x0120, us(1)), el(0x0800, us(type))]);
      expect(decodeCommand(bytes).hasDataSet).toBe(true);
    }
  });

  it('reads several offending elements (AT, VM 1-n)', () => {
    const bytes = Buffer.concat([
      el(0x0100, us(0x8030)),
      el(0x0120, us(1)),
      el(0x0800, us(0x0101)),
      el(0x0900, us(0xc000)),
      el(0x0901, Buffer.from('10002000' + 'e07f1000', 'hex')),
    ]);
    expect(decodeCommand(bytes)).toMatchObject({ offendingElement: [0x00100020, 0x7fe00010] });
  });

  describe('refuses', () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      [
        'a command this stack does not perform, naming it',
        Buffer.concat([el(0x0100, us(0x0021)), el(0x0110, us(1)), el(0x0800, us(0x0001))]),
        /unsupported command C-MOVE-RQ \(0021H\)/,
      ],
      [
        'an unknown command field',
        Buffer.concat([el(0x0100, us(0x1234)), el(0x0800, us(0x0101))]),
        /unsupported command unknown \(1234H\)/,
      ],
      ['a command set without Command Field', Buffer.concat([el(0x0110, us(1))]), /lacks \(0000,0100\) Command Field/],
      [
        'a C-STORE-RQ without Affected SOP Instance UID',
        Buffer.concat(elementsOf(storeRq.bytes).filter((e) => e.element !== 0x1000).map((e) => el(e.element, e.value))),
        /C-STORE-RQ lacks \(0000,1000\) Affected SOP Instance UID/,
      ],
      [
        'a C-STORE-RQ with an empty Affected SOP Class UID',
        Buffer.concat(elementsOf(storeRq.bytes).map((e) => el(e.element, e.element === 0x0002 ? Buffer.alloc(0) : e.value))),
        /C-STORE-RQ lacks \(0000,0002\) Affected SOP Class UID/,
      ],
      [
        'a command without Command Data Set Type',
        Buffer.concat([el(0x0100, us(0x0030)), el(0x0002, text('1.2')), el(0x0110, us(1))]),
        /C-ECHO-RQ lacks \(0000,0800\) Command Data Set Type/,
      ],
      [
        'a response without Status',
        Buffer.concat([el(0x0100, us(0x8030)), el(0x0120, us(1)), el(0x0800, us(0x0101))]),
        /C-ECHO-RSP lacks \(0000,0900\) Status/,
      ],
      [
        'a US value of the wrong size',
        Buffer.concat([el(0x0100, Buffer.from('30000000', 'hex'))]),
        /\(0000,0100\) Command Field has 4 bytes, expected 2/,
      ],
      [
        'a priority outside LOW, MEDIUM and HIGH',
        Buffer.concat(elementsOf(storeRq.bytes).map((e) => el(e.element, e.element === 0x0700 ? us(7) : e.value))),
        /Priority is 0007H/,
      ],
      [
        'an element that occurs twice',
        Buffer.concat([el(0x0100, us(0x0030)), el(0x0100, us(0x0030))]),
        /\(0000,0100\) occurs twice/,
      ],
      ['a truncated element header', Buffer.concat([el(0x0100, us(0x0030)), Buffer.from('000010', 'hex')]), /ends inside an element header/],
      [
        'a value length past the end of the bytes',
        Buffer.concat([el(0x0100, us(0x0030)), Buffer.from('00001001f0ffffff0100', 'hex')]),
        /\(0000,0110\) claims 4294967280 bytes at byte 18 but the command set has 2 left/,
      ],
      [
        'an undefined length',
        Buffer.concat([el(0x0100, us(0x0030)), Buffer.from('00000200ffffffff', 'hex')]),
        /undefined length/,
      ],
      [
        'an AT value that is not whole tags',
        Buffer.concat([
          el(0x0100, us(0x8030)),
          el(0x0120, us(1)),
          el(0x0800, us(0x0101)),
          el(0x0900, us(0xc000)),
          el(0x0901, Buffer.from('10002000e07f', 'hex')),
        ]),
        /\(0000,0901\) Offending Element has 6 bytes, expected a multiple of 4/,
      ],
    ];
    it.each(cases)('%s', (_name, bytes, message) => {
      expect(() => decodeCommand(bytes)).toThrow(DimseDecodeError);
      expect(() => decodeCommand(bytes)).toThrow(message);
    });
  });

  it('throws only DimseDecodeError on any truncation or corruption of a valid command set', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const golden of GOLDEN_COMMANDS) {
      for (let length = 0; length < golden.bytes.length; length++) {
        expectDecodedOrDecodeError(golden.bytes.subarray(0, length));
      }
      for (let i = 0; i < 300; i++) {
        const corrupt = Buffer.from(golden.bytes);
        corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
        expectDecodedOrDecodeError(corrupt);
      }
    }
  });
});

function expectDecodedOrDecodeError(bytes: Buffer): void {
  try {
    decodeCommand(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(DimseDecodeError);
  }
}

describe('encodeCommand', () => {
  const rsp: CStoreRsp = {
    commandField: 'C-STORE-RSP',
    messageIdBeingRespondedTo: 1,
    status: 0xa700,
    hasDataSet: false,
  };

  it('keeps an error comment to what LO can carry: default repertoire, no backslash, 64 characters', () => {
    const comment = `Stockage indisponible: écriture refusée \\ ${'x'.repeat(80)}`;
    const decoded = decodeCommand(encodeCommand({ ...rsp, errorComment: comment })) as CStoreRsp;
    expect(decoded.errorComment).toBe(`Stockage indisponible: ?criture refus?e ? ${'x'.repeat(80)}`.slice(0, 64));
    expect(decoded.errorComment).toHaveLength(64);
  });

  it('leaves out an error comment that is blank and an empty offending element list', () => {
    const bytes = encodeCommand({ ...rsp, errorComment: '   ', offendingElement: [] });
    expect(elementsOf(bytes).map((e) => e.element)).toEqual([0x0000, 0x0100, 0x0120, 0x0800, 0x0900]);
  });

  it('announces a data set with 0001H and none with 0101H', () => {
    const find = (hasDataSet: boolean): DimseCommand => ({
      commandField: 'C-FIND-RSP',
      messageIdBeingRespondedTo: 1,
      status: 0,
      hasDataSet,
    });
    const typeOf = (cmd: DimseCommand): number =>
      elementsOf(encodeCommand(cmd))
        .find((e) => e.element === 0x0800)!
        .value.readUInt16LE(0);
    expect(typeOf(find(true))).toBe(0x0001);
    expect(typeOf(find(false))).toBe(0x0101);
  });

  it('trims and space-pads the move originator AE title', () => {
    const cmd = { ...(storeRq.command as CStoreRq), moveOriginatorApplicationEntityTitle: '  MOVESCU ' };
    expect(encodeCommand(cmd).equals(storeRq.bytes)).toBe(true);
  });

  it.each([
    ['a UID with letters', { affectedSopInstanceUid: '1.2.abc' }, /Affected SOP Instance UID is not a UID/],
    ['a UID over 64 characters', { affectedSopInstanceUid: `1.${'2'.repeat(63)}` }, /is not a UID/],
    ['an empty UID', { affectedSopClassUid: '' }, /Affected SOP Class UID is not a UID/],
    ['a message ID over 16 bits', { messageId: 70000 }, /\(0000,0110\) Message ID must be an unsigned 16-bit integer/],
    ['a fractional message ID', { messageId: 1.5 }, /Message ID must be/],
    ['an AE title over 16 characters', { moveOriginatorApplicationEntityTitle: 'A'.repeat(17) }, /not an AE title/],
    ['an AE title with a backslash', { moveOriginatorApplicationEntityTitle: 'A\\B' }, /not an AE title/],
  ])('refuses %s', (_name, change, message) => {
    expect(() => encodeCommand({ ...(storeRq.command as CStoreRq), ...change })).toThrow(message);
  });

  it('refuses an offending element that is not a tag', () => {
    expect(() => encodeCommand({ ...rsp, offendingElement: [0x1_0000_0000] })).toThrow(/not a tag/);
  });
});

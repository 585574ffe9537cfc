import { deflateRawSync } from 'node:zlib';

import {
  EXPLICIT_BE,
  EXPLICIT_LE,
  header,
  IMPLICIT_LE,
  item,
  pixelData,
  raw,
  sequence,
  type Syntax,
  text,
  UNDEFINED,
  us,
} from './__fixtures__/data-set-builder';
import { seededRandom, randomChunks } from './__fixtures__/pydicom-files';
import { LeadingAttributes, LeadingAttributesReader } from './leading-attributes';
import { TransferSyntaxUid } from './transfer-syntax';

const UID = {
  [JSON.stringify(IMPLICIT_LE)]: TransferSyntaxUid.ImplicitVrLittleEndian,
  [JSON.stringify(EXPLICIT_LE)]: TransferSyntaxUid.ExplicitVrLittleEndian,
  [JSON.stringify(EXPLICIT_BE)]: TransferSyntaxUid.ExplicitVrBigEndian,
};

function read(transferSyntaxUid: string, chunks: Buffer[], maxBytes?: number): LeadingAttributes {
  const reader = new LeadingAttributesReader(transferSyntaxUid, maxBytes === undefined ? {} : { maxBytes });
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return reader.result();
}

function everyByte(bytes: Buffer): Buffer[] {
  return [...bytes].map((byte) => Buffer.from([byte]));
}

/** Patient, study and instance attributes around nested sequences of every length form. */
function sampleDataSet(s: Syntax): Buffer {
  const nested = Buffer.concat([
    text(s, 0x00081150, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    sequence(s, 0x00081199, [item(s, text(s, 0x00081155, 'UI', '9.9.9'), false)], false),
  ]);
  return Buffer.concat([
    text(s, 0x00080005, 'CS', 'ISO_IR 100'),
    text(s, 0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    text(s, 0x00080018, 'UI', '1.2.3.4.5'),
    text(s, 0x00080020, 'DA', '20240102'),
    text(s, 0x00080060, 'CS', 'CT'),
    text(s, 0x00080080, 'LO', ' Hôpital Nord  '),
    sequence(s, 0x00081110, [item(s, nested, true), item(s, nested, false)], false),
    sequence(s, 0x00081115, [item(s, nested, false)], true),
    text(s, 0x00100010, 'PN', 'Doe^Jane'),
    text(s, 0x00100020, 'LO', 'PID-1'),
    raw(s, 0x00181310, 'US', Buffer.alloc(8)),
    text(s, 0x0020000d, 'UI', '1.2.3'),
    text(s, 0x00200032, 'DS', ' -1.5\\2 \\3.25'),
    us(s, 0x00280010, 512),
    us(s, 0x00280011, 512),
    pixelData(s),
  ]);
}

describe('LeadingAttributesReader', () => {
  describe.each([
    ['Implicit VR Little Endian', IMPLICIT_LE],
    ['Explicit VR Little Endian', EXPLICIT_LE],
    ['Explicit VR Big Endian', EXPLICIT_BE],
  ])('in %s', (_name, syntax) => {
    const bytes = sampleDataSet(syntax);
    const uid = UID[JSON.stringify(syntax)];

    it('reads the attributes before Pixel Data and skips sequences of every length form', () => {
      const result = read(uid, [bytes]);
      expect(result.complete).toBe(true);
      expect(result.error).toBeUndefined();
      expect(result.get('SOPInstanceUID')).toBe('1.2.3.4.5');
      expect(result.get('Modality')).toBe('CT');
      expect(result.get('StudyDate')).toBe('20240102');
      expect(result.get('InstitutionName')).toBe('Hôpital Nord');
      expect(result.get('PatientName')).toBe('Doe^Jane');
      expect(result.get('PatientID')).toBe('PID-1');
      expect(result.get('StudyInstanceUID')).toBe('1.2.3');
      expect(result.get('ImagePositionPatient')).toBe('-1.5\\2\\3.25');
      expect(result.get('Rows')).toBe('512');
      expect(result.elements.get(0x00081110)).toEqual({ vr: 'SQ', value: '' });
      expect(result.elements.get(0x00081115)).toEqual({ vr: 'SQ', value: '' });
      // Nested attributes are never recorded as top-level ones.
      expect(result.elements.has(0x00081155)).toBe(false);
      expect(result.elements.has(0x7fe00010)).toBe(false);
    });

    it('gives the same result one byte at a time and in random chunks', () => {
      const whole = read(uid, [bytes]).toJson();
      expect(read(uid, everyByte(bytes)).toJson()).toEqual(whole);
      const random = seededRandom(7);
      for (let round = 0; round < 20; round++) expect(read(uid, randomChunks(bytes, random, 64)).toJson()).toEqual(whole);
    });

    it('stops at Pixel Data and ignores what follows', () => {
      const reader = new LeadingAttributesReader(uid);
      reader.push(bytes);
      expect(reader.finished).toBe(true);
      reader.push(Buffer.from('anything at all'));
      expect(reader.result().complete).toBe(true);
    });
  });

  it('decodes binary numbers of each VR, little and big endian', () => {
    for (const s of [EXPLICIT_LE, EXPLICIT_BE]) {
      const le = s.littleEndian;
      const f32 = Buffer.alloc(8);
      const f64 = Buffer.alloc(8);
      const s32 = Buffer.alloc(8);
      if (le) {
        f32.writeFloatLE(0.1, 0);
        f32.writeFloatLE(-2.5, 4);
        f64.writeDoubleLE(1 / 3, 0);
        s32.writeInt32LE(-7, 0);
        s32.writeInt32LE(70000, 4);
      } else {
        f32.writeFloatBE(0.1, 0);
        f32.writeFloatBE(-2.5, 4);
        f64.writeDoubleBE(1 / 3, 0);
        s32.writeInt32BE(-7, 0);
        s32.writeInt32BE(70000, 4);
      }
      const attribute = Buffer.alloc(4);
      if (le) {
        attribute.writeUInt16LE(0x0010, 0);
        attribute.writeUInt16LE(0x0020, 2);
      } else {
        attribute.writeUInt16BE(0x0010, 0);
        attribute.writeUInt16BE(0x0020, 2);
      }
      const result = read(s === EXPLICIT_LE ? TransferSyntaxUid.ExplicitVrLittleEndian : TransferSyntaxUid.ExplicitVrBigEndian, [
        Buffer.concat([
          raw(s, 0x00189000, 'FL', f32),
          raw(s, 0x00189001, 'FD', f64),
          raw(s, 0x00189002, 'SL', s32),
          raw(s, 0x00189003, 'AT', attribute),
          raw(s, 0x00189004, 'US', Buffer.from(le ? [0x01, 0x02, 0xff] : [0x02, 0x01, 0xff])),
        ]),
      ]);
      expect(result.elements.get(0x00189000)).toEqual({ vr: 'FL', value: '0.1\\-2.5' });
      expect(result.elements.get(0x00189001)).toEqual({ vr: 'FD', value: String(1 / 3) });
      expect(result.elements.get(0x00189002)).toEqual({ vr: 'SL', value: '-7\\70000' });
      expect(result.elements.get(0x00189003)).toEqual({ vr: 'AT', value: '00100020' });
      // An odd length is honoured as declared; the incomplete last value is not decoded.
      expect(result.elements.get(0x00189004)).toEqual({ vr: 'US', value: '513' });
      expect(result.complete).toBe(true);
    }
  });

  it('trims only the padding each VR declares insignificant (PS3.5 Table 6.2-1)', () => {
    const s = EXPLICIT_LE;
    const result = read(TransferSyntaxUid.ExplicitVrLittleEndian, [
      Buffer.concat([
        text(s, 0x00080060, 'CS', ' MR '),
        text(s, 0x00081030, 'LO', '  Head \\ Neck '),
        text(s, 0x00100010, 'PN', ' Doe^John  '),
        text(s, 0x00104000, 'LT', '  line one\\two  '),
        raw(s, 0x0020000d, 'UI', Buffer.from('1.2.3\0', 'latin1')),
      ]),
    ]);
    expect(result.get('Modality')).toBe('MR');
    expect(result.get('StudyDescription')).toBe('Head\\Neck');
    expect(result.get('PatientName')).toBe(' Doe^John');
    expect(result.get('PatientComments')).toBe('  line one\\two');
    expect(result.get('StudyInstanceUID')).toBe('1.2.3');
  });

  it('decodes UTF-8 under ISO_IR 192 and flags character sets it cannot decode', () => {
    const s = EXPLICIT_LE;
    const utf8 = read(TransferSyntaxUid.ExplicitVrLittleEndian, [
      Buffer.concat([text(s, 0x00080005, 'CS', 'ISO_IR 192'), text(s, 0x00100010, 'PN', 'Müller^Zoë=山田', 'utf8')]),
    ]);
    expect(utf8.get('PatientName')).toBe('Müller^Zoë=山田');
    expect(utf8.unsupportedCharacterSet).toBeUndefined();
    const greek = read(TransferSyntaxUid.ExplicitVrLittleEndian, [
      Buffer.concat([text(s, 0x00080005, 'CS', 'ISO_IR 126'), raw(s, 0x00100010, 'PN', Buffer.from([0xc4, 0xe9]))]),
    ]);
    expect(greek.get('PatientName')).toBe('\u00c4\u00e9');
    expect(greek.unsupportedCharacterSet).toBe('ISO_IR 126');
    expect(greek.toJson().unsupportedCharacterSet).toBe('ISO_IR 126');
  });

  it('reads a UN element of undefined length as an Implicit VR sequence and a UN standard attribute by its dictionary VR', () => {
    const implicitItem = item(IMPLICIT_LE, text(IMPLICIT_LE, 0x00100010, 'PN', 'Nested^Name'), false);
    const unSequence = sequence(IMPLICIT_LE, 0x00091010, [implicitItem], false);
    const explicitHeader = header(EXPLICIT_LE, 0x00091010, 'UN', UNDEFINED);
    const body = Buffer.concat([
      explicitHeader,
      unSequence.subarray(8),
      raw(EXPLICIT_LE, 0x00100020, 'UN', Buffer.from('ID-7  ', 'latin1')),
      pixelData(EXPLICIT_LE),
    ]);
    const result = read(TransferSyntaxUid.ExplicitVrLittleEndian, everyByte(body));
    expect(result.complete).toBe(true);
    expect(result.elements.get(0x00091010)).toEqual({ vr: 'UN', value: '' });
    expect(result.get('PatientName')).toBeUndefined();
    expect(result.get('PatientID')).toBe('ID-7');
    expect(result.elements.get(0x00100020)?.vr).toBe('LO');
  });

  it('reads an Implicit VR data set sent under an explicit transfer syntax, and says so', () => {
    const bytes = sampleDataSet(IMPLICIT_LE);
    const result = read(TransferSyntaxUid.ExplicitVrLittleEndian, [bytes]);
    expect(result.complete).toBe(true);
    expect(result.get('PatientName')).toBe('Doe^Jane');
    expect(result.warning).toMatch(/Implicit VR/);
  });

  it('reads a deflated data set (PS3.5 §A.5) from a copy of its compressed prefix', () => {
    const bytes = sampleDataSet(EXPLICIT_LE);
    const compressed = deflateRawSync(bytes);
    const result = read(TransferSyntaxUid.DeflatedExplicitVrLittleEndian, randomChunks(compressed, seededRandom(3), 16));
    expect(result.toJson()).toEqual(read(TransferSyntaxUid.ExplicitVrLittleEndian, [bytes]).toJson());
  });

  it('finds the header of a deflated instance whose pixel data inflates a thousandfold, without inflating it', () => {
    const s = EXPLICIT_LE;
    const bytes = Buffer.concat([
      text(s, 0x00080018, 'UI', '1.2.3.4'),
      text(s, 0x00100010, 'PN', 'Zero^Pixels'),
      raw(s, 0x7fe00010, 'OW', Buffer.alloc(64 * 1024 * 1024)),
    ]);
    const compressed = deflateRawSync(bytes);
    const started = process.hrtime.bigint();
    const reader = new LeadingAttributesReader(TransferSyntaxUid.DeflatedExplicitVrLittleEndian);
    for (let pos = 0; pos < compressed.length && !reader.finished; pos += 16 * 1024) reader.push(compressed.subarray(pos, pos + 16 * 1024));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const result = reader.result();
    expect(result.error).toBeUndefined();
    expect(result.complete).toBe(true);
    expect(result.get('PatientName')).toBe('Zero^Pixels');
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('gives up on a deflate bomb in front of Pixel Data at maxBytes', () => {
    const s = EXPLICIT_LE;
    const bytes = Buffer.concat([
      text(s, 0x00100010, 'PN', 'Bomb'),
      raw(s, 0x00091010, 'OB', Buffer.alloc(32 * 1024 * 1024)),
      pixelData(s),
    ]);
    const compressed = deflateRawSync(bytes);
    const result = read(TransferSyntaxUid.DeflatedExplicitVrLittleEndian, [compressed]);
    expect(result.complete).toBe(false);
    expect(result.get('PatientName')).toBe('Bomb');
    expect(result.error).toMatch(/1048576-byte limit/);
  });

  it('records a corrupt deflate stream as an error', () => {
    const result = read(TransferSyntaxUid.DeflatedExplicitVrLittleEndian, [Buffer.alloc(4096, 0xff)]);
    expect(result.complete).toBe(false);
    expect(result.error).toMatch(/unreadable data set/);
  });

  describe('with hostile or broken input', () => {
    it('waits for a value whose length runs past the bytes received so far', () => {
      const element = text(EXPLICIT_LE, 0x00100010, 'PN', 'Waiting^For^It');
      const reader = new LeadingAttributesReader(TransferSyntaxUid.ExplicitVrLittleEndian);
      reader.push(element.subarray(0, 10));
      expect(reader.finished).toBe(false);
      reader.push(element.subarray(10));
      reader.push(pixelData(EXPLICIT_LE));
      expect(reader.result().get('PatientName')).toBe('Waiting^For^It');
    });

    it('ends at once, incomplete, when an element claims more than maxBytes', () => {
      const reader = new LeadingAttributesReader(TransferSyntaxUid.ExplicitVrLittleEndian);
      reader.push(Buffer.concat([text(EXPLICIT_LE, 0x00100010, 'PN', 'Kept'), header(EXPLICIT_LE, 0x00100020, 'UT', 0x7ffffff0)]));
      expect(reader.finished).toBe(true);
      const result = reader.result();
      expect(result.complete).toBe(false);
      expect(result.get('PatientName')).toBe('Kept');
      expect(result.error).toMatch(/\(0010,0020\) of 2147483632 bytes/);
    });

    it('ends incomplete when no Pixel Data comes within maxBytes, holding nothing it skips', () => {
      const big = raw(EXPLICIT_LE, 0x00091010, 'OB', Buffer.alloc(3000));
      const result = read(TransferSyntaxUid.ExplicitVrLittleEndian, [big, big, pixelData(EXPLICIT_LE)], 4096);
      expect(result.complete).toBe(false);
      expect(result.error).toMatch(/4096/);
    });

    it('stops at maxBytes on an endless run of empty items', () => {
      const s = EXPLICIT_LE;
      const emptyItem = item(s, Buffer.alloc(0), false);
      const reader = new LeadingAttributesReader(TransferSyntaxUid.ExplicitVrLittleEndian, { maxBytes: 4096 });
      reader.push(header(s, 0x00081110, 'SQ', UNDEFINED));
      for (let i = 0; i < 1000 && !reader.finished; i++) reader.push(emptyItem);
      expect(reader.finished).toBe(true);
      expect(reader.result().error).toMatch(/within the first 4096 bytes/);
    });

    it('counts a data set of exactly maxBytes without Pixel Data as complete', () => {
      const element = text(EXPLICIT_LE, 0x00100010, 'PN', 'Exact');
      expect(read(TransferSyntaxUid.ExplicitVrLittleEndian, [element], element.length).complete).toBe(true);
    });

    it('reports a data set cut inside an element or a sequence', () => {
      const bytes = sampleDataSet(EXPLICIT_LE);
      expect(read(TransferSyntaxUid.ExplicitVrLittleEndian, [bytes.subarray(0, 101)]).error).toMatch(/ends inside/);
      const open = Buffer.concat([header(EXPLICIT_LE, 0x00081110, 'SQ', UNDEFINED)]);
      expect(read(TransferSyntaxUid.ExplicitVrLittleEndian, [open]).error).toBe('data set ends inside a sequence');
    });

    it('reports a data set that simply ends as complete', () => {
      const result = read(TransferSyntaxUid.ImplicitVrLittleEndian, [text(IMPLICIT_LE, 0x00100010, 'PN', 'No^Pixels')]);
      expect(result.complete).toBe(true);
      expect(result.get('PatientName')).toBe('No^Pixels');
    });

    it('refuses sequences nested beyond 64 levels', () => {
      const s = EXPLICIT_LE;
      let nested = text(s, 0x00100010, 'PN', 'Deep');
      for (let depth = 0; depth < 40; depth++) nested = sequence(s, 0x00081110, [item(s, nested, false)], false);
      const result = read(TransferSyntaxUid.ExplicitVrLittleEndian, [nested]);
      expect(result.complete).toBe(false);
      expect(result.error).toMatch(/nested deeper than 64/);
    });

    it('stops with an error on an item tag outside a sequence or an element where an item belongs', () => {
      const stray = item(EXPLICIT_LE, Buffer.alloc(0), true);
      expect(read(TransferSyntaxUid.ExplicitVrLittleEndian, [stray]).error).toMatch(/outside any sequence/);
      const misplaced = Buffer.concat([header(EXPLICIT_LE, 0x00081110, 'SQ', UNDEFINED), text(EXPLICIT_LE, 0x00100010, 'PN', 'X')]);
      expect(read(TransferSyntaxUid.ExplicitVrLittleEndian, [misplaced]).error).toMatch(/where a sequence item was expected/);
    });

    it('never throws on random bytes in any transfer syntax', () => {
      const random = seededRandom(99);
      const syntaxes = [
        TransferSyntaxUid.ImplicitVrLittleEndian,
        TransferSyntaxUid.ExplicitVrLittleEndian,
        TransferSyntaxUid.ExplicitVrBigEndian,
        TransferSyntaxUid.DeflatedExplicitVrLittleEndian,
        '1.2.840.10008.1.2.4.50',
      ];
      for (let round = 0; round < 300; round++) {
        const bytes = Buffer.alloc(1 + Math.floor(random() * 2048));
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
        const uid = syntaxes[round % syntaxes.length];
        const result = read(uid, randomChunks(bytes, random, 128), 1024);
        expect(result).toBeInstanceOf(LeadingAttributes);
        if (!result.complete) expect(typeof result.error).toBe('string');
      }
    });

    it('never throws on valid data sets with random bytes corrupted', () => {
      const random = seededRandom(1234);
      for (const syntax of [IMPLICIT_LE, EXPLICIT_LE, EXPLICIT_BE]) {
        const original = sampleDataSet(syntax);
        for (let round = 0; round < 200; round++) {
          const bytes = Buffer.from(original);
          for (let flips = 0; flips < 4; flips++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
          expect(() => read(UID[JSON.stringify(syntax)], randomChunks(bytes, random, 32))).not.toThrow();
        }
      }
    });
  });

  describe('result', () => {
    it('looks attributes up by keyword and serialises them for events', () => {
      const result = read(TransferSyntaxUid.ExplicitVrLittleEndian, [sampleDataSet(EXPLICIT_LE)]);
      expect(result.get('NoSuchKeyword')).toBeUndefined();
      expect(result.get('AccessionNumber')).toBeUndefined();
      const json = result.toJson();
      expect(json.complete).toBe(true);
      expect(json.elements['00100010']).toEqual({ vr: 'PN', keyword: 'PatientName', value: 'Doe^Jane' });
      expect(json.elements['00081110']).toEqual({ vr: 'SQ', keyword: 'ReferencedStudySequence', value: '' });
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    });
  });
});

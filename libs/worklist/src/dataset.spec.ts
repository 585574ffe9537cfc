import { readDataSet } from './dataset-reader';
import { writeDataSet } from './dataset-writer';
import { encodeResponse } from './response';
import { IdentifierError } from './errors';
import type { DicomJson } from './dicom-json';

const identifier: DicomJson = {
  '00080005': { vr: 'CS', Value: ['ISO_IR 100'] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller^Jürgen' }] },
  '00100020': { vr: 'LO' },
  '00400100': { vr: 'SQ', Value: [{ '00080060': { vr: 'CS', Value: ['MR'] }, '00400002': { vr: 'DA', Value: ['20261127-'] } }] },
};

describe('identifier bytes', () => {
  it.each([true, false])('round-trips Explicit VR = %s, texts in the declared character set', (explicitVr) => {
    const bytes = writeDataSet(identifier, { explicitVr, encoding: 'latin1' });
    expect(bytes.includes(Buffer.from('M\xfcller', 'latin1'))).toBe(true);
    expect(readDataSet(bytes, { explicitVr })).toEqual(identifier);
  });

  it('decodes ISO_IR 192 as UTF-8', () => {
    const utf8: DicomJson = { '00080005': { vr: 'CS', Value: ['ISO_IR 192'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: '山田^太郎' }] } };
    expect(readDataSet(writeDataSet(utf8, { explicitVr: true, encoding: 'utf8' }), { explicitVr: true })).toEqual(utf8);
  });

  it('refuses an unsupported character set, naming the attribute', () => {
    const bytes = writeDataSet({ '00080005': { vr: 'CS', Value: ['ISO 2022 IR 87'] } }, { explicitVr: true, encoding: 'latin1' });
    expect(() => readDataSet(bytes, { explicitVr: true })).toThrow(/not supported/);
  });

  it('refuses truncated data, unknown VRs and undefined lengths outside sequences', () => {
    const bytes = writeDataSet(identifier, { explicitVr: true, encoding: 'latin1' });
    expect(() => readDataSet(bytes.subarray(0, bytes.length - 3), { explicitVr: true })).toThrow(IdentifierError);
    const badVr = Buffer.from(bytes);
    badVr.write('ZZ', 4, 'latin1');
    expect(() => readDataSet(badVr, { explicitVr: true })).toThrow(/unknown VR/);
  });

  it('refuses sequences nested 1,000 deep without exhausting the stack', () => {
    let body = Buffer.alloc(0);
    for (let i = 0; i < 1000; i++) {
      const item = Buffer.concat([Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]), body, Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0])]);
      body = Buffer.concat([Buffer.from([0x40, 0x00, 0x00, 0x01, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff]), item, Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0])]);
    }
    const error = (() => {
      try {
        readDataSet(body, { explicitVr: true });
      } catch (e) {
        return e as IdentifierError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(IdentifierError);
    expect(error!.kind).toBe('invalid');
    expect(error!.message).toMatch(/nest deeper than 8/);
  });

  it('encodes a response with Specific Character Set chosen for its texts', () => {
    const latin = readDataSet(encodeResponse({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller' }] } }, ['ISO_IR 100'], true), { explicitVr: true });
    expect(latin['00080005']).toEqual({ vr: 'CS', Value: ['ISO_IR 100'] });
    const utf8 = readDataSet(encodeResponse({ '00100010': { vr: 'PN', Value: [{ Alphabetic: '山田' }] } }, ['ISO_IR 100'], false), { explicitVr: false });
    expect(utf8['00080005']).toEqual({ vr: 'CS', Value: ['ISO_IR 192'] });
    expect(utf8['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: '山田' }] });
    const ascii = readDataSet(encodeResponse({ '00100020': { vr: 'LO', Value: ['X'] } }, [], true), { explicitVr: true });
    expect(ascii['00080005']).toEqual({ vr: 'CS' });
  });
});

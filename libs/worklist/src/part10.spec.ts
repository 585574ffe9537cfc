import { readWorklistFile } from './part10';
import { writeDataSet } from './dataset-writer';
import { InvalidItemError } from './errors';

function part10(body: Buffer): Buffer {
  const meta = writeDataSet(
    { '00020002': { vr: 'UI', Value: ['1.2.276.0.7230010.3.1.0.1'] }, '00020003': { vr: 'UI', Value: ['2.25.1'] }, '00020010': { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] } },
    { explicitVr: true, encoding: 'latin1' },
  );
  const length = writeDataSet({ '00020000': { vr: 'UL', Value: [meta.length] } }, { explicitVr: true, encoding: 'latin1' });
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), length, meta, body]);
}

describe('worklist files', () => {
  const dataSet = {
    '00080005': { vr: 'CS', Value: ['ISO_IR 100'] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller^Jürgen' }] },
    '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['AA32', 'AA33'] }, '00400012': { vr: 'LO' } }] },
  };

  it('reads a Part-10 file with dcmjs into DICOM JSON, Latin-1 decoded, empty values without Value', () => {
    const json = readWorklistFile(part10(writeDataSet(dataSet, { explicitVr: true, encoding: 'latin1' })));
    expect(json).toEqual(dataSet);
  });

  it('reads a bare data set (dump2dcm without -F) with its own reader', () => {
    expect(readWorklistFile(writeDataSet(dataSet, { explicitVr: true, encoding: 'latin1' }))).toEqual(dataSet);
  });

  it('refuses bytes that are neither', () => {
    expect(() => readWorklistFile(Buffer.from('not a DICOM file at all'))).toThrow(InvalidItemError);
  });
});

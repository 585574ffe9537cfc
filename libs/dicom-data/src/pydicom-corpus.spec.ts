import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

import {
  dcmdumpValues,
  DCMDUMP,
  listFiles,
  PYDICOM_CHARSET_FILES,
  PYDICOM_TEST_FILES,
  randomChunks,
  seededRandom,
} from './__fixtures__/pydicom-files';
import { NotPart10Error } from './errors';
import { readFileMetaInformation } from './file-meta';
import { LeadingAttributes, LeadingAttributesReader } from './leading-attributes';

/**
 * Every Part-10 file pydicom ships, read in random chunks and compared with what DCMTK's dcmdump
 * prints for the attributes routing depends on.
 */

const COMPARED: readonly [tag: string, keyword: string][] = [
  ['0008,0018', 'SOPInstanceUID'],
  ['0020,000d', 'StudyInstanceUID'],
  ['0008,0060', 'Modality'],
  ['0010,0010', 'PatientName'],
];

interface Parsed {
  file: string;
  transferSyntaxUid: string;
  whole: LeadingAttributes;
  chunked: LeadingAttributes;
}

function readInChunks(transferSyntaxUid: string, chunks: Buffer[]): LeadingAttributes {
  const reader = new LeadingAttributesReader(transferSyntaxUid);
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return reader.result();
}

/** The bytes dcmdump prints for a value we decoded: it prints values undecoded. */
function asStored(value: string | undefined, result: LeadingAttributes, keyword: string): Buffer | undefined {
  if (value === undefined) return undefined;
  const utf8 = keyword === 'PatientName' && result.get('SpecificCharacterSet') === 'ISO_IR 192';
  return Buffer.from(value, utf8 ? 'utf8' : 'latin1');
}

function parseAll(directory: string, seed: number): { parsed: Parsed[]; rejected: string[] } {
  const random = seededRandom(seed);
  const parsed: Parsed[] = [];
  const rejected: string[] = [];
  for (const file of listFiles(directory)) {
    const bytes = readFileSync(file);
    let meta;
    try {
      meta = readFileMetaInformation(bytes);
    } catch (error) {
      if (!(error instanceof NotPart10Error)) throw error;
      rejected.push(relative(directory, file));
      continue;
    }
    const dataSet = bytes.subarray(meta.dataSetOffset);
    parsed.push({
      file,
      transferSyntaxUid: meta.transferSyntaxUid,
      whole: readInChunks(meta.transferSyntaxUid, [dataSet]),
      chunked: readInChunks(meta.transferSyntaxUid, randomChunks(dataSet, random)),
    });
  }
  return { parsed, rejected };
}

/** dcmdump's exit status for one file: batch runs report only one for all. */
function dcmdumpReads(file: string): boolean {
  return spawnSync(DCMDUMP, ['-q', file], { stdio: 'ignore' }).status === 0;
}

describe('leading attributes of every pydicom test file, against dcmdump', () => {
  const { parsed, rejected } = parseAll(PYDICOM_TEST_FILES, 0x5eed);
  const dumped = dcmdumpValues(
    parsed.map((p) => p.file),
    COMPARED.map(([tag]) => tag),
  );

  it('reads the File Meta Information of at least 140 files and rejects the rest as not Part 10', () => {
    expect(parsed.length).toBeGreaterThanOrEqual(140);
    expect(rejected).toEqual(
      expect.arrayContaining(['no_meta.dcm', 'ExplVR_BigEndNoMeta.dcm', 'ExplVR_LitEndNoMeta.dcm', 'meta_missing_tsyntax.dcm']),
    );
  });

  it('finds the same values however the data set is chunked', () => {
    for (const { file, whole, chunked } of parsed) {
      expect({ file, ...chunked.toJson() }).toEqual({ file, ...whole.toJson() });
    }
  });

  it('agrees with dcmdump on SOP Instance UID, Study Instance UID, Modality and Patient Name', () => {
    let compared = 0;
    const unreadableByDcmdump: string[] = [];
    for (const { file, chunked } of parsed) {
      const theirs = dumped.get(file);
      if (!theirs) throw new Error(`dcmdump printed no header for ${file}`);
      if (theirs.size === 0 && !dcmdumpReads(file)) {
        unreadableByDcmdump.push(relative(PYDICOM_TEST_FILES, file));
        continue;
      }
      for (const [tag, keyword] of COMPARED) {
        const ours = asStored(chunked.get(keyword), chunked, keyword);
        expect({ file, keyword, value: ours?.toString('latin1') }).toEqual({
          file,
          keyword,
          value: theirs.get(tag)?.toString('latin1'),
        });
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(140);
    // dcmdump gives up on these (truncated files, an Implicit VR data set under JPEG Baseline).
    expect(unreadableByDcmdump.sort()).toEqual(['MR_truncated.dcm', 'SC_rgb_jpeg.dcm', 'rtplan_truncated.dcm']);
  });

  it('reaches Pixel Data or the end of the data set in every readable file', () => {
    const incomplete = parsed.filter((p) => !p.chunked.complete).map((p) => relative(PYDICOM_TEST_FILES, p.file));
    expect(incomplete).toEqual(['rtplan_truncated.dcm']);
  });

  it.each([
    ['image_dfl.dcm', '1.2.840.10008.1.2.1.99', 'OT', '1.3.6.1.4.1.5962.1.1.0.0.0.977067309.6001.0'],
    ['MR_small_bigendian.dcm', '1.2.840.10008.1.2.2', 'MR', '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457'],
    ['ExplVR_BigEnd.dcm', '1.2.840.10008.1.2.2', 'US', '1.2.840.1136190195280574824680000700.3.0.1.19970424140438'],
    ['CT_small.dcm', '1.2.840.10008.1.2.1', 'CT', '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322'],
    ['JPEG2000.dcm', '1.2.840.10008.1.2.4.91', 'NM', '1.3.6.1.4.1.5962.1.1.8.1.3.20040826185059.5457'],
    ['rtplan.dcm', '1.2.840.10008.1.2', 'RTPLAN', '1.2.777.777.77.7.7777.7777.20030903150023'],
    ['MR_small_implicit.dcm', '1.2.840.10008.1.2', 'MR', '1.3.6.1.4.1.5962.1.1.4.1.1.20040826185059.5457'],
    ['rtdose_rle.dcm', '1.2.840.10008.1.2.5', 'RTDOSE', '1.9.999.999.99.9.9999.9999.20030818153516'],
  ])('reads %s (%s)', (name, transferSyntaxUid, modality, sopInstanceUid) => {
    const entry = parsed.find((p) => relative(PYDICOM_TEST_FILES, p.file) === name);
    expect(entry?.transferSyntaxUid).toBe(transferSyntaxUid);
    expect(entry?.chunked.complete).toBe(true);
    expect(entry?.chunked.get('Modality')).toBe(modality);
    expect(entry?.chunked.get('SOPInstanceUID')).toBe(sopInstanceUid);
  });

  it('walks past the nested sequences of an RT plan to the attributes after them', () => {
    const plan = parsed.find((p) => p.file.endsWith('/rtplan.dcm'))?.chunked;
    // (300A,0010) Dose Reference Sequence and friends precede (300C,0060) and (300E,0002).
    expect(plan?.elements.get(0x300a0010)).toEqual({ vr: 'SQ', value: '' });
    expect(plan?.get('ApprovalStatus')).toBe('UNAPPROVED');
  });

  it('reads a UN sequence of undefined length as Implicit VR Little Endian (PS3.5 §6.2.2)', () => {
    const un = parsed.find((p) => p.file.endsWith('/UN_sequence.dcm'))?.chunked;
    expect(un?.complete).toBe(true);
    expect(un?.elements.get(0x4453100c)).toEqual({ vr: 'UN', value: '' });
    expect(un?.get('StudyInstanceUID')).toBeUndefined();
  });
});

describe('leading attributes of the pydicom character set files', () => {
  const { parsed } = parseAll(PYDICOM_CHARSET_FILES, 0xc4a5);
  const dumped = dcmdumpValues(
    parsed.map((p) => p.file),
    ['0010,0010'],
  );

  it('keeps the Patient Name bytes dcmdump prints, decoding Latin-1 and UTF-8 and flagging the rest', () => {
    expect(parsed.length).toBeGreaterThanOrEqual(15);
    for (const { file, chunked } of parsed) {
      const theirs = dumped.get(file)?.get('0010,0010');
      if (theirs === undefined) continue;
      const ours = asStored(chunked.get('PatientName'), chunked, 'PatientName');
      expect({ file, value: ours?.toString('latin1') }).toEqual({ file, value: theirs.toString('latin1') });
    }
  });

  it('decodes UTF-8 and Latin-1 names', () => {
    const utf8 = parsed.find((p) => p.file.endsWith('/chrX1.dcm'))?.chunked;
    expect(utf8?.get('SpecificCharacterSet')).toBe('ISO_IR 192');
    expect(utf8?.get('PatientName')).toBe('Wang^XiaoDong=王^小東=');
    expect(utf8?.unsupportedCharacterSet).toBeUndefined();
    const latin1 = parsed.find((p) => p.file.endsWith('/chrFren.dcm'))?.chunked;
    expect(latin1?.get('PatientName')).toBe('Buc^Jérôme');
    const japanese = parsed.find((p) => p.file.endsWith('/chrH31.dcm'))?.chunked;
    expect(japanese?.unsupportedCharacterSet).toBe('\\ISO 2022 IR 87');
  });
});

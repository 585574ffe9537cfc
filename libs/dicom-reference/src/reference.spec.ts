import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  dictionary,
  entryByKeyword,
  entryByTag,
  filterRows,
  referenceSource,
  sopClassByUid,
  sopClasses,
  transferSyntaxByUid,
  transferSyntaxes,
} from './index';

// PS3.5 9.1: components of digits without leading zeros, separated by dots, at most 64 characters.
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const TAG = /^\([0-9A-Fx]{4},[0-9A-Fx]{4}\)$/;

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => seen.has(value) || !seen.add(value));
}

describe('row counts', () => {
  it('holds hundreds of SOP classes, the transfer syntaxes with the retired ones, thousands of elements', () => {
    expect(sopClasses().length).toBeGreaterThan(250);
    expect(transferSyntaxes().length).toBeGreaterThanOrEqual(40);
    expect(transferSyntaxes().some((ts) => ts.retired)).toBe(true);
    expect(dictionary().length).toBeGreaterThan(4000);
  });

  it('names its source and DICOM edition', () => {
    expect(referenceSource().source).toMatch(/^pydicom \d+\.\d+\.\d+ tables \(DICOM edition \d{4}[a-e] as stated by pydicom\)$/);
  });
});

describe('filterRows (issue 3 examples)', () => {
  it('"worklist" finds Modality Worklist Information Model - FIND', () => {
    const found = filterRows(sopClasses(), 'worklist');
    expect(found).toContainEqual({
      uid: '1.2.840.10008.5.1.4.31',
      name: 'Modality Worklist Information Model - FIND',
      keyword: 'ModalityWorklistInformationModelFind',
      retired: false,
    });
  });

  it.each(['PatientName', 'patientname', '0010,0010', '  (0010,0010) '])('%p finds (0010,0010)', (text) => {
    expect(filterRows(dictionary(), text).map((entry) => entry.tag)).toContain('(0010,0010)');
  });

  it('matches every column, UIDs included, and a blank filter keeps everything', () => {
    expect(filterRows(transferSyntaxes(), '1.2.840.10008.1.2.4.5').map((ts) => ts.uid)).toContain('1.2.840.10008.1.2.4.50');
    expect(filterRows(dictionary(), 'OB or OW').every((entry) => entry.vr === 'OB or OW')).toBe(true);
    expect(filterRows(sopClasses(), ' ')).toHaveLength(sopClasses().length);
    expect(filterRows(sopClasses(), 'no such thing anywhere')).toEqual([]);
  });

  it('"retired" lists the retired rows', () => {
    const retired = filterRows(transferSyntaxes(), 'RETIRED');
    expect(retired.length).toBe(transferSyntaxes().filter((ts) => ts.retired).length);
  });
});

describe('transfer syntaxes', () => {
  it('has Implicit VR Little Endian, not retired', () => {
    expect(transferSyntaxByUid('1.2.840.10008.1.2')).toEqual({
      uid: '1.2.840.10008.1.2',
      name: 'Implicit VR Little Endian',
      keyword: 'ImplicitVRLittleEndian',
      retired: false,
    });
  });

  it('flags retired ones: JPEG Extended (Process 3 and 5), Explicit VR Big Endian', () => {
    expect(transferSyntaxByUid('1.2.840.10008.1.2.4.52')?.retired).toBe(true);
    expect(transferSyntaxByUid('1.2.840.10008.1.2.2')?.retired).toBe(true);
    expect(transferSyntaxByUid('1.2.840.10008.1.2.1')?.retired).toBe(false);
  });

  it('keeps SOP classes and transfer syntaxes apart', () => {
    expect(transferSyntaxByUid('1.2.840.10008.1.1')).toBeUndefined();
    expect(sopClassByUid('1.2.840.10008.1.2')).toBeUndefined();
  });
});

describe('SOP classes', () => {
  it('has Verification and the Meta SOP Classes, not well-known SOP instances', () => {
    expect(sopClassByUid('1.2.840.10008.1.1')?.name).toBe('Verification SOP Class');
    expect(sopClassByUid('1.2.840.10008.5.1.1.9')?.name).toBe('Basic Grayscale Print Management Meta SOP Class');
    expect(sopClassByUid('1.2.840.10008.1.20.1.1')).toBeUndefined();
    expect(sopClassByUid('1.2.840.10008.1.20.1')?.name).toBe('Storage Commitment Push Model SOP Class');
  });
});

describe('dictionary lookups', () => {
  it('finds (0010,0010) by tag text, by number and by keyword', () => {
    const patientName = { tag: '(0010,0010)', keyword: 'PatientName', name: "Patient's Name", vr: 'PN', vm: '1', retired: false };
    expect(entryByTag('(0010,0010)')).toEqual(patientName);
    expect(entryByTag('0010,0010')).toEqual(patientName);
    expect(entryByTag(0x00100010)).toEqual(patientName);
    expect(entryByKeyword('PatientName')).toEqual(patientName);
    expect(entryByKeyword('patientname')).toBeUndefined();
  });

  it('has repeating groups in the xx form and maps concrete even groups onto them', () => {
    expect(entryByTag('(60xx,3000)')?.keyword).toBe('OverlayData');
    expect(entryByTag('(60XX,3000)')?.keyword).toBe('OverlayData');
    expect(entryByTag(0x60023000)?.tag).toBe('(60xx,3000)');
    expect(entryByTag('(601E,0010)')?.keyword).toBe('OverlayRows');
    // PS3.5 7.8: an odd group is private, never an overlay.
    expect(entryByTag(0x60013000)).toBeUndefined();
    expect(entryByTag('(7FE0,0010)')?.keyword).toBe('PixelData');
  });

  it('rejects what is not a tag', () => {
    expect(entryByTag('PatientName')).toBeUndefined();
    expect(entryByTag(-1)).toBeUndefined();
    expect(entryByTag(0x100000000)).toBeUndefined();
    expect(entryByTag(1.5)).toBeUndefined();
    expect(entryByKeyword('')).toBeUndefined();
  });
});

describe('table integrity', () => {
  it('every UID matches the PS3.5 UID syntax and is unique across both UID tables', () => {
    const uids = [...sopClasses(), ...transferSyntaxes()].map((row) => row.uid);
    expect(uids.filter((uid) => uid.length > 64 || !UID.test(uid))).toEqual([]);
    expect(duplicates(uids)).toEqual([]);
  });

  it('every tag is (gggg,eeee), tags and keywords are unique', () => {
    expect(dictionary().filter((entry) => !TAG.test(entry.tag))).toEqual([]);
    expect(duplicates(dictionary().map((entry) => entry.tag))).toEqual([]);
    expect(duplicates(dictionary().map((entry) => entry.keyword).filter((keyword) => keyword !== ''))).toEqual([]);
  });

  it('the committed JSON is what scripts/generate.py writes from the installed pydicom', () => {
    const script = join(__dirname, '..', 'scripts', 'generate.py');
    const run = spawnSync('python3', [script, '--check'], { encoding: 'utf8' });
    if (run.error) {
      throw new Error(`cannot run python3 (${run.error.message}): install Debian's python3 and python3-pydicom`);
    }
    if (run.status === 2) throw new Error(`pydicom is missing: install Debian's python3-pydicom\n${run.stderr}`);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

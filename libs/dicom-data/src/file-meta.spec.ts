import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DCMDUMP, PYDICOM_TEST_FILES } from './__fixtures__/pydicom-files';
import { InvalidFileMetaError, NotPart10Error } from './errors';
import { buildFileMetaInformation, type FileMetaFields, readFileMetaInformation } from './file-meta';
import { LeadingAttributesReader } from './leading-attributes';

const FIELDS: FileMetaFields = {
  mediaStorageSopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  mediaStorageSopInstanceUid: '1.2.826.0.1.3680043.8.498.1',
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  implementationClassUid: '1.2.826.0.1.3680043.8.498.77',
  implementationVersionName: 'DICOM_ROUTER_1',
  sourceApplicationEntityTitle: 'DICOM-ROUTER',
};

describe('buildFileMetaInformation (PS3.10 §7.1)', () => {
  it('writes a zero preamble, DICM and an Explicit VR Little Endian group 0002 with its length', () => {
    const bytes = buildFileMetaInformation(FIELDS);
    expect(bytes.subarray(0, 128).every((byte) => byte === 0)).toBe(true);
    expect(bytes.toString('latin1', 128, 132)).toBe('DICM');
    // (0002,0000) UL 4 <length of the rest>
    expect(bytes.subarray(132, 140)).toEqual(Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00]));
    expect(bytes.readUInt32LE(140)).toBe(bytes.length - 144);
    // (0002,0001) OB 00 00 <length 2> 00H 01H
    expect(bytes.subarray(144, 158)).toEqual(
      Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01]),
    );
    expect(bytes.length % 2).toBe(0);
  });

  it('pads odd UIDs with NUL and odd text with a space', () => {
    const bytes = buildFileMetaInformation({ ...FIELDS, mediaStorageSopInstanceUid: '1.2.3', implementationVersionName: 'ABC' });
    expect(bytes.includes(Buffer.from('1.2.3\0', 'latin1'))).toBe(true);
    expect(bytes.includes(Buffer.from('ABC ', 'latin1'))).toBe(true);
  });

  it('round-trips through readFileMetaInformation', () => {
    const bytes = buildFileMetaInformation(FIELDS);
    expect(readFileMetaInformation(bytes)).toEqual({
      ...FIELDS,
      dataSetOffset: bytes.length,
    });
    const minimal = { ...FIELDS, implementationVersionName: undefined, sourceApplicationEntityTitle: undefined };
    const minimalBytes = buildFileMetaInformation(minimal);
    expect(readFileMetaInformation(minimalBytes)).toEqual({
      mediaStorageSopClassUid: FIELDS.mediaStorageSopClassUid,
      mediaStorageSopInstanceUid: FIELDS.mediaStorageSopInstanceUid,
      transferSyntaxUid: FIELDS.transferSyntaxUid,
      implementationClassUid: FIELDS.implementationClassUid,
      dataSetOffset: minimalBytes.length,
    });
  });

  it('reports every invalid field at once', () => {
    let caught: unknown;
    try {
      buildFileMetaInformation({
        ...FIELDS,
        mediaStorageSopInstanceUid: '1.2/../3',
        transferSyntaxUid: '',
        implementationVersionName: 'MUCH-TOO-LONG-VERSION',
        sourceApplicationEntityTitle: '   ',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidFileMetaError);
    const problems = (caught as InvalidFileMetaError).problems;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^Media Storage SOP Instance UID: .*0x2f/);
    expect(problems[1]).toMatch(/^Transfer Syntax UID: UID is empty/);
    expect(problems[2]).toMatch(/Implementation Version Name has 21 characters/);
    expect(problems[3]).toMatch(/Source Application Entity Title is blank/);
  });

  describe('in front of a pydicom data set, as C-STORE stores it', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'dicom-data-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['CT_small.dcm', 'image_dfl.dcm', 'MR_small_bigendian.dcm', 'rtplan.dcm', 'JPEG2000.dcm'])(
      'makes a file dcmdump reads in full: %s',
      (name) => {
        const original = readFileSync(join(PYDICOM_TEST_FILES, name));
        const meta = readFileMetaInformation(original);
        const dataSet = original.subarray(meta.dataSetOffset);
        const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
        reader.push(dataSet);
        reader.end();
        const attributes = reader.result();
        const ours = Buffer.concat([
          buildFileMetaInformation({
            mediaStorageSopClassUid: attributes.get('SOPClassUID') ?? '',
            mediaStorageSopInstanceUid: attributes.get('SOPInstanceUID') ?? '',
            transferSyntaxUid: meta.transferSyntaxUid,
            implementationClassUid: FIELDS.implementationClassUid,
            implementationVersionName: FIELDS.implementationVersionName,
            sourceApplicationEntityTitle: 'MODALITY_1',
          }),
          dataSet,
        ]);
        const path = join(dir, name);
        writeFileSync(path, ours);
        const run = spawnSync(DCMDUMP, ['-q', '+L', path], { encoding: 'latin1' });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        expect(run.stdout).toContain(`(0002,0003) UI [${attributes.get('SOPInstanceUID')}]`);
        expect(run.stdout).toContain('(0002,0016) AE [MODALITY_1]');
        expect(run.stdout).toContain(`(0008,0018) UI [${attributes.get('SOPInstanceUID')}]`);
        const dataSetDump = (dump: string): string => dump.slice(dump.indexOf('# Dicom-Data-Set'));
        const originalDump = spawnSync(DCMDUMP, ['-q', '+L', join(PYDICOM_TEST_FILES, name)], { encoding: 'latin1' }).stdout;
        expect(dataSetDump(run.stdout)).toBe(dataSetDump(originalDump));
        expect(readFileMetaInformation(ours).dataSetOffset).toBe(ours.length - dataSet.length);
      },
    );
  });
});

describe('readFileMetaInformation', () => {
  const valid = Buffer.concat([buildFileMetaInformation(FIELDS), Buffer.from([0x08, 0x00, 0x05, 0x00])]);

  it('stops at the first element outside group 0002', () => {
    expect(readFileMetaInformation(valid).dataSetOffset).toBe(valid.length - 4);
  });

  it('does not follow a group length that points past the input', () => {
    const lying = Buffer.from(valid);
    lying.writeUInt32LE(0x7fffffff, 140);
    expect(readFileMetaInformation(lying).dataSetOffset).toBe(valid.length - 4);
  });

  it.each([
    ['empty input', Buffer.alloc(0), /only 0 bytes/],
    ['no DICM prefix', Buffer.alloc(300), /no "DICM" prefix/],
    ['an element cut short', valid.subarray(0, 200), /runs past the end|truncated/],
    ['group 0002 in Implicit VR', implicitMeta(), /no VR/],
    ['no transfer syntax', buildWithout(0x0010), /no Transfer Syntax UID/],
  ])('throws NotPart10Error for %s', (_case, bytes, reason) => {
    expect(() => readFileMetaInformation(bytes)).toThrow(NotPart10Error);
    expect(() => readFileMetaInformation(bytes)).toThrow(reason);
  });

  it('refuses a meta group beyond 64 KiB', () => {
    const header = Buffer.alloc(12);
    header.writeUInt16LE(0x0002, 0);
    header.writeUInt16LE(0x0100, 2);
    header.write('OB', 4, 'latin1');
    header.writeUInt32LE(70 * 1024, 8);
    const bytes = Buffer.concat([valid.subarray(0, valid.length - 4), header, Buffer.alloc(70 * 1024)]);
    expect(() => readFileMetaInformation(bytes)).toThrow(/longer than 65536 bytes/);
  });
});

/** A meta group whose (0002,0010) is removed, with everything after it shifted. */
function buildWithout(element: number): Buffer {
  const bytes = buildFileMetaInformation(FIELDS);
  for (let pos = 144; pos < bytes.length; ) {
    const length = bytes.toString('latin1', pos + 4, pos + 6) === 'OB' ? 12 + bytes.readUInt32LE(pos + 8) : 8 + bytes.readUInt16LE(pos + 6);
    if (bytes.readUInt16LE(pos + 2) === element) return Buffer.concat([bytes.subarray(0, pos), bytes.subarray(pos + length)]);
    pos += length;
  }
  return bytes;
}

function implicitMeta(): Buffer {
  const element = Buffer.alloc(8 + 20);
  element.writeUInt16LE(0x0002, 0);
  element.writeUInt16LE(0x0010, 2);
  element.writeUInt32LE(20, 4);
  element.write('1.2.840.10008.1.2.1\0', 8, 'latin1');
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), element]);
}

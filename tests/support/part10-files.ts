import { buildFileMetaInformation } from '@dicom-router/dicom-data';

/**
 * Small synthetic DICOM objects with unique UIDs: an Explicit VR Little Endian data set
 * (PS3.5 §7.1.2) with the identifying attributes and a little pixel data.
 */

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
let counter = 0;

/** A UID under 2.25 that no two calls share in this process. */
export function uniqueUid(): string {
  counter++;
  return `2.25.${BigInt(Date.now()) * 1_000_000n + BigInt(process.pid) * 1000n + BigInt(counter)}`;
}

function element(group: number, elementNumber: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR'].includes(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

const text = (value: string, pad = ' '): Buffer => Buffer.from(value.length % 2 ? value + pad : value, 'latin1');

export interface SyntheticInstance {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  transferSyntaxUid: string;
  dataSet: Buffer;
  /** Part-10 bytes: preamble, File Meta, data set. */
  file: Buffer;
}

export function syntheticInstance(options: { patientName?: string; pixelBytes?: number; modality?: string } = {}): SyntheticInstance {
  const sopInstanceUid = uniqueUid();
  const studyInstanceUid = uniqueUid();
  const seriesInstanceUid = uniqueUid();
  const pixels = Buffer.alloc(options.pixelBytes ?? 512, 0x5a);
  const dataSet = Buffer.concat([
    element(0x0008, 0x0016, 'UI', text(SECONDARY_CAPTURE, '\0')),
    element(0x0008, 0x0018, 'UI', text(sopInstanceUid, '\0')),
    element(0x0008, 0x0060, 'CS', text(options.modality ?? 'OT')),
    element(0x0010, 0x0010, 'PN', text(options.patientName ?? 'Doe^Jane')),
    element(0x0020, 0x000d, 'UI', text(studyInstanceUid, '\0')),
    element(0x0020, 0x000e, 'UI', text(seriesInstanceUid, '\0')),
    element(0x7fe0, 0x0010, 'OW', pixels),
  ]);
  const meta = buildFileMetaInformation({
    mediaStorageSopClassUid: SECONDARY_CAPTURE,
    mediaStorageSopInstanceUid: sopInstanceUid,
    transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
    implementationClassUid: '2.25.100030543585475866236183110513822956206',
    implementationVersionName: 'TEST_FILES',
  });
  return {
    sopClassUid: SECONDARY_CAPTURE,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
    dataSet,
    file: Buffer.concat([meta, dataSet]),
  };
}

import { InvalidFileMetaError, NotPart10Error } from './errors';
import { uidProblem } from './uid';

/**
 * PS3.10 §7.1 File Meta Information: a 128-byte preamble, the prefix "DICM", then the group 0002
 * elements, always in Explicit VR Little Endian whatever the data set's transfer syntax.
 */

export const PREAMBLE_LENGTH = 128;
/** Preamble plus the "DICM" prefix. */
export const PART10_PREFIX_LENGTH = PREAMBLE_LENGTH + 4;
/** No real meta group comes near this; it bounds what a reader holds before giving up. */
export const MAX_FILE_META_LENGTH = 64 * 1024;

/** What a writer supplies; UIDs are checked against PS3.5 §9.1 before anything is written. */
export interface FileMetaFields {
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  transferSyntaxUid: string;
  implementationClassUid: string;
  implementationVersionName?: string;
  sourceApplicationEntityTitle?: string;
}

/** What a reader finds. UIDs are returned as stored: callers validate them before use. */
export interface FileMetaInformation {
  transferSyntaxUid: string;
  mediaStorageSopClassUid: string;
  mediaStorageSopInstanceUid: string;
  implementationClassUid?: string;
  implementationVersionName?: string;
  sourceApplicationEntityTitle?: string;
  /** Offset of the first data set byte from the start of the file. */
  dataSetOffset: number;
}

const TAG = {
  groupLength: 0x00020000,
  version: 0x00020001,
  sopClass: 0x00020002,
  sopInstance: 0x00020003,
  transferSyntax: 0x00020010,
  implementationClass: 0x00020012,
  implementationVersion: 0x00020013,
  sourceAe: 0x00020016,
} as const;

/** PS3.5 §6.2: SH and AE are at most 16 characters of the default repertoire, without `\`. */
const MAX_SHORT_TEXT = 16;

function textProblem(label: string, value: string, vr: 'SH' | 'AE'): string | undefined {
  if (value.length > MAX_SHORT_TEXT) return `${label} has ${value.length} characters, more than ${MAX_SHORT_TEXT} (${vr}, PS3.5 §6.2)`;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x5c) {
      return `${label} has character code 0x${code.toString(16).padStart(2, '0')} at position ${i}; ${vr} allows printable ASCII without "\\" (PS3.5 §6.2)`;
    }
  }
  if (vr === 'AE' && value.trim().length === 0) return `${label} is blank; an AE title of spaces only is not allowed (PS3.5 §6.2)`;
  return undefined;
}

/**
 * Preamble, prefix and meta group for a data set: exactly what goes in front of a C-STORE data set
 * to make a Part-10 object. Throws InvalidFileMetaError listing every bad field.
 */
export function buildFileMetaInformation(meta: FileMetaFields): Buffer {
  const problems: string[] = [];
  const uids: [string, string][] = [
    ['Media Storage SOP Class UID', meta.mediaStorageSopClassUid],
    ['Media Storage SOP Instance UID', meta.mediaStorageSopInstanceUid],
    ['Transfer Syntax UID', meta.transferSyntaxUid],
    ['Implementation Class UID', meta.implementationClassUid],
  ];
  for (const [label, uid] of uids) {
    const problem = uidProblem(uid);
    if (problem) problems.push(`${label}: ${problem}`);
  }
  if (meta.implementationVersionName !== undefined) {
    const problem = textProblem('Implementation Version Name', meta.implementationVersionName, 'SH');
    if (problem) problems.push(problem);
  }
  if (meta.sourceApplicationEntityTitle !== undefined) {
    const problem = textProblem('Source Application Entity Title', meta.sourceApplicationEntityTitle, 'AE');
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) throw new InvalidFileMetaError(problems);

  const elements = [
    // PS3.10 Table 7.1-1: version 1 is the two bytes 00H 01H.
    element(TAG.version, 'OB', Buffer.from([0x00, 0x01])),
    element(TAG.sopClass, 'UI', padded(meta.mediaStorageSopClassUid, 0x00)),
    element(TAG.sopInstance, 'UI', padded(meta.mediaStorageSopInstanceUid, 0x00)),
    element(TAG.transferSyntax, 'UI', padded(meta.transferSyntaxUid, 0x00)),
    element(TAG.implementationClass, 'UI', padded(meta.implementationClassUid, 0x00)),
  ];
  if (meta.implementationVersionName !== undefined && meta.implementationVersionName.length > 0) {
    elements.push(element(TAG.implementationVersion, 'SH', padded(meta.implementationVersionName, 0x20)));
  }
  if (meta.sourceApplicationEntityTitle !== undefined) {
    elements.push(element(TAG.sourceAe, 'AE', padded(meta.sourceApplicationEntityTitle, 0x20)));
  }
  const groupLength = elements.reduce((sum, bytes) => sum + bytes.length, 0);
  const lengthValue = Buffer.alloc(4);
  lengthValue.writeUInt32LE(groupLength);
  const prefix = Buffer.alloc(PART10_PREFIX_LENGTH);
  prefix.write('DICM', PREAMBLE_LENGTH, 'latin1');
  return Buffer.concat([prefix, element(TAG.groupLength, 'UL', lengthValue), ...elements]);
}

/** PS3.5 §6.2 and §9.1: values have even length; UIDs pad with NUL, text with a space. */
function padded(value: string, pad: number): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([pad])]);
}

/** One Explicit VR Little Endian element (PS3.5 §7.1.2); OB takes the 32-bit length form. */
function element(tag: number, vr: 'OB' | 'UI' | 'UL' | 'SH' | 'AE', value: Buffer): Buffer {
  const long = vr === 'OB';
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(tag >>> 16, 0);
  header.writeUInt16LE(tag & 0xffff, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/** Reads the meta group of a whole Part-10 file, or of a prefix holding at least the meta group. */
export function readFileMetaInformation(bytes: Buffer): FileMetaInformation {
  const scan = scanFileMeta(bytes, true);
  if (scan === 'need-more') throw new NotPart10Error('truncated File Meta Information');
  return scan;
}

/** PS3.5 §7.1.2 Table 7.1-1: VRs with 2 reserved bytes and a 32-bit length. */
const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * Walks the meta group of `bytes`. With `atEnd` false, returns 'need-more' when the bytes seen so
 * far do not settle it, so that a stream reader can wait for more; with `atEnd` true the input is
 * all there is. The meta group ends where the group changes: (0002,0000) is read but not trusted,
 * because files whose group length disagrees with their elements exist, and a length pointing
 * past the input must not be followed.
 */
export function scanFileMeta(bytes: Buffer, atEnd: boolean): FileMetaInformation | 'need-more' {
  if (bytes.length < PART10_PREFIX_LENGTH) {
    if (atEnd) throw new NotPart10Error(`only ${bytes.length} bytes, shorter than preamble and prefix`);
    return 'need-more';
  }
  if (bytes.toString('latin1', PREAMBLE_LENGTH, PART10_PREFIX_LENGTH) !== 'DICM') {
    throw new NotPart10Error('no "DICM" prefix after the 128-byte preamble (PS3.10 §7.1)');
  }
  const values = new Map<number, string>();
  let pos = PART10_PREFIX_LENGTH;
  for (;;) {
    if (pos - PART10_PREFIX_LENGTH > MAX_FILE_META_LENGTH) {
      throw new NotPart10Error(`File Meta Information longer than ${MAX_FILE_META_LENGTH} bytes`);
    }
    if (bytes.length - pos < 2) {
      if (!atEnd) return 'need-more';
      if (bytes.length === pos) break;
      throw new NotPart10Error(`File Meta Information truncated at byte ${pos}`);
    }
    if (bytes.readUInt16LE(pos) !== 0x0002) break;
    if (bytes.length - pos < 8) {
      if (!atEnd) return 'need-more';
      throw new NotPart10Error(`File Meta Information truncated at byte ${pos}`);
    }
    const tag = ((0x0002 << 16) | bytes.readUInt16LE(pos + 2)) >>> 0;
    const vr = bytes.toString('latin1', pos + 4, pos + 6);
    if (!/^[A-Z]{2}$/.test(vr)) {
      throw new NotPart10Error(`element at byte ${pos} has no VR: File Meta Information must be Explicit VR Little Endian (PS3.10 §7.1)`);
    }
    let header = 8;
    let length = bytes.readUInt16LE(pos + 6);
    if (LONG_LENGTH_VRS.has(vr)) {
      if (bytes.length - pos < 12) {
        if (!atEnd) return 'need-more';
        throw new NotPart10Error(`File Meta Information truncated at byte ${pos}`);
      }
      header = 12;
      length = bytes.readUInt32LE(pos + 8);
    }
    if (length === 0xffffffff) throw new NotPart10Error(`undefined length at byte ${pos} in File Meta Information`);
    const end = pos + header + length;
    if (end - PART10_PREFIX_LENGTH > MAX_FILE_META_LENGTH) {
      throw new NotPart10Error(`File Meta Information longer than ${MAX_FILE_META_LENGTH} bytes`);
    }
    if (end > bytes.length) {
      if (!atEnd) return 'need-more';
      throw new NotPart10Error(`element at byte ${pos} runs past the end of the input`);
    }
    if (vr === 'UI' || vr === 'SH' || vr === 'AE') values.set(tag, trimText(bytes.toString('latin1', pos + header, end)));
    pos = end;
  }
  const transferSyntaxUid = values.get(TAG.transferSyntax);
  const mediaStorageSopClassUid = values.get(TAG.sopClass);
  const mediaStorageSopInstanceUid = values.get(TAG.sopInstance);
  // PS3.10 Table 7.1-1: these three are Type 1; without a transfer syntax the data set cannot be read.
  if (!transferSyntaxUid) throw new NotPart10Error('no Transfer Syntax UID (0002,0010)');
  if (!mediaStorageSopClassUid) throw new NotPart10Error('no Media Storage SOP Class UID (0002,0002)');
  if (!mediaStorageSopInstanceUid) throw new NotPart10Error('no Media Storage SOP Instance UID (0002,0003)');
  const info: FileMetaInformation = { transferSyntaxUid, mediaStorageSopClassUid, mediaStorageSopInstanceUid, dataSetOffset: pos };
  const implementationClassUid = values.get(TAG.implementationClass);
  const implementationVersionName = values.get(TAG.implementationVersion);
  const sourceApplicationEntityTitle = values.get(TAG.sourceAe);
  if (implementationClassUid) info.implementationClassUid = implementationClassUid;
  if (implementationVersionName) info.implementationVersionName = implementationVersionName;
  if (sourceApplicationEntityTitle) info.sourceApplicationEntityTitle = sourceApplicationEntityTitle;
  return info;
}

/** Strips NUL and space padding (PS3.5 §6.2, §9.1). */
function trimText(text: string): string {
  return text.replace(/^[ \0]+|[ \0]+$/g, '');
}

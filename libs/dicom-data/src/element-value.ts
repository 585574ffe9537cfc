import type { TextEncoding } from './character-set';

/**
 * Textual form of one element value (PS3.5 §6.2): strings with the padding their VR declares
 * insignificant removed, numbers in decimal, values of a multi-valued element joined by `\`
 * (PS3.5 §6.4). `undefined` for VRs whose value is not text (OB, OW, UN, SQ…).
 */
export function decodeValue(
  bytes: Buffer,
  start: number,
  length: number,
  vr: string,
  littleEndian: boolean,
  encoding: TextEncoding,
): string | undefined {
  const end = start + length;
  switch (vr) {
    // PS3.5 Table 6.2-1: leading and trailing spaces are insignificant.
    case 'AE':
    case 'CS':
    case 'DS':
    case 'IS':
      return trimValues(bytes.toString('latin1', start, end), true);
    case 'LO':
    case 'SH':
      return trimValues(bytes.toString(encoding, start, end), true);
    // Trailing padding only; a leading space is part of the value.
    case 'AS':
    case 'DA':
    case 'DT':
    case 'TM':
      return trimValues(bytes.toString('latin1', start, end), false);
    case 'PN':
    case 'UC':
      return trimValues(bytes.toString(encoding, start, end), false);
    // Single-valued texts in which `\` is an ordinary character.
    case 'LT':
    case 'ST':
    case 'UT':
      return trimEnd(bytes.toString(encoding, start, end));
    case 'UR':
      return trimEnd(bytes.toString('latin1', start, end));
    // PS3.5 §9.1: a UID is padded with a single trailing NUL to an even length.
    case 'UI':
      return trimValues(bytes.toString('latin1', start, end), true);
    case 'US':
      return numbers(bytes, start, end, 2, littleEndian ? readUInt16LE : readUInt16BE);
    case 'SS':
      return numbers(bytes, start, end, 2, littleEndian ? readInt16LE : readInt16BE);
    case 'UL':
      return numbers(bytes, start, end, 4, littleEndian ? readUInt32LE : readUInt32BE);
    case 'SL':
      return numbers(bytes, start, end, 4, littleEndian ? readInt32LE : readInt32BE);
    case 'FL':
      return numbers(bytes, start, end, 4, littleEndian ? readFloatLE : readFloatBE);
    case 'FD':
      return numbers(bytes, start, end, 8, littleEndian ? readDoubleLE : readDoubleBE);
    case 'SV':
      return numbers(bytes, start, end, 8, littleEndian ? readBigInt64LE : readBigInt64BE);
    case 'UV':
      return numbers(bytes, start, end, 8, littleEndian ? readBigUInt64LE : readBigUInt64BE);
    // PS3.5 §6.2 AT: a pair of 16-bit numbers, written here as `ggggeeee` (PS3.18 §F.2.3).
    case 'AT':
      return numbers(bytes, start, end, 4, littleEndian ? readTagLE : readTagBE);
    default:
      return undefined;
  }
}

type Reader = (bytes: Buffer, offset: number) => string;

const readUInt16LE: Reader = (b, o) => String(b.readUInt16LE(o));
const readUInt16BE: Reader = (b, o) => String(b.readUInt16BE(o));
const readInt16LE: Reader = (b, o) => String(b.readInt16LE(o));
const readInt16BE: Reader = (b, o) => String(b.readInt16BE(o));
const readUInt32LE: Reader = (b, o) => String(b.readUInt32LE(o));
const readUInt32BE: Reader = (b, o) => String(b.readUInt32BE(o));
const readInt32LE: Reader = (b, o) => String(b.readInt32LE(o));
const readInt32BE: Reader = (b, o) => String(b.readInt32BE(o));
const readFloatLE: Reader = (b, o) => formatFloat32(b.readFloatLE(o));
const readFloatBE: Reader = (b, o) => formatFloat32(b.readFloatBE(o));
const readDoubleLE: Reader = (b, o) => String(b.readDoubleLE(o));
const readDoubleBE: Reader = (b, o) => String(b.readDoubleBE(o));
const readBigInt64LE: Reader = (b, o) => String(b.readBigInt64LE(o));
const readBigInt64BE: Reader = (b, o) => String(b.readBigInt64BE(o));
const readBigUInt64LE: Reader = (b, o) => String(b.readBigUInt64LE(o));
const readBigUInt64BE: Reader = (b, o) => String(b.readBigUInt64BE(o));
const readTagLE: Reader = (b, o) => hex4(b.readUInt16LE(o)) + hex4(b.readUInt16LE(o + 2));
const readTagBE: Reader = (b, o) => hex4(b.readUInt16BE(o)) + hex4(b.readUInt16BE(o + 2));

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

/** Whole values only: a length that is not a multiple of the value size leaves its tail unread. */
function numbers(bytes: Buffer, start: number, end: number, size: number, read: Reader): string {
  let text = '';
  for (let offset = start; offset + size <= end; offset += size) {
    text += offset === start ? read(bytes, offset) : '\\' + read(bytes, offset);
  }
  return text;
}

/**
 * The shortest decimal that reads back as the same 32-bit float: a float32 printed as a double
 * shows noise (0.1 becomes 0.10000000149011612). Six significant digits are coarser than float32
 * spacing, so the first precision from 6 to 9 that round-trips gives the shortest form (subnormals,
 * with fewer significant bits, may keep a digit or two more; they still read back exactly).
 */
function formatFloat32(value: number): string {
  if ((Number.isInteger(value) && Math.abs(value) < 1e7) || !Number.isFinite(value)) return String(value);
  for (let digits = 6; digits < 9; digits++) {
    const rounded = Number(value.toPrecision(digits));
    if (Math.fround(rounded) === value) return String(rounded);
  }
  return String(Number(value.toPrecision(9)));
}

const SPACE = 0x20;
const NUL = 0x00;

function isPadding(code: number): boolean {
  // NUL is tolerated as padding everywhere: some writers pad strings with it, not only UIDs.
  return code === SPACE || code === NUL;
}

function trimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && isPadding(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

function trim(text: string): string {
  let start = 0;
  let end = text.length;
  while (end > start && isPadding(text.charCodeAt(end - 1))) end--;
  while (start < end && isPadding(text.charCodeAt(start))) start++;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function trimValues(text: string, leading: boolean): string {
  const one = leading ? trim : trimEnd;
  if (!text.includes('\\')) return one(text);
  return text.split('\\').map(one).join('\\');
}

/** VRs whose value `decodeValue` turns into text; the others are recorded with an empty value. */
export const TEXTUAL_VRS: ReadonlySet<string> = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST',
  'SV', 'TM', 'UC', 'UI', 'UL', 'UR', 'US', 'UT', 'UV',
]);

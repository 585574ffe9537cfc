import { encodingOf, type TextEncoding } from './character-set';
import { BINARY_VRS, CHARSET_VRS, KNOWN_VRS, SINGLE_VALUED_TEXT_VRS, STRING_VRS, personNameOf, tagKey, type DicomJson, type DicomJsonAttribute, type DicomJsonValue } from './dicom-json';
import { describeTag, implicitVr } from './dictionary';
import { IdentifierError } from './errors';
import { Tag } from './tags';

export interface ReadDataSetOptions {
  /** PS3.5 §7.1.2 Explicit VR, otherwise §7.1.3 Implicit VR; Little Endian either way. */
  explicitVr: boolean;
  /** Deepest sequence nesting accepted; a worklist identifier needs three levels. */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 8;
const UNDEFINED_LENGTH = 0xffffffff;
const ITEM = 'FFFEE000';
const ITEM_DELIMITATION = 'FFFEE00D';
const SEQUENCE_DELIMITATION = 'FFFEE0DD';
/** PS3.5 §7.1.2: VRs with a 2-byte reserved field and a 4-byte length in Explicit VR. */
const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

/**
 * Decodes a C-FIND identifier (a data set without File Meta Information) into DICOM JSON. Strings
 * are decoded with the identifier's Specific Character Set. Every structural fault is an
 * IdentifierError naming the element, never an exception from deeper down.
 */
export function readDataSet(bytes: Buffer, options: ReadDataSetOptions): DicomJson {
  const reader = new Reader(bytes, options.explicitVr, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const { dataSet } = reader.readItemBody(0, bytes.length, false, 0, 'latin1');
  return dataSet;
}

class Reader {
  constructor(
    private readonly bytes: Buffer,
    private readonly explicitVr: boolean,
    private readonly maxDepth: number,
  ) {}

  /** Elements from `offset` up to `end`, or up to an Item Delimitation when `delimited`. */
  readItemBody(offset: number, end: number, delimited: boolean, depth: number, inherited: TextEncoding): { dataSet: DicomJson; next: number } {
    const dataSet: DicomJson = {};
    let encoding = inherited;
    let previous = -1;
    while (offset < end) {
      const header = this.readHeader(offset, end);
      if (header.key === ITEM_DELIMITATION) {
        if (!delimited) throw malformed('an Item Delimitation Item (FFFE,E00D) outside an item of undefined length');
        return { dataSet, next: header.valueOffset };
      }
      if (header.key.startsWith('FFFE')) throw malformed(`an item tag (${header.key.slice(0, 4)},${header.key.slice(4)}) where a data element was expected`);
      const tag = parseInt(header.key, 16);
      // PS3.5 §7.1: data elements appear in increasing tag order.
      if (tag <= previous) throw malformed(`${describeTag(header.key)} is out of order or repeated`);
      previous = tag;
      if (header.vr === 'SQ') {
        if (depth + 1 > this.maxDepth) throw invalid(`sequences nest deeper than ${this.maxDepth} levels at ${describeTag(header.key)}`, header.key);
        const { items, next } = this.readSequence(header.valueOffset, header.length, end, depth + 1, encoding, header.key);
        dataSet[header.key] = items.length ? { vr: 'SQ', Value: items } : { vr: 'SQ' };
        offset = next;
        continue;
      }
      if (header.length === UNDEFINED_LENGTH) throw malformed(`${describeTag(header.key)} (${header.vr}) has an undefined length`);
      const valueEnd = header.valueOffset + header.length;
      if (valueEnd > end) throw malformed(`${describeTag(header.key)} declares ${header.length} bytes, more than remain`);
      const attribute = this.decodeValue(header.key, header.vr, header.valueOffset, valueEnd, encoding);
      if (header.key === Tag.SpecificCharacterSet) {
        const declared = (attribute.Value ?? []).map(String);
        const decided = encodingOf(declared);
        if (!decided) throw invalid(`Specific Character Set "${declared.join('\\')}" is not supported (use ISO_IR 100 or ISO_IR 192)`, header.key);
        encoding = decided;
      }
      dataSet[header.key] = attribute;
      offset = valueEnd;
    }
    if (delimited) throw malformed('an item of undefined length ends without an Item Delimitation Item');
    return { dataSet, next: offset };
  }

  private readSequence(start: number, length: number, end: number, depth: number, encoding: TextEncoding, key: string): { items: DicomJson[]; next: number } {
    const undefinedLength = length === UNDEFINED_LENGTH;
    const sequenceEnd = undefinedLength ? end : start + length;
    if (sequenceEnd > end) throw malformed(`${describeTag(key)} declares ${length} bytes, more than remain`);
    const items: DicomJson[] = [];
    let offset = start;
    while (offset < sequenceEnd) {
      if (offset + 8 > end) throw malformed(`${describeTag(key)} is truncated`);
      const itemKey = tagKey(((this.bytes.readUInt16LE(offset) << 16) | this.bytes.readUInt16LE(offset + 2)) >>> 0);
      const itemLength = this.bytes.readUInt32LE(offset + 4);
      offset += 8;
      if (itemKey === SEQUENCE_DELIMITATION) {
        if (!undefinedLength) throw malformed(`${describeTag(key)} has a Sequence Delimitation Item but a defined length`);
        return { items, next: offset };
      }
      if (itemKey !== ITEM) throw malformed(`${describeTag(key)} holds (${itemKey.slice(0, 4)},${itemKey.slice(4)}) where an Item (FFFE,E000) was expected`);
      if (itemLength === UNDEFINED_LENGTH) {
        const { dataSet, next } = this.readItemBody(offset, sequenceEnd, true, depth, encoding);
        items.push(dataSet);
        offset = next;
      } else {
        const itemEnd = offset + itemLength;
        if (itemEnd > sequenceEnd) throw malformed(`an item of ${describeTag(key)} declares ${itemLength} bytes, more than remain`);
        items.push(this.readItemBody(offset, itemEnd, false, depth, encoding).dataSet);
        offset = itemEnd;
      }
    }
    if (undefinedLength) throw malformed(`${describeTag(key)} of undefined length ends without a Sequence Delimitation Item`);
    return { items, next: offset };
  }

  private readHeader(offset: number, end: number): { key: string; vr: string; length: number; valueOffset: number } {
    if (offset + 8 > end) throw malformed(`the data set ends inside an element header at byte ${offset}`);
    const key = tagKey(((this.bytes.readUInt16LE(offset) << 16) | this.bytes.readUInt16LE(offset + 2)) >>> 0);
    if (key.startsWith('FFFE') || !this.explicitVr) {
      const vr = key.startsWith('FFFE') ? 'na' : implicitVr(key);
      return { key, vr, length: this.bytes.readUInt32LE(offset + 4), valueOffset: offset + 8 };
    }
    const vr = this.bytes.toString('latin1', offset + 4, offset + 6);
    if (!KNOWN_VRS.has(vr)) throw malformed(`${describeTag(key)} has an unknown VR "${printable(vr)}"`);
    if (LONG_LENGTH_VRS.has(vr)) {
      if (offset + 12 > end) throw malformed(`the data set ends inside the header of ${describeTag(key)}`);
      return { key, vr, length: this.bytes.readUInt32LE(offset + 8), valueOffset: offset + 12 };
    }
    return { key, vr, length: this.bytes.readUInt16LE(offset + 6), valueOffset: offset + 8 };
  }

  private decodeValue(key: string, vr: string, start: number, end: number, encoding: TextEncoding): DicomJsonAttribute {
    if (start === end) return { vr };
    if (STRING_VRS.has(vr)) {
      const raw = this.bytes.toString(CHARSET_VRS.has(vr) ? encoding : 'latin1', start, end);
      const parts = SINGLE_VALUED_TEXT_VRS.has(vr) ? [raw] : raw.split('\\');
      const values: DicomJsonValue[] = parts.map((part) => trimValue(part, vr));
      if (values.every((v) => v === '')) return { vr };
      if (vr === 'PN') return { vr, Value: values.map((v) => personNameOf(v as string)) };
      return { vr, Value: values };
    }
    if (BINARY_VRS.has(vr)) return { vr, InlineBinary: this.bytes.subarray(start, end).toString('base64') };
    return { vr, Value: this.numbers(key, vr, start, end) };
  }

  private numbers(key: string, vr: string, start: number, end: number): DicomJsonValue[] {
    const size = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, SV: 8, UV: 8, AT: 4 }[vr] ?? 1;
    if ((end - start) % size !== 0) throw malformed(`${describeTag(key)} (${vr}) has ${end - start} bytes, not a multiple of ${size}`);
    const values: DicomJsonValue[] = [];
    for (let at = start; at < end; at += size) {
      switch (vr) {
        case 'US': values.push(this.bytes.readUInt16LE(at)); break;
        case 'SS': values.push(this.bytes.readInt16LE(at)); break;
        case 'UL': values.push(this.bytes.readUInt32LE(at)); break;
        case 'SL': values.push(this.bytes.readInt32LE(at)); break;
        case 'FL': values.push(this.bytes.readFloatLE(at)); break;
        case 'FD': values.push(this.bytes.readDoubleLE(at)); break;
        case 'SV': values.push(Number(this.bytes.readBigInt64LE(at))); break;
        case 'UV': values.push(Number(this.bytes.readBigUInt64LE(at))); break;
        case 'AT': values.push(tagKey(((this.bytes.readUInt16LE(at) << 16) | this.bytes.readUInt16LE(at + 2)) >>> 0)); break;
      }
    }
    return values;
  }
}

/** PS3.5 Table 6.2-1: which padding is insignificant for each VR. */
function trimValue(value: string, vr: string): string {
  switch (vr) {
    case 'UI':
      return value.replace(/[\0 ]+$/, '').trim();
    case 'AE':
    case 'CS':
    case 'DS':
    case 'IS':
    case 'LO':
    case 'SH':
      return value.trim();
    default:
      return value.replace(/[ \0]+$/, '');
  }
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function malformed(message: string): IdentifierError {
  return new IdentifierError('malformed', message);
}

function invalid(message: string, key: string): IdentifierError {
  return new IdentifierError('invalid', message, describeTag(key));
}


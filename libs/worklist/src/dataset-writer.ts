import type { TextEncoding } from './character-set';
import { BINARY_VRS, CHARSET_VRS, STRING_VRS, personNameText, tagNumber, type DicomJson, type DicomJsonAttribute, type PersonNameJson } from './dicom-json';
import { describeTag } from './dictionary';

export interface WriteDataSetOptions {
  explicitVr: boolean;
  /** How texts of the VRs that Specific Character Set governs are encoded. */
  encoding: TextEncoding;
}

const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

/**
 * Encodes DICOM JSON as a data set in Little Endian (PS3.5 §7), elements in tag order, sequences
 * and items with defined lengths, every value padded to an even length (PS3.5 §6.2, §7.1).
 */
export function writeDataSet(dataSet: DicomJson, options: WriteDataSetOptions): Buffer {
  const chunks: Buffer[] = [];
  writeElements(dataSet, options, chunks);
  return Buffer.concat(chunks);
}

function writeElements(dataSet: DicomJson, options: WriteDataSetOptions, chunks: Buffer[]): void {
  const keys = Object.keys(dataSet).sort((a, b) => tagNumber(a) - tagNumber(b));
  for (const key of keys) {
    const attribute = dataSet[key];
    const value = attribute.vr === 'SQ' ? encodeSequence(attribute, options) : encodeValue(key, attribute, options.encoding);
    chunks.push(header(key, attribute.vr, value.length, options.explicitVr), value);
  }
}

function encodeSequence(attribute: DicomJsonAttribute, options: WriteDataSetOptions): Buffer {
  const items: Buffer[] = [];
  for (const item of attribute.Value ?? []) {
    const body: Buffer[] = [];
    writeElements(item as DicomJson, options, body);
    const content = Buffer.concat(body);
    const itemHeader = Buffer.alloc(8);
    itemHeader.writeUInt16LE(0xfffe, 0);
    itemHeader.writeUInt16LE(0xe000, 2);
    itemHeader.writeUInt32LE(content.length, 4);
    items.push(itemHeader, content);
  }
  return Buffer.concat(items);
}

function encodeValue(key: string, attribute: DicomJsonAttribute, encoding: TextEncoding): Buffer {
  const { vr } = attribute;
  if (attribute.InlineBinary !== undefined) return pad(Buffer.from(attribute.InlineBinary, 'base64'), 0);
  const values = attribute.Value ?? [];
  if (values.length === 0) return Buffer.alloc(0);
  if (STRING_VRS.has(vr)) {
    const text = values
      .map((v) => (v === null ? '' : vr === 'PN' && typeof v === 'object' ? personNameText(v as PersonNameJson) : String(v)))
      .join('\\');
    return pad(Buffer.from(text, CHARSET_VRS.has(vr) ? encoding : 'latin1'), vr === 'UI' ? 0 : 0x20);
  }
  if (BINARY_VRS.has(vr)) return Buffer.alloc(0);
  const size = { US: 2, SS: 2, UL: 4, SL: 4, FL: 4, FD: 8, SV: 8, UV: 8, AT: 4 }[vr];
  if (size === undefined) throw new Error(`${describeTag(key)}: cannot encode VR ${vr}`);
  const out = Buffer.alloc(size * values.length);
  values.forEach((v, i) => {
    const at = i * size;
    switch (vr) {
      case 'US': out.writeUInt16LE(Number(v), at); break;
      case 'SS': out.writeInt16LE(Number(v), at); break;
      case 'UL': out.writeUInt32LE(Number(v), at); break;
      case 'SL': out.writeInt32LE(Number(v), at); break;
      case 'FL': out.writeFloatLE(Number(v), at); break;
      case 'FD': out.writeDoubleLE(Number(v), at); break;
      case 'SV': out.writeBigInt64LE(BigInt(Number(v)), at); break;
      case 'UV': out.writeBigUInt64LE(BigInt(Number(v)), at); break;
      case 'AT': {
        const tag = parseInt(String(v), 16) >>> 0;
        out.writeUInt16LE(tag >>> 16, at);
        out.writeUInt16LE(tag & 0xffff, at + 2);
        break;
      }
    }
  });
  return out;
}

function header(key: string, vr: string, length: number, explicitVr: boolean): Buffer {
  const tag = tagNumber(key);
  if (!explicitVr) {
    const h = Buffer.alloc(8);
    h.writeUInt16LE(tag >>> 16, 0);
    h.writeUInt16LE(tag & 0xffff, 2);
    h.writeUInt32LE(length, 4);
    return h;
  }
  if (LONG_LENGTH_VRS.has(vr)) {
    const h = Buffer.alloc(12);
    h.writeUInt16LE(tag >>> 16, 0);
    h.writeUInt16LE(tag & 0xffff, 2);
    h.write(vr, 4, 'latin1');
    h.writeUInt32LE(length, 8);
    return h;
  }
  if (length > 0xffff) throw new Error(`${describeTag(key)}: a ${vr} value of ${length} bytes does not fit a 16-bit length`);
  const h = Buffer.alloc(8);
  h.writeUInt16LE(tag >>> 16, 0);
  h.writeUInt16LE(tag & 0xffff, 2);
  h.write(vr, 4, 'latin1');
  h.writeUInt16LE(length, 6);
  return h;
}

function pad(bytes: Buffer, filler: number): Buffer {
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([filler])]);
}

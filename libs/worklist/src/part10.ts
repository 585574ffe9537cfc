import { createRequire } from 'node:module';
import { readDataSet } from './dataset-reader';
import { STRING_VRS, type DicomJson, type DicomJsonAttribute, type DicomJsonValue, type PersonNameJson } from './dicom-json';
import { InvalidItemError } from './errors';
import { Tag } from './tags';

interface DcmjsModule {
  data: { DicomMessage: { readFile(buffer: ArrayBuffer, options?: object): { dict: Record<string, RawAttribute> } } };
}

interface RawAttribute {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  _rawValue?: unknown;
}

/** The PS3.10 preamble is 128 bytes, then "DICM". */
function isPart10(bytes: Buffer): boolean {
  return bytes.length >= 132 && bytes.toString('latin1', 128, 132) === 'DICM';
}

/**
 * A worklist file as DCMTK's wlmscpfs reads it (PS3.10 file, or a bare data set as `dump2dcm`
 * writes without `-F`) turned into DICOM JSON with Unicode text. Part-10 files are read by dcmjs;
 * a bare data set by this library's reader (Explicit VR Little Endian when the first element says so).
 */
export function readWorklistFile(bytes: Buffer): DicomJson {
  if (!isPart10(bytes)) {
    const explicitVr = bytes.length >= 6 && /^[A-Z]{2}$/.test(bytes.toString('latin1', 4, 6));
    try {
      return readDataSet(bytes, { explicitVr, maxDepth: 16 });
    } catch (err) {
      throw new InvalidItemError(`not a DICOM file: neither Part-10 nor a readable data set (${(err as Error).message})`);
    }
  }
  const dcmjs = createRequire(__filename)('dcmjs') as DcmjsModule;
  let dict: Record<string, RawAttribute>;
  try {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    dict = dcmjs.data.DicomMessage.readFile(copy, { ignoreErrors: false }).dict;
  } catch (err) {
    throw new InvalidItemError(`the Part-10 file cannot be read: ${(err as Error).message}`);
  }
  return clean(dict, true);
}

/** dcmjs keeps raw values beside decoded ones and writes empty values as `[""]`; DICOM JSON omits both. */
function clean(dict: Record<string, RawAttribute>, topLevel: boolean): DicomJson {
  const out: DicomJson = {};
  for (const [key, raw] of Object.entries(dict)) {
    if (key.startsWith('0002')) continue;
    const attribute: DicomJsonAttribute = { vr: raw.vr };
    if (raw.vr === 'SQ') {
      const items = (raw.Value ?? []).map((item) => clean(item as Record<string, RawAttribute>, false));
      if (items.length) attribute.Value = items;
    } else if (raw.InlineBinary !== undefined) {
      attribute.InlineBinary = raw.InlineBinary;
    } else if (raw.Value !== undefined) {
      let values = raw.Value as DicomJsonValue[];
      // dcmjs reports the character set it decoded to; the file's own declaration is the raw value.
      if (topLevel && key === Tag.SpecificCharacterSet && Array.isArray(raw._rawValue)) values = raw._rawValue.map((v) => String(v).trim());
      values = values.map((v) => normalise(v, raw.vr));
      if (!values.every((v) => v === '' || v === null)) attribute.Value = values;
    }
    out[key.toUpperCase()] = attribute;
  }
  return out;
}

function normalise(value: DicomJsonValue, vr: string): DicomJsonValue {
  if (vr === 'PN' && value && typeof value === 'object') {
    const pn = value as PersonNameJson;
    const out: PersonNameJson = {};
    if (pn.Alphabetic) out.Alphabetic = pn.Alphabetic;
    if (pn.Ideographic) out.Ideographic = pn.Ideographic;
    if (pn.Phonetic) out.Phonetic = pn.Phonetic;
    return Object.keys(out).length ? out : '';
  }
  if (typeof value === 'string' && STRING_VRS.has(vr)) return vr === 'UI' ? value.replace(/\0+$/, '').trim() : value.replace(/\s+$/, '');
  return value;
}

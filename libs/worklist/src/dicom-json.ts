/**
 * The DICOM JSON Model (PS3.18 §F.2): a data set is an object keyed by the tag as eight upper-case
 * hex digits; each attribute carries its VR and, when it has a value, `Value` (or `InlineBinary`).
 * Worklist items are stored in this form, and identifiers travel in it between services.
 */

/** PS3.18 §F.2.2: a Person Name value, one string per component group. */
export interface PersonNameJson {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export type DicomJsonValue = string | number | PersonNameJson | DicomJson | null;

export interface DicomJsonAttribute {
  vr: string;
  Value?: DicomJsonValue[];
  InlineBinary?: string;
}

export type DicomJson = Record<string, DicomJsonAttribute>;

/** PS3.5 §6.2: VRs whose values are character strings. */
export const STRING_VRS: ReadonlySet<string> = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);

/** PS3.5 §6.2: texts in which `\` is an ordinary character, so they are always single-valued. */
export const SINGLE_VALUED_TEXT_VRS: ReadonlySet<string> = new Set(['LT', 'ST', 'UT', 'UR']);

/** PS3.5 §6.1.2.2: VRs whose text is affected by Specific Character Set (0008,0005). */
export const CHARSET_VRS: ReadonlySet<string> = new Set(['SH', 'LO', 'ST', 'LT', 'PN', 'UC', 'UT']);

/** VRs that carry binary numbers or bytes (PS3.5 Table 6.2-1). */
export const BINARY_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
export const NUMERIC_VRS: ReadonlySet<string> = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV', 'AT']);

export const KNOWN_VRS: ReadonlySet<string> = new Set([...STRING_VRS, ...BINARY_VRS, ...NUMERIC_VRS, 'SQ']);

/** `ggggeeee` upper-case, PS3.18 §F.2.1. */
export function tagKey(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

export function tagNumber(key: string): number {
  return parseInt(key, 16) >>> 0;
}

/** `(gggg,eeee)`, the form of PS3.6 and of error messages. */
export function tagLabel(key: string): string {
  return `(${key.slice(0, 4)},${key.slice(4)})`;
}

/** A Person Name value as its DICOM string form: component groups joined by `=` (PS3.5 §6.2.1). */
export function personNameText(value: PersonNameJson): string {
  const groups = [value.Alphabetic ?? '', value.Ideographic ?? '', value.Phonetic ?? ''];
  while (groups.length > 1 && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

export function personNameOf(text: string): PersonNameJson {
  const [alphabetic, ideographic, phonetic] = text.split('=');
  const value: PersonNameJson = {};
  if (alphabetic) value.Alphabetic = alphabetic;
  if (ideographic) value.Ideographic = ideographic;
  if (phonetic) value.Phonetic = phonetic;
  return value;
}

/** Each value of a string attribute as text ('' for an empty value); [] when the attribute has none. */
export function textValues(attribute: DicomJsonAttribute | undefined): string[] {
  if (!attribute?.Value) return [];
  return attribute.Value.map((v) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    return attribute.vr === 'PN' ? personNameText(v as PersonNameJson) : '';
  });
}

export function sequenceItems(attribute: DicomJsonAttribute | undefined): DicomJson[] {
  if (!attribute || attribute.vr !== 'SQ' || !attribute.Value) return [];
  return attribute.Value.filter((v): v is DicomJson => typeof v === 'object' && v !== null);
}

export function isEmptyAttribute(attribute: DicomJsonAttribute | undefined): boolean {
  return !attribute || ((attribute.Value === undefined || attribute.Value.length === 0) && attribute.InlineBinary === undefined);
}

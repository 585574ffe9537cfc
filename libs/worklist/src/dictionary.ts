import { dictionaryVr as implicitVrOfTag, keywordOfTag, listedVr, tagLabel } from '@dicom-router/dicom-data';

/**
 * The PS3.6 data dictionary (dicom-data's) for worklist keys, which are `ggggeeee` hex strings as in
 * DICOM JSON (PS3.18 §F.2.1). Implicit VR identifiers carry no VR (PS3.5 §7.1.3), and explicit ones
 * are checked against it.
 */
const tagOf = (key: string): number => parseInt(key, 16);

/**
 * The dictionary VR of a key, or undefined when unknown (private tags, retired-unknown). VRs that
 * depend on context (lower case, e.g. `xs` for "US or SS") come back as listed.
 */
export function dictionaryVr(key: string): string | undefined {
  return listedVr(tagOf(key));
}

/** The VR to use for an element read without one (PS3.5 Annex A.1): context-dependent ones resolved. */
export function implicitVr(key: string): string {
  return implicitVrOfTag(tagOf(key));
}

/** `(0010,0010) PatientName`, for messages that name an attribute. */
export function describeTag(key: string): string {
  const tag = tagOf(key);
  const keyword = keywordOfTag(tag);
  return `${tagLabel(tag)}${keyword ? ` ${keyword}` : ''}`;
}

import { responseCharacterSet } from './character-set';
import { CHARSET_VRS, textValues, type DicomJson } from './dicom-json';
import { writeDataSet } from './dataset-writer';
import { Tag } from './tags';

/**
 * The bytes of one C-FIND response identifier (PS3.4 C.4.1.2.3.1): the matched keys plus
 * Specific Character Set (0008,0005), encoded in the character set chosen for its texts.
 */
export function encodeResponse(identifier: DicomJson, requestedCharacterSet: readonly string[], explicitVr: boolean): Buffer {
  const texts: string[] = [];
  collectTexts(identifier, texts);
  const charset = responseCharacterSet(texts, requestedCharacterSet);
  const withCharset: DicomJson = { ...identifier, [Tag.SpecificCharacterSet]: charset.value ? { vr: 'CS', Value: charset.value.split('\\') } : { vr: 'CS' } };
  return writeDataSet(withCharset, { explicitVr, encoding: charset.encoding });
}

function collectTexts(dataSet: DicomJson, into: string[]): void {
  for (const attribute of Object.values(dataSet)) {
    if (attribute.vr === 'SQ') for (const item of attribute.Value ?? []) collectTexts(item as DicomJson, into);
    else if (CHARSET_VRS.has(attribute.vr)) into.push(...textValues(attribute));
  }
}

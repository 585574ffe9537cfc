import { tagOfKeyword } from '@dicom-router/dicom-data';

/**
 * A data element named the way a PACS administrator writes it: a PS3.6 keyword (`PatientID`), a
 * tag in the usual notation (`(0010,0020)`), or the DICOM JSON model's form (`00100020`, PS3.18
 * §F.2.1). Returns the tag as `(group << 16) | element`, or throws saying what was expected.
 */
export function parseAttributeName(name: string): number {
  const text = name.trim();
  const tag = /^\(([0-9A-Fa-f]{4}),\s*([0-9A-Fa-f]{4})\)$/.exec(text) ?? /^([0-9A-Fa-f]{4})([0-9A-Fa-f]{4})$/.exec(text);
  if (tag) return ((parseInt(tag[1], 16) << 16) | parseInt(tag[2], 16)) >>> 0;
  const byKeyword = tagOfKeyword(text);
  if (byKeyword !== undefined) return byKeyword;
  throw new Error(
    `${JSON.stringify(name)} is neither a PS3.6 keyword (e.g. "PatientID") nor a tag written "(gggg,eeee)" or "ggggeeee"`,
  );
}

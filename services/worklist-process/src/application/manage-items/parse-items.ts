import { indexOf, InvalidItemError, readWorklistFile, validateItem } from '@dicom-router/worklist';
import type { NewItem } from '../worklist-items.port';
import { UnsupportedMediaTypeError, ValidationError, type Problem } from '../errors';

export const DICOM_JSON = 'application/dicom+json';
export const DICOM = 'application/dicom';

/**
 * Items from a request body: DICOM JSON (PS3.18 F.2: an array of data sets, or one data set) or
 * one Part-10 worklist file as DCMTK's wlmscpfs reads it. Every item is checked before any is
 * stored; the error lists each offending item and attribute.
 */
export function parseItems(body: Buffer, contentType: string | undefined): NewItem[] {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === DICOM) return [checked(() => readWorklistFile(body), 'the file')];
  if (type === DICOM_JSON || type === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new ValidationError(`the body is not JSON: ${(err as Error).message}`);
    }
    const list = Array.isArray(json) ? json : [json];
    if (list.length === 0) throw new ValidationError('the body holds no worklist item');
    const problems: Problem[] = [];
    const items = list.flatMap((entry, i) => {
      try {
        return [toNewItem(entry)];
      } catch (err) {
        if (!(err instanceof InvalidItemError)) throw err;
        problems.push({ item: `item ${i + 1}`, attribute: err.attribute, message: err.message });
        return [];
      }
    });
    if (problems.length) throw new ValidationError(`${problems.length} of ${list.length} items are not valid; nothing was stored: ${problems[0].item}: ${problems[0].message}`, problems);
    return items;
  }
  throw new UnsupportedMediaTypeError(`send ${DICOM_JSON} or ${DICOM} (got ${type || 'no Content-Type'})`);
}

export function toNewItem(json: unknown): NewItem {
  const attributes = validateItem(json);
  return { attributes, index: indexOf(attributes) };
}

/** A worklist file, read and validated; errors name the file. */
export function fileItem(bytes: Buffer, name: string): NewItem {
  return checked(() => readWorklistFile(bytes), name);
}

function checked(read: () => unknown, name: string): NewItem {
  try {
    return toNewItem(read());
  } catch (err) {
    if (!(err instanceof InvalidItemError)) throw err;
    throw new ValidationError(`${name}: ${err.message}`, [{ item: name, attribute: err.attribute, message: err.message }]);
  }
}

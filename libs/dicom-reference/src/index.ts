import { DictionaryEntry, ReferenceSource, SopClass, TransferSyntax, dictionaryTable, sopClassTable, transferSyntaxTable } from './tables';

export type { DictionaryEntry, ReferenceSource, SopClass, TransferSyntax } from './tables';
export { filterRows } from './filter';
export { entryByKeyword, entryByTag, sopClassByUid, transferSyntaxByUid } from './lookup';

/** Every SOP Class and Meta SOP Class of PS3.6, sorted by UID. */
export function sopClasses(): readonly SopClass[] {
  return sopClassTable().rows;
}

/** Every transfer syntax of PS3.6, retired ones included, sorted by UID. */
export function transferSyntaxes(): readonly TransferSyntax[] {
  return transferSyntaxTable().rows;
}

/** The PS3.6 data dictionary, repeating-group entries included, sorted by tag. */
export function dictionary(): readonly DictionaryEntry[] {
  return dictionaryTable().rows;
}

/** The published source and DICOM edition the tables were generated from. */
export function referenceSource(): ReferenceSource {
  const { source, pydicom, dicomEdition } = sopClassTable().header;
  return { source, pydicom, dicomEdition };
}

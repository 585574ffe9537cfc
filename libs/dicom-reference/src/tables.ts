import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An abstract syntax of PS3.6 Table A-1: a SOP Class or Meta SOP Class UID. */
export interface SopClass {
  readonly uid: string;
  readonly name: string;
  readonly keyword: string;
  readonly retired: boolean;
}

/** A transfer syntax of PS3.6 Table A-1. */
export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  readonly keyword: string;
  readonly retired: boolean;
}

/** A PS3.6 Table 6-1/7-1 element; `tag` is `(gggg,eeee)`, repeating groups as `(60xx,0010)`. */
export interface DictionaryEntry {
  readonly tag: string;
  readonly keyword: string;
  readonly name: string;
  readonly vr: string;
  readonly vm: string;
  readonly retired: boolean;
}

/** Where the tables come from, as written by scripts/generate.py. */
export interface ReferenceSource {
  readonly source: string;
  readonly pydicom: string;
  readonly dicomEdition: string;
}

interface TableFile<T> {
  readonly header: ReferenceSource;
  readonly rows: readonly T[];
}

// Read from disk on first use rather than imported: services that never show a table don't pay
// for parsing ~700 KB, and the compiler never has to infer a type for the literal.
function loadTable<T>(file: string): TableFile<T> {
  const parsed = JSON.parse(readFileSync(join(__dirname, 'data', file), 'utf8')) as TableFile<T>;
  if (!parsed || typeof parsed.header?.source !== 'string' || !Array.isArray(parsed.rows)) {
    throw new Error(`${file} is not a reference table written by libs/dicom-reference/scripts/generate.py`);
  }
  for (const row of parsed.rows) Object.freeze(row);
  return { header: Object.freeze(parsed.header), rows: Object.freeze(parsed.rows) };
}

function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

export const sopClassTable = lazy(() => loadTable<SopClass>('sop-classes.json'));
export const transferSyntaxTable = lazy(() => loadTable<TransferSyntax>('transfer-syntaxes.json'));
export const dictionaryTable = lazy(() => loadTable<DictionaryEntry>('dictionary.json'));

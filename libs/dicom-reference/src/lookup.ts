import { DictionaryEntry, SopClass, TransferSyntax, dictionaryTable, sopClassTable, transferSyntaxTable } from './tables';

function indexBy<T, K>(rows: readonly T[], key: (row: T) => K | undefined): Map<K, T> {
  const index = new Map<K, T>();
  for (const row of rows) {
    const k = key(row);
    if (k !== undefined) index.set(k, row);
  }
  return index;
}

interface Repeater {
  readonly entry: DictionaryEntry;
  readonly mask: number;
  readonly value: number;
  readonly groupRepeats: boolean;
}

interface DictionaryIndex {
  readonly byTagText: Map<string, DictionaryEntry>;
  readonly byTag: Map<number, DictionaryEntry>;
  readonly byKeyword: Map<string, DictionaryEntry>;
  readonly repeaters: readonly Repeater[];
}

let sopIndex: Map<string, SopClass> | undefined;
let tsIndex: Map<string, TransferSyntax> | undefined;
let dictIndex: DictionaryIndex | undefined;

export function sopClassByUid(uid: string): SopClass | undefined {
  sopIndex ??= indexBy(sopClassTable().rows, (row) => row.uid);
  return sopIndex.get(uid.trim());
}

export function transferSyntaxByUid(uid: string): TransferSyntax | undefined {
  tsIndex ??= indexBy(transferSyntaxTable().rows, (row) => row.uid);
  return tsIndex.get(uid.trim());
}

const TAG_TEXT = /^\(?\s*([0-9a-fx]{4})\s*,?\s*([0-9a-fx]{4})\s*\)?$/i;

function hexDigits(tag: string): string {
  return tag.slice(1, 5) + tag.slice(6, 10);
}

function buildDictionaryIndex(): DictionaryIndex {
  const rows = dictionaryTable().rows;
  const repeaters: Repeater[] = [];
  for (const entry of rows) {
    const digits = hexDigits(entry.tag);
    if (!digits.includes('x')) continue;
    repeaters.push({
      entry,
      mask: parseInt(digits.replace(/[0-9A-F]/g, 'F').replace(/x/g, '0'), 16),
      value: parseInt(digits.replace(/x/g, '0'), 16),
      groupRepeats: digits.slice(0, 4).includes('x'),
    });
  }
  return {
    byTagText: indexBy(rows, (row) => row.tag),
    byTag: indexBy(rows, (row) => (hexDigits(row.tag).includes('x') ? undefined : parseInt(hexDigits(row.tag), 16))),
    byKeyword: indexBy(rows, (row) => row.keyword || undefined),
    repeaters,
  };
}

function entryByNumber(index: DictionaryIndex, tag: number): DictionaryEntry | undefined {
  const exact = index.byTag.get(tag);
  if (exact) return exact;
  const group = tag >>> 16;
  for (const { entry, mask, value, groupRepeats } of index.repeaters) {
    // PS3.5 7.6: repeating groups (50xx, 60xx, 7Fxx) are even; an odd group is private (PS3.5 7.8).
    if (groupRepeats && group % 2 === 1) continue;
    if (((tag & mask) >>> 0) === value) return entry;
  }
  return undefined;
}

/**
 * The entry for `(gggg,eeee)` (parentheses and comma optional, any case) or a 32-bit tag number.
 * A concrete tag in a repeating group, e.g. (6002,3000), finds its `(60xx,3000)` entry.
 */
export function entryByTag(tag: string | number): DictionaryEntry | undefined {
  dictIndex ??= buildDictionaryIndex();
  if (typeof tag === 'number') {
    return Number.isInteger(tag) && tag >= 0 && tag <= 0xffffffff ? entryByNumber(dictIndex, tag) : undefined;
  }
  const match = TAG_TEXT.exec(tag.trim());
  if (!match) return undefined;
  const [group, element] = [match[1], match[2]].map((part) => part.toUpperCase().replace(/X/g, 'x'));
  if (`${group}${element}`.includes('x')) return dictIndex.byTagText.get(`(${group},${element})`);
  return entryByNumber(dictIndex, parseInt(`${group}${element}`, 16));
}

/** The entry whose PS3.6 keyword is exactly `keyword` (keywords are case-sensitive). */
export function entryByKeyword(keyword: string): DictionaryEntry | undefined {
  dictIndex ??= buildDictionaryIndex();
  return keyword ? dictIndex.byKeyword.get(keyword) : undefined;
}

import { BINARY_VRS, NUMERIC_VRS, STRING_VRS, sequenceItems, textValues, type DicomJson, type DicomJsonAttribute } from './dicom-json';
import { describeTag, dictionaryVr } from './dictionary';
import { IdentifierError } from './errors';
import { DATE_TIME_PAIRS, Tag } from './tags';
import { parseDateRange, parseDateTimeRange, parseTimeRange, type Bounds } from './temporal';

/** How one key of an identifier selects items (PS3.4 C.2.2.2). */
export type Matcher =
  /** C.2.2.2.1 Single Value Matching (and, for UI, C.2.2.2.2 List of UID Matching: any of `values`). */
  | { kind: 'single'; values: string[] }
  /** C.2.2.2.4 Wild Card Matching: `*` any sequence of characters, `?` any single character. */
  | { kind: 'wildcard'; pattern: string }
  /** C.2.2.2.5 Range Matching of DA, TM or DT; either bound may be open. */
  | { kind: 'range'; vr: 'DA' | 'TM' | 'DT'; bounds: Bounds }
  /** C.2.2.2.5 a DA key and its paired TM key matched as one date-time (the TM key is then `paired`). */
  | { kind: 'date-time'; timeKey: string; bounds: Bounds }
  | { kind: 'paired' };

export interface QueryKey {
  key: string;
  vr: string;
  /** Null: universal matching (C.2.2.2.3) or a return key only. */
  matcher: Matcher | null;
  /** For a sequence key: the keys of its single item (C.2.2.2.6). */
  item?: QueryKey[];
}

export interface WorklistQuery {
  keys: QueryKey[];
  /** The Specific Character Set the SCU declared, echoed when the response fits it. */
  requestedCharacterSet: string[];
  /** Keys given values whose VR admits no matching: ignored for matching, reported by FF01H. */
  unsupportedKeys: string[];
}

/** PS3.5 Table 6.2-1: the longest value each VR admits, in characters (PN per component group). */
const MAX_CHARS: Readonly<Record<string, number>> = {
  AE: 16, AS: 4, CS: 16, DA: 8, DS: 16, DT: 26, IS: 12, LO: 64, LT: 10240, PN: 64, SH: 16, ST: 1024, TM: 14, UI: 64, UC: 1024, UR: 1024, UT: 10240,
};
/** PS3.4 C.2.2.2.4: wildcards do not apply to dates, times and UIDs (nor to numbers). */
const NO_WILDCARD_VRS = new Set(['DA', 'TM', 'DT', 'UI', 'DS', 'IS', 'AS']);

/**
 * Reads the keys of a Modality Worklist identifier (PS3.4 K.6.1.2) and decides how each one
 * matches. Refuses (IdentifierError 'invalid') what no SCP can answer: a VR that contradicts the
 * data dictionary, a value longer than its VR allows, a malformed date or time, a sequence key
 * with more than one item.
 */
export function buildQuery(identifier: DicomJson): WorklistQuery {
  const unsupportedKeys: string[] = [];
  const requestedCharacterSet = textValues(identifier[Tag.SpecificCharacterSet]);
  const keys = buildKeys(identifier, unsupportedKeys, true);
  return { keys, requestedCharacterSet, unsupportedKeys };
}

function buildKeys(dataSet: DicomJson, unsupported: string[], topLevel: boolean): QueryKey[] {
  const keys: QueryKey[] = [];
  for (const key of Object.keys(dataSet).sort()) {
    // Group lengths carry no meaning in an identifier; the character set is not a key.
    if (key.endsWith('0000') || (topLevel && key === Tag.SpecificCharacterSet)) continue;
    keys.push(buildKey(key, dataSet[key], unsupported));
  }
  pairDatesWithTimes(keys);
  return keys;
}

function buildKey(key: string, attribute: DicomJsonAttribute, unsupported: string[]): QueryKey {
  const vr = checkVr(key, attribute.vr);
  if (vr === 'SQ') {
    const items = sequenceItems(attribute);
    if (items.length > 1) throw invalid(`${describeTag(key)} has ${items.length} items; a sequence key has at most one (PS3.4 C.2.2.2.6)`, key);
    return { key, vr, matcher: null, item: items.length ? buildKeys(items[0], unsupported, false) : [] };
  }
  const values = textValues(attribute);
  if (values.length === 0 && attribute.InlineBinary === undefined) return { key, vr, matcher: null };
  if (!STRING_VRS.has(vr) || BINARY_VRS.has(vr) || NUMERIC_VRS.has(vr)) {
    unsupported.push(describeTag(key));
    return { key, vr, matcher: null };
  }
  for (const value of values) checkLength(key, vr, value);
  return { key, vr, matcher: matcherFor(key, vr, values) };
}

function matcherFor(key: string, vr: string, values: string[]): Matcher | null {
  if (vr === 'UI') {
    const uids = values.filter((v) => v !== '');
    for (const uid of uids) if (!/^[0-9.]+$/.test(uid)) throw invalid(`${describeTag(key)}: "${uid}" is not a UID`, key);
    return uids.length ? { kind: 'single', values: uids } : null;
  }
  if (values.length > 1) throw invalid(`${describeTag(key)} has ${values.length} values; a matching key has one (PS3.4 C.2.2.2)`, key);
  const value = values[0];
  if (value === '' || value === '*') return null;
  if (vr === 'DA' || vr === 'TM' || vr === 'DT') {
    const parse = vr === 'DA' ? parseDateRange : vr === 'TM' ? parseTimeRange : parseDateTimeRange;
    const bounds = parse(value);
    if (!bounds) throw invalid(`${describeTag(key)}: "${value}" is not a ${vr} value or range`, key);
    return value.includes('-') || vr !== 'DA' ? { kind: 'range', vr, bounds } : { kind: 'single', values: [value] };
  }
  if (!NO_WILDCARD_VRS.has(vr) && /[*?]/.test(value)) return { kind: 'wildcard', pattern: value };
  return { kind: 'single', values: [value] };
}

/** PS3.4 C.2.2.2.5: a date key and its paired time key, both given, match as one date-time. */
function pairDatesWithTimes(keys: QueryKey[]): void {
  for (const dateKey of keys) {
    const timeKeyTag = DATE_TIME_PAIRS[dateKey.key];
    const timeKey = timeKeyTag && keys.find((k) => k.key === timeKeyTag);
    if (!timeKey || !dateKey.matcher || !timeKey.matcher) continue;
    const date = dateKey.matcher.kind === 'range' ? dateKey.matcher.bounds : dateKey.matcher.kind === 'single' ? parseDateRange(dateKey.matcher.values[0]) : undefined;
    const time = timeKey.matcher.kind === 'range' ? timeKey.matcher.bounds : undefined;
    if (!date || !time) continue;
    dateKey.matcher = {
      kind: 'date-time',
      timeKey: timeKey.key,
      bounds: {
        low: date.low === undefined ? undefined : date.low.slice(0, 8) + (time.low ?? '000000.000000'),
        high: date.high === undefined ? undefined : date.high.slice(0, 8) + (time.high ?? '235959.999999'),
      },
    };
    timeKey.matcher = { kind: 'paired' };
  }
}

function checkVr(key: string, given: string): string {
  const expected = dictionaryVr(key);
  // Lower-case dictionary VRs (dcmjs: "US or SS", "OB or OW") depend on context; UN is always allowed (PS3.5 §6.2.2).
  if (expected && expected === expected.toUpperCase() && given !== 'UN' && given !== expected) {
    throw invalid(`${describeTag(key)} has VR ${given}, but PS3.6 defines it as ${expected}`, key);
  }
  return given === 'UN' && expected && expected === expected.toUpperCase() ? expected : given;
}

function checkLength(key: string, vr: string, value: string): void {
  // A range holds two values and a hyphen (PS3.4 C.2.2.2.5).
  const max = (MAX_CHARS[vr] ?? Infinity) * (vr === 'DA' || vr === 'TM' || vr === 'DT' ? 2 : 1) + (vr === 'DA' || vr === 'TM' || vr === 'DT' ? 1 : 0);
  const longest = vr === 'PN' ? Math.max(...value.split('=').map((g) => g.length)) : value.length;
  if (longest > max) throw invalid(`${describeTag(key)}: a value of ${value.length} characters exceeds the ${MAX_CHARS[vr]} that ${vr} allows`, key);
}

function invalid(message: string, key: string): IdentifierError {
  return new IdentifierError('invalid', message, describeTag(key));
}

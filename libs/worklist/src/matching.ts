import { sequenceItems, textValues, type DicomJson, type DicomJsonAttribute } from './dicom-json';
import { dictionaryVr } from './dictionary';
import type { Matcher, QueryKey, WorklistQuery } from './query';
import { SCHEDULED_STEP_RETURN_KEYS, Tag } from './tags';
import { overlaps, storedInterval, timeBound, type Bounds } from './temporal';

export interface MatchOptions {
  /**
   * Match Person Name (PN) keys regardless of case. PS3.4 C.2.2.2.1 makes matching case-sensitive
   * except where the SCP documents otherwise (its Conformance Statement); many modalities send
   * names in upper case while RIS systems store mixed case.
   */
  caseInsensitivePersonNames?: boolean;
}

/**
 * PS3.4 C.2.2.2: the item's response identifier when it matches every key of the query, or null.
 * The response holds exactly the query's keys (C.4.1.2.3.1): the item's value where it has one,
 * otherwise an empty value; for a sequence key, the items that matched, each reduced the same way.
 */
export function matchItem(item: DicomJson, query: WorklistQuery, options: MatchOptions = {}): DicomJson | null {
  return evaluate(item, query.keys, options);
}

function evaluate(dataSet: DicomJson, keys: readonly QueryKey[], options: MatchOptions): DicomJson | null {
  const out: DicomJson = {};
  for (const key of keys) {
    const attribute = dataSet[key.key];
    if (key.item) {
      const projected = evaluateSequence(attribute, key.item, key.key, options);
      if (projected === null) return null;
      out[key.key] = projected.length ? { vr: 'SQ', Value: projected } : { vr: 'SQ' };
      continue;
    }
    if (key.matcher && !matches(dataSet, attribute, key.matcher, key.vr, options)) return null;
    out[key.key] = copyOrEmpty(attribute, key.vr, key.key);
  }
  return out;
}

/** C.2.2.2.6: a sequence matches when one of its items matches the key's item; only those come back. */
function evaluateSequence(attribute: DicomJsonAttribute | undefined, itemKeys: readonly QueryKey[], key: string, options: MatchOptions): DicomJson[] | null {
  const items = sequenceItems(attribute);
  const hasMatchers = itemKeys.some(isMatching);
  if (itemKeys.length === 0) {
    // A single empty item asks for every attribute of the items (C.2.2.2.6); for the Scheduled
    // Procedure Step those of PS3.4 Table K.6-1, present or not.
    if (key !== Tag.ScheduledProcedureStepSequence) return items.map((item) => structuredClone(item));
    const all = SCHEDULED_STEP_RETURN_KEYS.map((k): QueryKey => ({ key: k, vr: dictionaryVr(k) ?? 'UN', matcher: null }));
    return items.map((item) => evaluate(item, all, options)!);
  }
  const projected = items.map((item) => evaluate(item, itemKeys, options)).filter((p): p is DicomJson => p !== null);
  if (hasMatchers && projected.length === 0) return null;
  return projected;
}

function isMatching(key: QueryKey): boolean {
  return (key.matcher !== null && key.matcher.kind !== 'paired') || (key.item?.some(isMatching) ?? false);
}

function matches(dataSet: DicomJson, attribute: DicomJsonAttribute | undefined, matcher: Matcher, vr: string, options: MatchOptions): boolean {
  // C.2.2.2: an attribute with no value matches only universal keys.
  const values = textValues(attribute).filter((v) => v !== '');
  switch (matcher.kind) {
    case 'paired':
      return true;
    case 'single': {
      const fold = vr === 'PN' && options.caseInsensitivePersonNames;
      const wanted = fold ? matcher.values.map((v) => v.toLowerCase()) : matcher.values;
      // C.2.2.2.1: a multi-valued attribute matches when any of its values does.
      return values.some((v) => wanted.includes(fold ? v.toLowerCase() : v));
    }
    case 'wildcard': {
      const regex = wildcardRegex(matcher.pattern, vr === 'PN' && options.caseInsensitivePersonNames === true);
      return values.some((v) => regex.test(v));
    }
    case 'range':
      return values.some((v) => {
        const stored = storedInterval(matcher.vr, v);
        return stored !== undefined && overlaps(stored, matcher.bounds);
      });
    case 'date-time':
      return values.some((date) => dateTimeMatches(date, textValues(dataSet[matcher.timeKey]).filter((t) => t !== ''), matcher.bounds));
  }
}

function dateTimeMatches(date: string, times: string[], bounds: Bounds): boolean {
  if (!/^\d{8}$/.test(date)) return false;
  const intervals = times.length
    ? times.map((t) => ({ low: timeBound(t, false), high: timeBound(t, true) })).filter((i) => i.low && i.high)
    : [{ low: '000000.000000', high: '235959.999999' }];
  return intervals.some((i) => overlaps({ low: date + i.low, high: date + i.high }, bounds));
}

const regexCache = new Map<string, RegExp>();

/** C.2.2.2.4: `*` matches any sequence of characters (including none), `?` any single character. */
export function wildcardRegex(pattern: string, ignoreCase: boolean): RegExp {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = regexCache.get(cacheKey);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(cacheKey, regex);
  }
  return regex;
}

function copyOrEmpty(attribute: DicomJsonAttribute | undefined, vr: string, key: string): DicomJsonAttribute {
  if (!attribute) return { vr: vr === 'UN' ? (dictionaryVr(key) ?? 'UN') : vr };
  return structuredClone(attribute);
}

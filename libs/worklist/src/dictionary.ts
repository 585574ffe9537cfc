import { createRequire } from 'node:module';

/**
 * The PS3.6 data dictionary, from dcmjs. Implicit VR identifiers carry no VR (PS3.5 §7.1.3), and
 * explicit ones are checked against it. Built once into numeric tables: dcmjs's `dictionary` is a
 * lazy proxy too slow for per-element lookups.
 */

interface DictionaryEntry {
  tag: string;
  vr: string;
}

interface DcmjsModule {
  data: { DicomMetaDictionary: { nameMap: Record<string, DictionaryEntry | undefined> } };
}

let vrByTag: Map<string, string> | undefined;
let keywordByTag: Map<string, string> | undefined;

function load(): void {
  if (vrByTag && keywordByTag) return;
  const dcmjs = createRequire(__filename)('dcmjs') as DcmjsModule;
  const { nameMap } = dcmjs.data.DicomMetaDictionary;
  vrByTag = new Map();
  keywordByTag = new Map();
  for (const keyword of Object.keys(nameMap)) {
    const entry = nameMap[keyword];
    const match = entry && /^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)$/.exec(entry.tag);
    if (!entry || !match) continue;
    const key = (match[1] + match[2]).toUpperCase();
    vrByTag.set(key, entry.vr);
    keywordByTag.set(key, keyword);
  }
}

/**
 * The dictionary VR of a tag, or undefined when unknown (private tags, retired-unknown). VRs that
 * depend on context (dcmjs writes them lower-case, e.g. `xs` for "US or SS") come back as given.
 */
export function dictionaryVr(key: string): string | undefined {
  const element = key.slice(4);
  if (element === '0000') return 'UL';
  if (parseInt(key.slice(0, 4), 16) & 1) {
    // PS3.5 §7.8.1: private creator elements (gggg,0010-00FF) are LO; other private elements are unknown.
    const e = parseInt(element, 16);
    return e >= 0x10 && e <= 0xff ? 'LO' : undefined;
  }
  load();
  return vrByTag!.get(key);
}

/** The VR to use for an element read without one (PS3.5 Annex A.1): context-dependent ones resolved. */
export function implicitVr(key: string): string {
  const vr = dictionaryVr(key);
  switch (vr) {
    case undefined:
    case 'na':
      return 'UN';
    case 'ox':
    case 'lt':
      return 'OW';
    case 'xs':
      return 'US';
    case 'up':
      return 'UL';
    default:
      return vr;
  }
}

export function keywordOf(key: string): string | undefined {
  load();
  return keywordByTag!.get(key);
}

/** `(0010,0010) PatientName`, for messages that name an attribute. */
export function describeTag(key: string): string {
  const keyword = keywordOf(key);
  return `(${key.slice(0, 4)},${key.slice(4)})${keyword ? ` ${keyword}` : ''}`;
}

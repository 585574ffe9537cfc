import { createRequire } from 'node:module';

/**
 * The PS3.6 data dictionary, taken from dcmjs. Implicit VR data sets carry no VR, so a reader
 * needs the dictionary's (PS3.5 §7.1.3); keywords make leading attributes addressable by name.
 */

interface DictionaryEntry {
  tag: string;
  vr: string;
  name: string;
}

interface DcmjsDictionary {
  data: {
    DicomMetaDictionary: {
      /**
       * The entries of `dictionary` (keyed `(gggg,eeee)`) keyed by keyword. `dictionary` itself is
       * a lazy proxy that cannot be enumerated and costs microseconds per lookup, too slow for
       * every element of an Implicit VR data set, so numeric tables are built from this once.
       */
      nameMap: Record<string, DictionaryEntry | undefined>;
    };
  };
}

interface Tables {
  vrByTag: Map<number, string>;
  /** As dcmjs lists it: lower case where the VR depends on context. */
  listedVrByTag: Map<number, string>;
  tagByKeyword: Map<string, number>;
  keywordByTag: Map<number, string>;
}

let tables: Tables | undefined;

/**
 * dcmjs ships no type declarations. dicom-network declares the module ambiently; a second ambient
 * declaration would clash whenever both libraries are compiled together, so the one member used
 * here is typed locally. Loading is deferred to first use: it costs about 40 ms.
 */
function load(): Tables {
  if (tables) return tables;
  const dcmjs = createRequire(__filename)('dcmjs') as DcmjsDictionary;
  const { nameMap } = dcmjs.data.DicomMetaDictionary;
  const vrByTag = new Map<number, string>();
  const listedVrByTag = new Map<number, string>();
  const tagByKeyword = new Map<string, number>();
  const keywordByTag = new Map<number, string>();
  for (const keyword of Object.keys(nameMap)) {
    const entry = nameMap[keyword];
    const tag = entry ? parseTag(entry.tag) : undefined;
    if (!entry || tag === undefined) continue;
    vrByTag.set(tag, implicitVr(entry.vr));
    listedVrByTag.set(tag, entry.vr);
    tagByKeyword.set(keyword, tag);
    keywordByTag.set(tag, keyword);
  }
  tables = { vrByTag, listedVrByTag, tagByKeyword, keywordByTag };
  return tables;
}

function parseTag(key: string): number | undefined {
  const match = /^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)$/.exec(key);
  return match ? parseInt(match[1] + match[2], 16) : undefined;
}

/**
 * dcmjs marks VRs that depend on other attributes in lower case. Implicit VR Little Endian
 * resolves them as PS3.5 §A.1 and PS3.6 notes: Pixel and Overlay Data as OW, "US or SS" as US,
 * LUT data as OW; `up` is an offset (UL) and `na` the item tags, which have no VR.
 */
function implicitVr(vr: string): string {
  switch (vr) {
    case 'ox':
    case 'lt':
      return 'OW';
    case 'xs':
      return 'US';
    case 'up':
      return 'UL';
    case 'na':
      return 'UN';
    default:
      return vr;
  }
}

/** PS3.5 §7.6: repeating groups 50xx (curves) and 60xx (overlays) are listed once, as 5000 and 6000. */
function repeatingGroupTag(tag: number): number {
  const group = tag >>> 16;
  if ((group & 0xff01) === 0x5000 || (group & 0xff01) === 0x6000) return ((group & 0xff00) << 16) | (tag & 0xffff);
  return tag;
}

/** The VR of `tag` in an Implicit VR data set: UN when the dictionary does not know it. */
export function dictionaryVr(tag: number): string {
  const element = tag & 0xffff;
  // PS3.5 §7.2: (gggg,0000) is a group length, UL.
  if (element === 0) return 'UL';
  const group = tag >>> 16;
  if (group & 1) {
    // PS3.5 §7.8.1: private creator elements (gggg,0010-00FF) are LO; other private elements are unknown.
    return element >= 0x10 && element <= 0xff ? 'LO' : 'UN';
  }
  const { vrByTag } = load();
  return vrByTag.get(tag) ?? vrByTag.get(repeatingGroupTag(tag)) ?? 'UN';
}

/**
 * The VR PS3.6 lists for `tag`, as dcmjs writes it: lower case where it depends on context (`xs`
 * "US or SS", `ox` "OB or OW"…), so that a caller checking an explicit VR knows when not to insist;
 * undefined when the dictionary does not know the tag (other private elements, unknown tags).
 */
export function listedVr(tag: number): string | undefined {
  const element = tag & 0xffff;
  if (element === 0) return 'UL';
  if ((tag >>> 16) & 1) return element >= 0x10 && element <= 0xff ? 'LO' : undefined;
  const { listedVrByTag } = load();
  return listedVrByTag.get(tag) ?? listedVrByTag.get(repeatingGroupTag(tag));
}

/** The tag `(group << 16) | element` of a PS3.6 keyword such as `PatientName`. */
export function tagOfKeyword(keyword: string): number | undefined {
  return load().tagByKeyword.get(keyword);
}

/** The PS3.6 keyword of a standard tag. */
export function keywordOfTag(tag: number): string | undefined {
  const { keywordByTag } = load();
  return keywordByTag.get(tag) ?? keywordByTag.get(repeatingGroupTag(tag));
}

/** `ggggeeee`, upper-case hex, the tag form DICOM JSON uses (PS3.18 §F.2.1). */
export function tagHex(tag: number): string {
  return (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** `(gggg,eeee)`, the tag form of PS3.6 and of error messages. */
export function tagLabel(tag: number): string {
  const hex = tagHex(tag);
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

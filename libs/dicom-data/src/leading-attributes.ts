import { decideCharacterSet, type TextEncoding } from './character-set';
import { DeflatedPrefix } from './deflated-prefix';
import { dictionaryVr, keywordOfTag, tagHex, tagLabel, tagOfKeyword } from './dictionary';
import { decodeValue, TEXTUAL_VRS } from './element-value';
import { dataSetEncoding } from './transfer-syntax';

/**
 * Reads the attributes in front of Pixel Data while a data set streams past, as a C-STORE data
 * set does on its way from the network to storage (docs/architecture.md §3), without holding the rest: the
 * routing metadata (patient, study, series, instance, modality) precedes (7FE0,0010) because data
 * elements are in ascending tag order (PS3.5 §7.1). Only top-level attributes are recorded;
 * sequences are walked to be skipped, never kept.
 */

/** One top-level attribute: its VR and its value as text (empty for binary values and sequences). */
export interface LeadingElement {
  vr: string;
  value: string;
}

export interface LeadingAttributesOptions {
  /** Data set bytes to examine before giving up on reaching Pixel Data; default 1 MiB. */
  maxBytes?: number;
}

export const DEFAULT_MAX_LEADING_BYTES = 1024 * 1024;

/** What the reader found, with lookups by keyword and a JSON form for events. */
export class LeadingAttributes {
  /** Reached Pixel Data (or another element from (7FE0,0000) on) or the end of a well-formed data set. */
  readonly complete: boolean;
  /** Keyed by tag, `(group << 16) | element`, in stream order. */
  readonly elements: Map<number, LeadingElement>;
  /** Why parsing stopped early; elements before that point are still valid. */
  readonly error?: string;
  /** The declared Specific Character Set when it was read as Latin-1 for lack of support. */
  readonly unsupportedCharacterSet?: string;
  /** A deviation from the standard that parsing worked around. */
  readonly warning?: string;
  /** Data set bytes examined (after inflation for deflated transfer syntaxes). */
  readonly bytesRead: number;

  constructor(fields: {
    complete: boolean;
    elements: Map<number, LeadingElement>;
    bytesRead: number;
    error?: string;
    unsupportedCharacterSet?: string;
    warning?: string;
  }) {
    this.complete = fields.complete;
    this.elements = fields.elements;
    this.bytesRead = fields.bytesRead;
    if (fields.error !== undefined) this.error = fields.error;
    if (fields.unsupportedCharacterSet !== undefined) this.unsupportedCharacterSet = fields.unsupportedCharacterSet;
    if (fields.warning !== undefined) this.warning = fields.warning;
  }

  /** The value of a top-level attribute by PS3.6 keyword, e.g. `get('StudyInstanceUID')`. */
  get(keyword: string): string | undefined {
    const tag = tagOfKeyword(keyword);
    return tag === undefined ? undefined : this.elements.get(tag)?.value;
  }

  toJson(): LeadingAttributesJson {
    const elements: LeadingAttributesJson['elements'] = {};
    for (const [tag, { vr, value }] of this.elements) {
      const keyword = keywordOfTag(tag);
      elements[tagHex(tag)] = keyword === undefined ? { vr, value } : { vr, keyword, value };
    }
    return {
      complete: this.complete,
      ...(this.error === undefined ? {} : { error: this.error }),
      ...(this.unsupportedCharacterSet === undefined ? {} : { unsupportedCharacterSet: this.unsupportedCharacterSet }),
      ...(this.warning === undefined ? {} : { warning: this.warning }),
      elements,
    };
  }
}

export interface LeadingAttributesJson {
  complete: boolean;
  error?: string;
  unsupportedCharacterSet?: string;
  warning?: string;
  /** Keyed by `ggggeeee` as in the DICOM JSON model (PS3.18 §F.2.1). */
  elements: Record<string, { vr: string; keyword?: string; value: string }>;
}

/** An open sequence or item of undefined length (PS3.5 §7.5.1-2). */
interface Frame {
  /** Inside a sequence, expecting items; otherwise inside an item, expecting elements. */
  sequence: boolean;
  implicit: boolean;
  littleEndian: boolean;
}

const UNDEFINED_LENGTH = 0xffffffff;
// PS3.5 §7.5: item and delimitation tags, group FFFE, always followed by a 32-bit length and no VR.
const ITEM = 0xfffee000;
const ITEM_DELIMITATION = 0xfffee00d;
const SEQUENCE_DELIMITATION = 0xfffee0dd;
const SPECIFIC_CHARACTER_SET = 0x00080005;
/** Deeper nesting than any IOD defines: only hostile input gets here. */
const MAX_DEPTH = 64;
/** Head room for the inflated prefix above `maxBytes` (see DeflatedPrefix). */
const INFLATE_MARGIN = 64 * 1024;

/**
 * PS3.5 §7.1.2 Table 7.1-2: the Explicit VRs with a 16-bit length. Every other VR, including any
 * defined later, has 2 reserved bytes and a 32-bit length (Table 7.1-1). Keyed by the two VR bytes.
 */
const SHORT_LENGTH_VRS = new Map<number, string>(
  ['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'PN', 'SH', 'SL', 'SS', 'ST', 'TM', 'UI', 'UL', 'US'].map(
    (vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr],
  ),
);
const LONG_LENGTH_VRS = new Map<number, string>(
  ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'].map((vr) => [
    (vr.charCodeAt(0) << 8) | vr.charCodeAt(1),
    vr,
  ]),
);

function isUpperCaseLetter(byte: number): boolean {
  return byte >= 0x41 && byte <= 0x5a;
}

/**
 * Fed with chunks of a data set as they arrive (`push`, then `end`), in the transfer syntax the
 * association negotiated. Holds at most one element being decoded plus one partial header, stops
 * and releases everything at Pixel Data, at `maxBytes`, or at the first encoding error. Never
 * throws from `push` or `end`: problems land in `result().error`.
 */
export class LeadingAttributesReader {
  private readonly maxBytes: number;
  private explicitVr: boolean;
  private readonly littleEndian: boolean;
  private inflater: DeflatedPrefix | undefined;

  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Bytes needed at the start of `pending` before parsing can go on. */
  private need = 1;
  /** Data set offset of the first pending byte. */
  private base = 0;
  /** Value bytes still to pass over without looking. */
  private skip = 0;
  private stack: Frame[] = [];
  private encoding: TextEncoding = 'latin1';

  private readonly elements = new Map<number, LeadingElement>();
  private done = false;
  private complete = false;
  private error: string | undefined;
  private unsupportedCharacterSet: string | undefined;
  private warning: string | undefined;

  constructor(transferSyntaxUid: string, options: LeadingAttributesOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_LEADING_BYTES;
    const encoding = dataSetEncoding(transferSyntaxUid);
    this.explicitVr = encoding.explicitVr;
    this.littleEndian = encoding.littleEndian;
    if (encoding.deflated) this.inflater = new DeflatedPrefix(this.maxBytes + INFLATE_MARGIN, this.maxBytes + INFLATE_MARGIN);
  }

  /** True once the reader wants no more bytes; pushing more is harmless. */
  get finished(): boolean {
    return this.done;
  }

  push(chunk: Buffer): void {
    if (this.done || chunk.length === 0) return;
    try {
      if (this.inflater) {
        const inflated = this.inflater.push(chunk);
        if (inflated.length > 0) this.feed(inflated);
        if (!this.done && this.inflater.full) this.stop(false, `no Pixel Data within the first ${this.maxBytes} bytes`);
      } else {
        this.feed(chunk);
      }
    } catch (error) {
      this.stop(false, `unreadable data set: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  end(): void {
    if (this.done) return;
    try {
      if (this.inflater) {
        const inflated = this.inflater.flush();
        if (inflated.length > 0) this.feed(inflated);
        if (this.done) return;
      }
      if (this.skip > 0 || this.pendingLength > 0) {
        this.stop(false, `data set ends inside an element at byte ${this.base + this.pendingLength}`);
      } else if (this.stack.length > 0) {
        this.stop(false, 'data set ends inside a sequence');
      } else {
        this.stop(true);
      }
    } catch (error) {
      this.stop(false, `unreadable data set: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  result(): LeadingAttributes {
    return new LeadingAttributes({
      complete: this.complete,
      elements: this.elements,
      bytesRead: this.base,
      ...(this.error === undefined ? {} : { error: this.error }),
      ...(this.unsupportedCharacterSet === undefined ? {} : { unsupportedCharacterSet: this.unsupportedCharacterSet }),
      ...(this.warning === undefined ? {} : { warning: this.warning }),
    });
  }

  private stop(complete: boolean, error?: string): void {
    this.done = true;
    this.complete = complete;
    this.error = error;
    this.pending = [];
    this.pendingLength = 0;
    this.stack = [];
    this.inflater?.release();
    this.inflater = undefined;
  }

  private feed(chunk: Buffer): void {
    // Value bytes being passed over go straight through, without joining chunks.
    if (this.skip > 0 && this.pendingLength === 0) {
      if (chunk.length <= this.skip) {
        this.skip -= chunk.length;
        this.base += chunk.length;
        return;
      }
      chunk = chunk.subarray(this.skip);
      this.base += this.skip;
      this.skip = 0;
    }
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    if (this.pendingLength < this.need) return;
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    const consumed = this.parse(bytes);
    this.base += consumed;
    if (!this.done && consumed < bytes.length) {
      // A copy, so that a small remainder does not pin a large network chunk.
      const rest = Buffer.from(bytes.subarray(consumed));
      this.pending.push(rest);
      this.pendingLength = rest.length;
    }
  }

  /** Parses as far as `bytes` allows; returns the bytes consumed and sets `need` when waiting. */
  private parse(bytes: Buffer): number {
    const end = bytes.length;
    let pos = 0;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, end - pos);
        this.skip -= n;
        pos += n;
        if (this.skip > 0) {
          this.need = 1;
          return pos;
        }
      }
      if (end - pos < 8) {
        this.need = 8;
        return pos;
      }
      const offset = this.base + pos;
      const frame = this.stack.length > 0 ? this.stack[this.stack.length - 1] : undefined;
      const littleEndian = frame ? frame.littleEndian : this.littleEndian;
      const group = littleEndian ? bytes.readUInt16LE(pos) : bytes.readUInt16BE(pos);
      const element = littleEndian ? bytes.readUInt16LE(pos + 2) : bytes.readUInt16BE(pos + 2);
      const tag = ((group << 16) | element) >>> 0;

      if (!frame && group >= 0x7fe0 && group !== 0xfffe) {
        this.stop(true);
        return pos;
      }
      // Checked before items too: a run of empty items and delimiters must not go on for ever.
      if (offset >= this.maxBytes) {
        this.stop(false, `no Pixel Data within the first ${this.maxBytes} bytes`);
        return pos;
      }
      if (group === 0xfffe) {
        const length = littleEndian ? bytes.readUInt32LE(pos + 4) : bytes.readUInt32BE(pos + 4);
        if (!this.onItemTag(frame, tag, length, offset)) return pos;
        pos += 8;
        continue;
      }
      if (frame?.sequence) {
        this.stop(false, `${tagLabel(tag)} at byte ${offset} where a sequence item was expected`);
        return pos;
      }

      // PS3.5 §7.1.2 (explicit) and §7.1.3 (implicit) data element headers.
      let vr: string;
      let header: number;
      let length: number;
      if (frame ? !frame.implicit : this.explicitVr) {
        const first = bytes[pos + 4];
        const second = bytes[pos + 5];
        if (!isUpperCaseLetter(first) || !isUpperCaseLetter(second)) {
          if (offset === 0 && !frame && littleEndian) {
            // Some writers put an Implicit VR data set under an explicit transfer syntax; like
            // pydicom, read it as Implicit VR when the very first element shows no VR.
            this.explicitVr = false;
            this.warning = 'data set is Implicit VR Little Endian although its transfer syntax is explicit';
            continue;
          }
          this.stop(false, `${tagLabel(tag)} at byte ${offset} has no valid VR`);
          return pos;
        }
        const code = (first << 8) | second;
        const short = SHORT_LENGTH_VRS.get(code);
        if (short !== undefined) {
          vr = short;
          header = 8;
          length = littleEndian ? bytes.readUInt16LE(pos + 6) : bytes.readUInt16BE(pos + 6);
        } else {
          if (end - pos < 12) {
            this.need = 12;
            return pos;
          }
          vr = LONG_LENGTH_VRS.get(code) ?? String.fromCharCode(first, second);
          header = 12;
          length = littleEndian ? bytes.readUInt32LE(pos + 8) : bytes.readUInt32BE(pos + 8);
        }
      } else {
        // Nested elements are only walked, so their VR is not looked up.
        vr = frame ? 'UN' : dictionaryVr(tag);
        header = 8;
        length = littleEndian ? bytes.readUInt32LE(pos + 4) : bytes.readUInt32BE(pos + 4);
      }

      if (length === UNDEFINED_LENGTH) {
        // PS3.5 §7.5.1: a sequence of undefined length; in Implicit VR that is what it means.
        // §6.2.2: UN of undefined length holds a sequence encoded in Implicit VR Little Endian.
        if (this.stack.length >= MAX_DEPTH) {
          this.stop(false, `sequences nested deeper than ${MAX_DEPTH} levels at byte ${offset}`);
          return pos;
        }
        const implicit = frame ? frame.implicit : !this.explicitVr;
        if (!frame) this.elements.set(tag, { vr: implicit && vr === 'UN' ? 'SQ' : vr, value: '' });
        const unknown = vr === 'UN' && !implicit;
        this.stack.push({ sequence: true, implicit: implicit || unknown, littleEndian: unknown || littleEndian });
        pos += header;
        continue;
      }
      if (offset + header + length > this.maxBytes) {
        this.stop(false, `${tagLabel(tag)} of ${length} bytes at byte ${offset} ends past the ${this.maxBytes}-byte limit`);
        return pos;
      }
      if (!frame && vr === 'UN') {
        // PS3.5 §6.2.2: a standard attribute sent as UN still has its dictionary VR's value, and
        // routing needs it (some converters write every element of a data set as UN).
        vr = dictionaryVr(tag);
      }
      if (!frame && TEXTUAL_VRS.has(vr)) {
        if (end - pos < header + length) {
          this.need = header + length;
          return pos;
        }
        const value = decodeValue(bytes, pos + header, length, vr, littleEndian, this.encoding) ?? '';
        this.elements.set(tag, { vr, value });
        if (tag === SPECIFIC_CHARACTER_SET) this.useCharacterSet(value);
        pos += header + length;
      } else {
        if (!frame) this.elements.set(tag, { vr, value: '' });
        pos += header;
        this.skip = length;
      }
    }
  }

  /** PS3.5 §7.5: items and delimiters. Returns false when parsing stopped. */
  private onItemTag(frame: Frame | undefined, tag: number, length: number, offset: number): boolean {
    if (!frame) {
      this.stop(false, `${tagLabel(tag)} at byte ${offset} outside any sequence`);
      return false;
    }
    switch (tag) {
      case ITEM:
        if (!frame.sequence) {
          this.stop(false, `item at byte ${offset} directly inside another item`);
          return false;
        }
        if (length === UNDEFINED_LENGTH) {
          if (this.stack.length >= MAX_DEPTH) {
            this.stop(false, `sequences nested deeper than ${MAX_DEPTH} levels at byte ${offset}`);
            return false;
          }
          this.stack.push({ sequence: false, implicit: frame.implicit, littleEndian: frame.littleEndian });
        } else if (offset + 8 + length > this.maxBytes) {
          this.stop(false, `item of ${length} bytes at byte ${offset} ends past the ${this.maxBytes}-byte limit`);
          return false;
        } else {
          this.skip = length;
        }
        return true;
      case ITEM_DELIMITATION:
        // A stray item delimiter inside a sequence carries no information; tolerated as DCMTK does.
        if (!frame.sequence) this.stack.pop();
        return true;
      case SEQUENCE_DELIMITATION:
        // An item left open by a missing item delimiter is closed with its sequence.
        if (!frame.sequence) this.stack.pop();
        this.stack.pop();
        return true;
      default:
        this.stop(false, `unexpected ${tagLabel(tag)} at byte ${offset}`);
        return false;
    }
  }

  private useCharacterSet(value: string): void {
    const decision = decideCharacterSet(value);
    this.encoding = decision.encoding;
    this.unsupportedCharacterSet = decision.unsupported;
  }
}

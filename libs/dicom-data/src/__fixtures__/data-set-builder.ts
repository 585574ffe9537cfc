/**
 * Hand-made data set bytes for the reader's tests, laid out as PS3.5 §7.1.2 (explicit) and
 * §7.1.3 (implicit) describe, so that each test shows the exact structure it feeds.
 */

export interface Syntax {
  explicit: boolean;
  littleEndian: boolean;
}

export const IMPLICIT_LE: Syntax = { explicit: false, littleEndian: true };
export const EXPLICIT_LE: Syntax = { explicit: true, littleEndian: true };
export const EXPLICIT_BE: Syntax = { explicit: true, littleEndian: false };

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export const UNDEFINED = 0xffffffff;

function u16(value: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(value);
  else b.writeUInt16BE(value);
  return b;
}

function u32(value: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(value);
  else b.writeUInt32BE(value);
  return b;
}

/** An element header; `length` defaults to the value's, UNDEFINED gives an undefined length. */
export function header(syntax: Syntax, tag: number, vr: string, length: number): Buffer {
  const le = syntax.littleEndian;
  const tagBytes = Buffer.concat([u16(tag >>> 16, le), u16(tag & 0xffff, le)]);
  if (!syntax.explicit) return Buffer.concat([tagBytes, u32(length, le)]);
  if (LONG.has(vr) || vr.length !== 2 || !/^[A-Z]{2}$/.test(vr)) {
    return Buffer.concat([tagBytes, Buffer.from(vr, 'latin1'), Buffer.alloc(2), u32(length, le)]);
  }
  return Buffer.concat([tagBytes, Buffer.from(vr, 'latin1'), u16(length, le)]);
}

/** A whole element with a text value, padded to even length as PS3.5 §7.1.1 requires. */
export function text(syntax: Syntax, tag: number, vr: string, value: string, encoding: BufferEncoding = 'latin1'): Buffer {
  let bytes = Buffer.from(value, encoding);
  if (bytes.length % 2 === 1) bytes = Buffer.concat([bytes, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
  return Buffer.concat([header(syntax, tag, vr, bytes.length), bytes]);
}

/** A whole element with raw value bytes, any length. */
export function raw(syntax: Syntax, tag: number, vr: string, value: Buffer): Buffer {
  return Buffer.concat([header(syntax, tag, vr, value.length), value]);
}

/** US values. */
export function us(syntax: Syntax, tag: number, ...values: number[]): Buffer {
  return raw(syntax, tag, 'US', Buffer.concat(values.map((v) => u16(v, syntax.littleEndian))));
}

/** PS3.5 §7.5: an item with defined length, or undefined length closed by (FFFE,E00D). */
export function item(syntax: Syntax, content: Buffer, defined: boolean): Buffer {
  const le = syntax.littleEndian;
  const tag = Buffer.concat([u16(0xfffe, le), u16(0xe000, le)]);
  if (defined) return Buffer.concat([tag, u32(content.length, le), content]);
  return Buffer.concat([tag, u32(UNDEFINED, le), content, u16(0xfffe, le), u16(0xe00d, le), u32(0, le)]);
}

/** A sequence of items, with defined length or closed by (FFFE,E0DD). */
export function sequence(syntax: Syntax, tag: number, items: Buffer[], defined: boolean, vr = 'SQ'): Buffer {
  const le = syntax.littleEndian;
  const content = Buffer.concat(items);
  if (defined) return Buffer.concat([header(syntax, tag, vr, content.length), content]);
  return Buffer.concat([header(syntax, tag, vr, UNDEFINED), content, u16(0xfffe, le), u16(0xe0dd, le), u32(0, le)]);
}

/** (7FE0,0010) Pixel Data with a few bytes of value. */
export function pixelData(syntax: Syntax, bytes = 16): Buffer {
  return raw(syntax, 0x7fe00010, 'OW', Buffer.alloc(bytes, 0xab));
}

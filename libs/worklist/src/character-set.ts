/**
 * Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 and PS3.5 §6.1. Worklist text is held as
 * Unicode; bytes are decoded on the way in and encoded on the way out. The default repertoire and
 * ISO-IR 100 (Latin-1) are Node's `latin1`, ISO_IR 192 is UTF-8.
 */
export type TextEncoding = 'latin1' | 'utf8';

const LATIN1_TERMS = new Set(['', 'ISO_IR 6', 'ISO 2022 IR 6', 'ISO_IR 100', 'ISO 2022 IR 100']);

/** The encoding of a declared Specific Character Set, or undefined when it is not supported. */
export function encodingOf(specificCharacterSet: readonly string[]): TextEncoding | undefined {
  const terms = specificCharacterSet.map((t) => t.trim());
  if (terms.every((t) => LATIN1_TERMS.has(t))) return 'latin1';
  // PS3.3 C.12.1.1.2: ISO_IR 192 admits no code extensions, so it stands alone.
  if (terms.length === 1 && terms[0] === 'ISO_IR 192') return 'utf8';
  return undefined;
}

/** True when every UTF-16 unit of `text` is at most `max` (0x7f: ASCII, 0xff: Latin-1). */
function within(text: string, max: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > max) return false;
  return true;
}

/**
 * The character set of a response: the default repertoire when every text is ASCII (the value the
 * SCU declared is echoed then), ISO_IR 100 when the SCU asked for it and every text fits,
 * otherwise ISO_IR 192, which represents any text.
 */
export function responseCharacterSet(texts: readonly string[], requested: readonly string[]): { value: string; encoding: TextEncoding } {
  const asked = requested.map((t) => t.trim()).filter((t) => t !== '');
  if (texts.every((t) => within(t, 0x7f))) {
    const echo = encodingOf(asked) !== undefined ? asked.join('\\') : '';
    return { value: echo, encoding: encodingOf(asked) ?? 'latin1' };
  }
  if (asked.length > 0 && encodingOf(asked) === 'latin1' && texts.every((t) => within(t, 0xff))) return { value: 'ISO_IR 100', encoding: 'latin1' };
  return { value: 'ISO_IR 192', encoding: 'utf8' };
}

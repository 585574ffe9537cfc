/**
 * Specific Character Set (0008,0005), PS3.3 §C.12.1.1.2 and PS3.5 §6.1. Only the repertoires a
 * router sees in practice are decoded; anything else is read as Latin-1 (every byte maps to one
 * character, so nothing is lost) and reported, so that consumers know a name may be garbled.
 */

export type TextEncoding = 'latin1' | 'utf8';

export interface CharacterSetDecision {
  encoding: TextEncoding;
  /** The declared Specific Character Set when it is not decoded faithfully. */
  unsupported?: string;
}

/** Terms that Latin-1 decodes exactly: the default repertoire (ASCII) and ISO-IR 100 (PS3.3 Table C.12-2/3). */
const LATIN1_TERMS = new Set(['', 'ISO_IR 6', 'ISO 2022 IR 6', 'ISO_IR 100', 'ISO 2022 IR 100']);

/** `value` is the attribute's text, values separated by `\`. */
export function decideCharacterSet(value: string): CharacterSetDecision {
  const terms = value.split('\\').map((term) => term.trim());
  if (terms.every((term) => LATIN1_TERMS.has(term))) return { encoding: 'latin1' };
  // PS3.3 §C.12.1.1.2: ISO_IR 192 (UTF-8) admits no code extensions, so it is the only value.
  if (terms.length === 1 && terms[0] === 'ISO_IR 192') return { encoding: 'utf8' };
  return { encoding: 'latin1', unsupported: value };
}

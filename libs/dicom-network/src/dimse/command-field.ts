/**
 * Command Field (0000,0100) values, PS3.7 Annex E (Table E.1-1).
 * The union of supported messages is keyed by these names.
 */

/** The messages this stack exchanges: Verification, Storage and Query (PS3.7 §9.3.1, §9.3.2, §9.3.5). */
export const CommandField = {
  'C-STORE-RQ': 0x0001,
  'C-STORE-RSP': 0x8001,
  'C-FIND-RQ': 0x0020,
  'C-FIND-RSP': 0x8020,
  'C-ECHO-RQ': 0x0030,
  'C-ECHO-RSP': 0x8030,
  /** PS3.7 §9.3.2.3: one code cancels C-FIND, C-GET and C-MOVE alike. */
  'C-CANCEL-RQ': 0x0fff,
} as const;

export type CommandFieldName = keyof typeof CommandField;

/** The other codes of Table E.1-1, known only so that an error can name what the peer sent. */
const UNSUPPORTED_COMMAND_FIELDS: Readonly<Record<number, string>> = {
  0x0010: 'C-GET-RQ',
  0x8010: 'C-GET-RSP',
  0x0021: 'C-MOVE-RQ',
  0x8021: 'C-MOVE-RSP',
  0x0100: 'N-EVENT-REPORT-RQ',
  0x8100: 'N-EVENT-REPORT-RSP',
  0x0110: 'N-GET-RQ',
  0x8110: 'N-GET-RSP',
  0x0120: 'N-SET-RQ',
  0x8120: 'N-SET-RSP',
  0x0130: 'N-ACTION-RQ',
  0x8130: 'N-ACTION-RSP',
  0x0140: 'N-CREATE-RQ',
  0x8140: 'N-CREATE-RSP',
  0x0150: 'N-DELETE-RQ',
  0x8150: 'N-DELETE-RSP',
};

const NAME_BY_CODE: ReadonlyMap<number, CommandFieldName> = new Map(
  (Object.keys(CommandField) as CommandFieldName[]).map((name) => [CommandField[name], name]),
);

/** The supported message name for a Command Field value, or undefined. */
export function commandFieldName(code: number): CommandFieldName | undefined {
  return NAME_BY_CODE.get(code);
}

/** `C-MOVE-RQ (0021H)` or `unknown (1234H)`, for error messages and logs. */
export function describeCommandField(code: number): string {
  const name = NAME_BY_CODE.get(code) ?? UNSUPPORTED_COMMAND_FIELDS[code] ?? 'unknown';
  return `${name} (${hex4(code)}H)`;
}

export function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, '0');
}

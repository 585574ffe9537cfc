/**
 * The command elements this stack reads and writes: PS3.7 Annex E (Table E.1-1), all in group
 * 0000, so only the element number is kept.
 */

export type CommandVr = 'UL' | 'US' | 'UI' | 'AE' | 'LO' | 'AT';

export const CommandElement = {
  CommandGroupLength: 0x0000,
  AffectedSopClassUid: 0x0002,
  CommandField: 0x0100,
  MessageId: 0x0110,
  MessageIdBeingRespondedTo: 0x0120,
  Priority: 0x0700,
  CommandDataSetType: 0x0800,
  Status: 0x0900,
  OffendingElement: 0x0901,
  ErrorComment: 0x0902,
  ErrorId: 0x0903,
  AffectedSopInstanceUid: 0x1000,
  MoveOriginatorApplicationEntityTitle: 0x1030,
  MoveOriginatorMessageId: 0x1031,
} as const;
export type CommandElementName = keyof typeof CommandElement;

/** Implicit VR (PS3.5 §7.1.3): the VR of each element comes from this table, never from the wire. */
export const COMMAND_ELEMENT_VR: Readonly<Record<CommandElementName, CommandVr>> = {
  CommandGroupLength: 'UL',
  AffectedSopClassUid: 'UI',
  CommandField: 'US',
  MessageId: 'US',
  MessageIdBeingRespondedTo: 'US',
  Priority: 'US',
  CommandDataSetType: 'US',
  Status: 'US',
  OffendingElement: 'AT',
  ErrorComment: 'LO',
  ErrorId: 'US',
  AffectedSopInstanceUid: 'UI',
  MoveOriginatorApplicationEntityTitle: 'AE',
  MoveOriginatorMessageId: 'US',
};

/** PS3.7 §9.3, every table: Command Data Set Type 0101H means "no data set follows". */
export const NO_DATA_SET = 0x0101;
/** Any other value means a data set follows; 0001H is what DCMTK sends. */
export const DATA_SET_PRESENT = 0x0001;

/** `(0000,0110) Message ID`, for error messages. */
export function describeElement(name: CommandElementName): string {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\bSop\b/g, 'SOP')
    .replace(/\bUid\b/g, 'UID')
    .replace(/\bId\b/g, 'ID');
  return `(0000,${CommandElement[name].toString(16).toUpperCase().padStart(4, '0')}) ${words}`;
}

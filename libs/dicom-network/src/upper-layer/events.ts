/**
 * PS3.8 §9.2.3, Table 9-10 (its rows): the nineteen events of the Upper Layer state machine.
 * Kept as a const array so tests and tables can iterate them in the standard's row order.
 */
export const EVENTS = [
  'Evt1',
  'Evt2',
  'Evt3',
  'Evt4',
  'Evt5',
  'Evt6',
  'Evt7',
  'Evt8',
  'Evt9',
  'Evt10',
  'Evt11',
  'Evt12',
  'Evt13',
  'Evt14',
  'Evt15',
  'Evt16',
  'Evt17',
  'Evt18',
  'Evt19',
] as const;

export type UlEventType = (typeof EVENTS)[number];

/** The standard's name of each event (Table 9-10, first column). */
export const EVENT_MEANINGS: Readonly<Record<UlEventType, string>> = {
  Evt1: 'A-ASSOCIATE Request (local user)',
  Evt2: 'Transport Conn. Confirm (local transport service)',
  Evt3: 'A-ASSOCIATE-AC PDU (received on transport connection)',
  Evt4: 'A-ASSOCIATE-RJ PDU (received on transport connection)',
  Evt5: 'Transport Connection Indication (local transport service)',
  Evt6: 'A-ASSOCIATE-RQ PDU (received on transport connection)',
  Evt7: 'A-ASSOCIATE response primitive (accept)',
  Evt8: 'A-ASSOCIATE response primitive (reject)',
  Evt9: 'P-DATA request primitive',
  Evt10: 'P-DATA-TF PDU',
  Evt11: 'A-RELEASE Request primitive',
  Evt12: 'A-RELEASE-RQ PDU (received on open transport connection)',
  Evt13: 'A-RELEASE-RP PDU (received on transport connection)',
  Evt14: 'A-RELEASE Response primitive',
  Evt15: 'A-ABORT Request primitive',
  Evt16: 'A-ABORT PDU (received on open transport connection)',
  Evt17: 'Transport connection closed indication (local transport service)',
  Evt18: 'ARTIM timer expired (Association reject/release timer)',
  Evt19: 'Unrecognized or invalid PDU received',
};

type Bare<T extends UlEventType> = { readonly type: T };

/**
 * An event with the facts the pure machine needs to choose a branch; PDU contents stay with the
 * adapter. Only three actions branch on their input: AE-6, AA-3 and the aborts that report Evt19.
 */
export type UlEvent =
  | Bare<'Evt1'>
  | Bare<'Evt2'>
  | Bare<'Evt3'>
  | Bare<'Evt4'>
  | Bare<'Evt5'>
  /** AE-6 branches on whether the service-provider (not the user) finds the request acceptable. */
  | { readonly type: 'Evt6'; readonly acceptableToProvider: boolean }
  | Bare<'Evt7'>
  | Bare<'Evt8'>
  | Bare<'Evt9'>
  | Bare<'Evt10'>
  | Bare<'Evt11'>
  | Bare<'Evt12'>
  | Bare<'Evt13'>
  | Bare<'Evt14'>
  | Bare<'Evt15'>
  /** PS3.8 §9.3.8 Table 9-26: the A-ABORT PDU's source field; AA-3 tells user from provider by it. */
  | { readonly type: 'Evt16'; readonly source: number }
  | Bare<'Evt17'>
  | Bare<'Evt18'>
  /** PS3.8 §9.3.8 Table 9-26 reason/diag. to put in the provider-source A-ABORT we answer with. */
  | { readonly type: 'Evt19'; readonly abortReason: number };

/** Compile-time proof that UlEvent has exactly one member per entry of EVENTS. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventsMatchUnion: Same<UlEvent['type'], UlEventType> = true;
void eventsMatchUnion;

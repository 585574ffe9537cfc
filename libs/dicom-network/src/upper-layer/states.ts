/**
 * PS3.8 §9.2.1, Tables 9-1 to 9-5: the thirteen states of the DICOM Upper Layer state machine.
 * Kept as a const array so tests and tables can iterate them in the standard's column order.
 */
export const STATES = [
  'Sta1',
  'Sta2',
  'Sta3',
  'Sta4',
  'Sta5',
  'Sta6',
  'Sta7',
  'Sta8',
  'Sta9',
  'Sta10',
  'Sta11',
  'Sta12',
  'Sta13',
] as const;

export type UlState = (typeof STATES)[number];

/** The standard's definition of each state, grouped as PS3.8 groups them. */
export const STATE_MEANINGS: Readonly<Record<UlState, string>> = {
  // Table 9-1: no association
  Sta1: 'Idle',
  // Table 9-2: association establishment
  Sta2: 'Transport connection open (Awaiting A-ASSOCIATE-RQ PDU)',
  Sta3: 'Awaiting local A-ASSOCIATE response primitive (from local user)',
  Sta4: 'Awaiting transport connection opening to complete (from local transport service)',
  Sta5: 'Awaiting A-ASSOCIATE-AC or A-ASSOCIATE-RJ PDU',
  // Table 9-3: data transfer
  Sta6: 'Association established and ready for data transfer',
  // Table 9-4: association release
  Sta7: 'Awaiting A-RELEASE-RP PDU',
  Sta8: 'Awaiting local A-RELEASE response primitive (from local user)',
  Sta9: 'Release collision requestor side; awaiting A-RELEASE response (from local user)',
  Sta10: 'Release collision acceptor side; awaiting A-RELEASE-RP PDU',
  Sta11: 'Release collision requestor side; awaiting A-RELEASE-RP PDU',
  Sta12: 'Release collision acceptor side; awaiting A-RELEASE response primitive (from local user)',
  // Table 9-5: waiting for transport connection close
  Sta13: 'Awaiting Transport Connection Close Indication (Association no longer exists)',
};

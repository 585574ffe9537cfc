/**
 * Status (0000,0900) values: the general codes of PS3.7 Annex C and the service-specific codes of
 * PS3.4 that Storage (PS3.4 B.2.3) and Query (PS3.4 C.4.1.1.4) peers answer with.
 */

export const Status = {
  /** PS3.7 Annex C, Success class. */
  Success: 0x0000,

  /** PS3.7 Annex C, Pending class; PS3.4 C.4.1.1.4: one C-FIND match follows. */
  Pending: 0xff00,
  /** PS3.4 C.4.1.1.4: one match follows, but some Optional Keys were not supported. */
  PendingWarning: 0xff01,

  /** PS3.7 Annex C, Cancel class; PS3.4 C.4.1.1.4: matching ended by a C-CANCEL-RQ. */
  Cancel: 0xfe00,

  /** PS3.7 Annex C, Warning class (with 0107H, 0116H and Bxxx below). */
  Warning: 0x0001,
  AttributeListError: 0x0107,
  AttributeValueOutOfRange: 0x0116,
  /** PS3.4 B.2.3: the SCP changed some elements to store the instance. */
  CoercionOfDataElements: 0xb000,
  /** PS3.4 B.2.3 */
  ElementsDiscarded: 0xb006,
  /** PS3.4 B.2.3: stored, although the data set does not match the SOP class. */
  DataSetDoesNotMatchSopClassWarning: 0xb007,

  /** PS3.4 B.2.3 and C.4.1.1.4: A7xx. */
  OutOfResources: 0xa700,
  /** PS3.4 B.2.3: A9xx; C-FIND calls it "Identifier does not match SOP Class". */
  DataSetDoesNotMatchSopClass: 0xa900,
  /** PS3.4 B.2.3: Cxxx; C-FIND uses the range for "Unable to process". */
  CannotUnderstand: 0xc000,
  /** PS3.7 Annex C, Failure class, general codes. */
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchSopClass: 0x0118,
  /** The presentation context was accepted, but the SCP does not perform this operation on it. */
  SopClassNotSupported: 0x0122,
  NotAuthorized: 0x0124,
  /** The Message ID is already used by an operation still outstanding. */
  DuplicateInvocation: 0x0210,
  /** The command is not one the SCP performs. */
  UnrecognizedOperation: 0x0211,
  MistypedArgument: 0x0212,
  ResourceLimitation: 0x0213,
} as const;

export type StatusCategory = 'success' | 'warning' | 'failure' | 'cancel' | 'pending';

/**
 * PS3.7 Annex C: the class of a status. Warnings are 0001H, Bxxx, 0107H and 0116H; failures are
 * Axxx, Cxxx and the other 01xxH/02xxH codes. A code outside every class is treated as a failure
 * so that an unknown answer is never mistaken for success.
 */
export function statusCategory(status: number): StatusCategory {
  if (status === Status.Success) return 'success';
  if (status === Status.Pending || status === Status.PendingWarning) return 'pending';
  if (status === Status.Cancel) return 'cancel';
  if (
    status === Status.Warning ||
    status === Status.AttributeListError ||
    status === Status.AttributeValueOutOfRange ||
    (status & 0xf000) === 0xb000
  ) {
    return 'warning';
  }
  return 'failure';
}

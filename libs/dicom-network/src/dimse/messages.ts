/**
 * DIMSE-C messages as plain data (PS3.7 §9.3). Their bytes live in ./command-set.
 * Field names follow the Message Field column of the PS3.7 tables cited on each type.
 */

/** PS3.7 §9.3.1.1 Table 9.3-1, Priority (0000,0700). */
export const Priority = { Medium: 0x0000, High: 0x0001, Low: 0x0002 } as const;
export type PriorityCode = (typeof Priority)[keyof typeof Priority];

/** Fields every request carries. */
interface RequestFields {
  messageId: number;
  /** Command Data Set Type (0000,0800) is not 0101H. */
  hasDataSet: boolean;
}

/**
 * Fields every response carries, and the error fields PS3.7 Annex C allows with a status:
 * Offending Element (0000,0901), Error Comment (0000,0902), Error ID (0000,0903).
 */
interface ResponseFields {
  messageIdBeingRespondedTo: number;
  status: number;
  hasDataSet: boolean;
  /** PS3.7 Tables 9.3-2, 9.3-4, 9.3-13: optional in responses, equal to the request's when sent. */
  affectedSopClassUid?: string;
  /** Tags as 32-bit numbers, group in the high half: 0x00100020 is (0010,0020). */
  offendingElement?: number[];
  /** At most 64 characters of the default repertoire (LO, PS3.5 §6.2). */
  errorComment?: string;
  errorId?: number;
}

/** PS3.7 §9.3.5.1 Table 9.3-12 */
export interface CEchoRq extends RequestFields {
  commandField: 'C-ECHO-RQ';
  affectedSopClassUid: string;
}

/** PS3.7 §9.3.5.2 Table 9.3-13 */
export interface CEchoRsp extends ResponseFields {
  commandField: 'C-ECHO-RSP';
}

/** PS3.7 §9.3.1.1 Table 9.3-1 */
export interface CStoreRq extends RequestFields {
  commandField: 'C-STORE-RQ';
  affectedSopClassUid: string;
  affectedSopInstanceUid: string;
  priority: PriorityCode;
  /** Present when the store is a sub-operation of a C-MOVE. */
  moveOriginatorApplicationEntityTitle?: string;
  moveOriginatorMessageId?: number;
}

/** PS3.7 §9.3.1.2 Table 9.3-2 */
export interface CStoreRsp extends ResponseFields {
  commandField: 'C-STORE-RSP';
  affectedSopInstanceUid?: string;
}

/** PS3.7 §9.3.2.1 Table 9.3-3 */
export interface CFindRq extends RequestFields {
  commandField: 'C-FIND-RQ';
  affectedSopClassUid: string;
  priority: PriorityCode;
}

/** PS3.7 §9.3.2.2 Table 9.3-4 */
export interface CFindRsp extends ResponseFields {
  commandField: 'C-FIND-RSP';
}

/** PS3.7 §9.3.2.3 Table 9.3-5 (C-CANCEL-FIND-RQ; C-GET and C-MOVE use the same fields). */
export interface CCancelRq {
  commandField: 'C-CANCEL-RQ';
  messageIdBeingRespondedTo: number;
  hasDataSet: boolean;
}

export type DimseCommand = CEchoRq | CEchoRsp | CStoreRq | CStoreRsp | CFindRq | CFindRsp | CCancelRq;

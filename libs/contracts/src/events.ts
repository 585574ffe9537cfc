/** Payloads (the CloudEvents `data`) of every v1 event. Field names are part of the public contract. */

/** One presentation context as negotiated (PS3.8 9.3.2.2 / 9.3.3.2). */
export interface PresentationContextV1 {
  id: number;
  abstractSyntax: string;
  /** The accepted transfer syntax; null when this context was not accepted. */
  transferSyntax: string | null;
}

export interface AssociationV1 {
  /** Router-assigned id, also carried by the instance.stored and worklist.queried events. */
  associationId: string;
  /** Name of the listener in production.yaml. */
  listener: string;
  callingAet: string;
  calledAet: string;
  peerAddress: string;
  peerPort: number;
  contexts: PresentationContextV1[];
}

export type AssociationAcceptedV1 = AssociationV1;
export type AssociationReleasedV1 = AssociationV1;

/** PS3.8 table 9-21 (A-ASSOCIATE-RJ): the codes are kept numeric because `reason` depends on `source`. */
export interface AssociationRejectedV1 extends AssociationV1 {
  /** 1 rejected-permanent, 2 rejected-transient. */
  result: 1 | 2;
  /** 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation). */
  source: 1 | 2 | 3;
  reason: number;
}

/** PS3.8 table 9-26 (A-ABORT). */
export interface AssociationAbortedV1 extends AssociationV1 {
  /** Who ended the association: the remote peer or this router (e.g. ARTIM expiry, malformed PDU). */
  by: 'peer' | 'router';
  /** 0 service-user, 2 service-provider. */
  source: 0 | 2;
  /** 0–6; meaningful when source is 2. */
  reason: number;
  message: string;
}

export type InstanceSourceV1 = 'association' | `file-intake:${string}`;

export interface StoredObjectV1 {
  location: 'file' | 's3';
  /** Object key inside the StorageLocation (a relative path for `file`). */
  key: string;
  size: number;
  /** Hex SHA-256 of the stored Part-10 bytes; consumers dedupe by (SOP Instance UID, destination, sha256). */
  sha256: string;
}

export interface InstanceStoredV1 {
  /** Null for `file-intake:*` sources, which have no association. */
  associationId: string | null;
  listener: string | null;
  callingAet: string | null;
  calledAet: string | null;
  source: InstanceSourceV1;
  storage: StoredObjectV1;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** Leading attributes by DICOM keyword (e.g. `PatientID`, `Modality`), values as strings. */
  attributes: Record<string, string>;
}

export interface DeliveryV1 {
  sopInstanceUid: string;
  /** Destination name in production.yaml. */
  destination: string;
  /** DIMSE status of the C-STORE-RSP; null when no response arrived (connection refused, timeout). */
  status: number | null;
  errorComment: string | null;
  /** 1 for the first try. */
  attempt: number;
  sha256: string;
}

export type DeliverySucceededV1 = DeliveryV1;
export type DeliveryFailedV1 = DeliveryV1;

export interface WorklistQueriedV1 {
  associationId: string;
  callingAet: string;
  matchCount: number;
  /** True when the SCU sent C-CANCEL before the last match. */
  cancelled: boolean;
}

export type AlertKindV1 = 'retries-exhausted' | 'destination-down' | 'storage-unavailable';

export interface AlertV1 {
  severity: 'warning' | 'error' | 'critical';
  kind: AlertKindV1;
  message: string;
  details: Record<string, unknown>;
}

/** Payload type of each event, by subject key. */
export interface EventDataMap {
  associationAccepted: AssociationAcceptedV1;
  associationRejected: AssociationRejectedV1;
  associationReleased: AssociationReleasedV1;
  associationAborted: AssociationAbortedV1;
  instanceStored: InstanceStoredV1;
  deliverySucceeded: DeliverySucceededV1;
  deliveryFailed: DeliveryFailedV1;
  worklistQueried: WorklistQueriedV1;
  alert: AlertV1;
}


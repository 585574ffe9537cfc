/**
 * Protocol Data Units of the DICOM Upper Layer as plain data (PS3.8 §9.3).
 * Their bytes live in ./codec; nothing here knows about sockets.
 */

/** PS3.8 §9.3.1: the PDU-type field, first byte of every PDU. */
export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  PData: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;
export type PduTypeCode = (typeof PduType)[keyof typeof PduType];

/** PS3.8 §9.3.2-3 and Annex A.2: the only application context name defined by DICOM. */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** PS3.8 Table 9-18: result field of a Presentation Context Item in an A-ASSOCIATE-AC. */
export const PresentationContextResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReasonProviderRejection: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;
export type PresentationContextResultCode =
  (typeof PresentationContextResult)[keyof typeof PresentationContextResult];

/** PS3.8 Table 9-21: A-ASSOCIATE-RJ result. */
export const RejectResult = { Permanent: 1, Transient: 2 } as const;
/** PS3.8 Table 9-21: A-ASSOCIATE-RJ source. */
export const RejectSource = {
  ServiceUser: 1,
  ServiceProviderAcse: 2,
  ServiceProviderPresentation: 3,
} as const;
/** PS3.8 Table 9-21: A-ASSOCIATE-RJ reason/diag., meaning depends on source. */
export const RejectReason = {
  /** source 1 */
  NoReasonGiven: 1,
  ApplicationContextNameNotSupported: 2,
  CallingAeTitleNotRecognized: 3,
  CalledAeTitleNotRecognized: 7,
  /** source 2 */
  ProviderNoReasonGiven: 1,
  ProtocolVersionNotSupported: 2,
  /** source 3 */
  TemporaryCongestion: 1,
  LocalLimitExceeded: 2,
} as const;

/** PS3.8 Table 9-26: A-ABORT source. */
export const AbortSource = { ServiceUser: 0, ServiceProvider: 2 } as const;
/** PS3.8 Table 9-26: A-ABORT reason/diag. (meaningful only when the source is the provider). */
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;
export type AbortReasonCode = (typeof AbortReason)[keyof typeof AbortReason];

/** PS3.8 §9.3.2.2: a presentation context proposed in an A-ASSOCIATE-RQ (item 20H). */
export interface ProposedPresentationContext {
  /** Odd integer 1..255. */
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

/** PS3.8 §9.3.3.2: a presentation context answered in an A-ASSOCIATE-AC (item 21H). */
export interface AcceptedPresentationContext {
  id: number;
  result: PresentationContextResultCode;
  /** Significant only when result is Acceptance; otherwise the peer's value is kept as sent. */
  transferSyntax: string;
}

/** PS3.7 Annex D.3.3.4: SCP/SCU Role Selection sub-item (54H). */
export interface RoleSelection {
  sopClassUid: string;
  scuRole: boolean;
  scpRole: boolean;
}

/** PS3.7 Annex D.3.3.5: SOP Class Extended Negotiation sub-item (56H). */
export interface SopClassExtendedNegotiation {
  sopClassUid: string;
  serviceClassApplicationInformation: Uint8Array;
}

/** PS3.7 Annex D.3.3.6: SOP Class Common Extended Negotiation sub-item (57H, RQ only). */
export interface SopClassCommonExtendedNegotiation {
  sopClassUid: string;
  serviceClassUid: string;
  relatedGeneralSopClassUids: string[];
}

/** PS3.7 Annex D.3.3.7.1: User Identity sub-item in an A-ASSOCIATE-RQ (58H). */
export interface UserIdentityRequest {
  /** 1 username, 2 username+passcode, 3 Kerberos, 4 SAML, 5 JWT. */
  identityType: number;
  positiveResponseRequested: boolean;
  primaryField: Uint8Array;
  secondaryField: Uint8Array;
}

/** PS3.7 Annex D.3.3.7.2: User Identity sub-item in an A-ASSOCIATE-AC (59H). */
export interface UserIdentityResponse {
  serverResponse: Uint8Array;
}

/** PS3.8 Annex D.1 and PS3.7 Annex D.3.3: the User Information item (50H) and its sub-items. */
export interface UserInformation {
  /** 51H: largest P-DATA-TF PDU-length (header excluded, PS3.8 D.1) the sender can receive; 0 means no limit. */
  maxPduLength?: number;
  /** 52H */
  implementationClassUid?: string;
  /** 53H: PS3.7 D.3.3.3, 0 means unlimited. */
  asyncOperationsWindow?: { maxOperationsInvoked: number; maxOperationsPerformed: number };
  /** 54H */
  roleSelections?: RoleSelection[];
  /** 55H */
  implementationVersionName?: string;
  /** 56H */
  sopClassExtendedNegotiations?: SopClassExtendedNegotiation[];
  /** 57H */
  sopClassCommonExtendedNegotiations?: SopClassCommonExtendedNegotiation[];
  /** 58H */
  userIdentityRequest?: UserIdentityRequest;
  /** 59H */
  userIdentityResponse?: UserIdentityResponse;
}

/** PS3.8 §9.3.2 */
export interface AssociateRqPdu {
  type: 'A-ASSOCIATE-RQ';
  protocolVersion: number;
  /** PS3.8 §9.3.2: leading and trailing spaces are not significant and are removed. */
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContextName: string;
  presentationContexts: ProposedPresentationContext[];
  userInformation: UserInformation;
}

/** PS3.8 §9.3.3 */
export interface AssociateAcPdu {
  type: 'A-ASSOCIATE-AC';
  protocolVersion: number;
  /** PS3.8 §9.3.3: returned with the values of the A-ASSOCIATE-RQ, not to be tested by the receiver. */
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContextName: string;
  presentationContexts: AcceptedPresentationContext[];
  userInformation: UserInformation;
}

/** PS3.8 §9.3.4 */
export interface AssociateRjPdu {
  type: 'A-ASSOCIATE-RJ';
  result: number;
  source: number;
  reason: number;
}

/** PS3.8 §9.3.5.1 and Annex E.2: one Presentation Data Value item with its message control header. */
export interface PresentationDataValue {
  contextId: number;
  /** Bit 0 of the message control header: 1 = command information. */
  isCommand: boolean;
  /** Bit 1 of the message control header: 1 = last fragment of the command or data set. */
  isLast: boolean;
  data: Uint8Array;
}

/** PS3.8 §9.3.5 */
export interface PDataTfPdu {
  type: 'P-DATA-TF';
  values: PresentationDataValue[];
}

/** PS3.8 §9.3.6 */
export interface ReleaseRqPdu {
  type: 'A-RELEASE-RQ';
}

/** PS3.8 §9.3.7 */
export interface ReleaseRpPdu {
  type: 'A-RELEASE-RP';
}

/** PS3.8 §9.3.8 */
export interface AbortPdu {
  type: 'A-ABORT';
  source: number;
  reason: number;
}

export type Pdu =
  | AssociateRqPdu
  | AssociateAcPdu
  | AssociateRjPdu
  | PDataTfPdu
  | ReleaseRqPdu
  | ReleaseRpPdu
  | AbortPdu;

/** PS3.8 §9.3.1: a PDU header is the type byte, a reserved byte and a 32-bit big-endian length. */
export const PDU_HEADER_LENGTH = 6;
/** Cap on an A-ASSOCIATE-RQ/AC/RJ we accept: larger ones are answered with A-P-ABORT, never allocated. */
export const MAX_ASSOCIATE_PDU_LENGTH = 64 * 1024;

import { AcceptedPresentationContext, AssociateRqPdu, RejectReason, RejectResult, RejectSource } from '../pdu/types';

/** What an acceptor knows when it decides on an A-ASSOCIATE-RQ. */
export interface AssociationRequest {
  rq: AssociateRqPdu;
  peerAddress: string;
  peerPort: number;
  /** The listener that received it. */
  listenerName: string;
}

export interface AssociationRejection {
  result: number;
  source: number;
  reason: number;
  /** For logs and events, never sent on the wire. */
  explanation: string;
}

export type AssociationDecision =
  | {
      kind: 'accept';
      presentationContexts: AcceptedPresentationContext[];
      /** The calling AET the association context was found under (after RemoteAET substitution). */
      effectiveCallingAet: string;
    }
  | { kind: 'reject'; rejection: AssociationRejection };

/**
 * The seam between the Upper Layer and whoever owns association contexts: a static table from
 * configuration, or the association registry.
 */
export interface AssociationPolicy {
  decide(request: AssociationRequest): Promise<AssociationDecision>;
}

/** PS3.8 Table 9-21: the rejections docs/architecture.md §4 prescribes, in one place. */
export const Rejections = {
  callingAetUnknown: (aet: string): AssociationRejection => ({
    result: RejectResult.Permanent,
    source: RejectSource.ServiceUser,
    reason: RejectReason.CallingAeTitleNotRecognized,
    explanation: `calling AE title "${aet}" is not recognised`,
  }),
  calledAetUnknown: (aet: string): AssociationRejection => ({
    result: RejectResult.Permanent,
    source: RejectSource.ServiceUser,
    reason: RejectReason.CalledAeTitleNotRecognized,
    explanation: `called AE title "${aet}" is not recognised`,
  }),
  applicationContextUnsupported: (name: string): AssociationRejection => ({
    result: RejectResult.Permanent,
    source: RejectSource.ServiceUser,
    reason: RejectReason.ApplicationContextNameNotSupported,
    explanation: `application context "${name}" is not supported`,
  }),
  /** PS3.8 Table 9-21 source 3 reason 2: local limit exceeded (max associations reached). */
  tooManyAssociations: (limit: number): AssociationRejection => ({
    result: RejectResult.Transient,
    source: RejectSource.ServiceProviderPresentation,
    reason: RejectReason.LocalLimitExceeded,
    explanation: `maximum of ${limit} concurrent associations reached`,
  }),
  /**
   * PS3.8 Table 9-21 source 3 reason 1: temporary congestion. The association registry did not
   * answer in time (or the bus to it is down); transient, so a requester may retry later.
   */
  registryUnavailable: (detail: string): AssociationRejection => ({
    result: RejectResult.Transient,
    source: RejectSource.ServiceProviderPresentation,
    reason: RejectReason.TemporaryCongestion,
    explanation: `association registry unavailable: ${detail}`,
  }),
  /** PS3.8 Table 9-21 source 2 reason 2: protocol version not supported. */
  protocolVersionUnsupported: (version: number): AssociationRejection => ({
    result: RejectResult.Permanent,
    source: RejectSource.ServiceProviderAcse,
    reason: RejectReason.ProtocolVersionNotSupported,
    explanation: `protocol version ${version} is not supported`,
  }),
} as const;

import type { RouteFailureReasonV1 } from '@dicom-router/contracts';

/**
 * Sending a stored instance to a destination and testing a destination: what routing (synchronous
 * routes, asynchronous filers) and the REST API need, whatever opens the association.
 */

/** Why a delivery got no C-STORE-RSP at all: the route contract's reasons but a failure status. */
export type DeliveryFailureReason = Exclude<RouteFailureReasonV1, 'failure-status'>;

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly destination: string,
    readonly reason: DeliveryFailureReason,
    message: string,
  ) {
    super(`${destination}: ${message}`);
  }
}

/** The destination's C-STORE-RSP (PS3.7 §9.3.1.2), kept as sent. */
export interface DeliveryResult {
  destination: string;
  storageKey: string;
  sopInstanceUid: string;
  /** Status (0000,0900) of the C-STORE-RSP. */
  status: number;
  /** PS3.7 Annex C class of the status: anything but success/warning is a failure. */
  outcome: 'success' | 'warning' | 'failure';
  /** Error Comment (0000,0902), when the destination sent one. */
  errorComment?: string;
  /** From the call to the response, queueing and association set-up included. */
  durationMs: number;
  /** The association that carried it (reused associations share an id). */
  associationId: string;
}

export interface InstanceSender {
  /** Resolves with the destination's response; rejects with DeliveryError when there was none. */
  sendStoredInstance(destination: string, storageKey: string, known?: { sopClassUid: string; transferSyntaxUid: string }): Promise<DeliveryResult>;
}

/** The outcome of a C-ECHO (PS3.7 §9.1.5) on a fresh association to a destination. */
export interface EchoOutcome {
  destination: string;
  /** True when the C-ECHO-RSP status was Success (0000H). */
  success: boolean;
  status?: number;
  /** C-ECHO-RQ to C-ECHO-RSP. */
  roundTripMs?: number;
  /** TCP connect and association negotiation. */
  associationMs?: number;
  reason?: DeliveryFailureReason;
  error?: string;
}

export interface DestinationEcho {
  /** Throws DeliveryError('unknown-destination') for a name that is not configured. */
  echo(destination: string): Promise<EchoOutcome>;
}

/**
 * Payloads of `dicom.commands.route.instance.v1` (docs/architecture.md §3: a synchronous listener hands each
 * stored instance to storage-router and answers the modality from one verdict).
 *
 * Durable: the gateway publishes the command to the JetStream work queue {@link ROUTE_COMMANDS_STREAM}
 * (PubAck before it waits), storage-router pulls it with the durable consumer
 * {@link ROUTE_COMMANDS_CONSUMER}, sends the instance to every matching destination, publishes the
 * delivery events, answers on core NATS at `replyTo` with a {@link RouteVerdictV1}, and only then
 * acknowledges. A router that dies mid-way leaves the command unacknowledged and JetStream redelivers
 * it to another replica: delivery is at-least-once, and destinations see a repeated C-STORE of the
 * same SOP Instance (docs/architecture.md §5: consumers are idempotent by SOP Instance UID, destination, checksum).
 */

/** The work-queue stream of route commands: each command is removed once a router acknowledges it. */
export const ROUTE_COMMANDS_STREAM = {
  name: 'DICOM_COMMANDS',
  /** Only the durable commands: request/reply commands under `dicom.commands.>` must never enter a stream. */
  subjects: ['dicom.commands.route.instance.v1'],
} as const;

/** Durable pull consumer every storage-router replica shares (one delivery per command). */
export const ROUTE_COMMANDS_CONSUMER = 'storage-router';

/** The stored instance a route command is about: where it is, and the facts its rules are evaluated on. */
export interface RoutedInstanceV1 {
  /** Key in the StorageLocation (the router reads the object back from there). */
  storageKey: string;
  sha256: string;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** Empty for a file intake. */
  callingAet: string;
  calledAet: string;
  peerAddress: string;
  /** `association`, or `file-intake:<name>`. */
  source: string;
  /**
   * Leading attributes (in front of Pixel Data) by tag as 8 hex digits `ggggeeee`, values as text
   * (multiple values joined by backslash, PS3.5 §6.4): what routing conditions read.
   */
  attributes: Record<string, string>;
}

export interface RouteInstanceCommandV1 {
  /** UUID; also the `Nats-Msg-Id`, so a republished command is stored once. */
  commandId: string;
  instance: RoutedInstanceV1;
  /** Names of the production's routes to evaluate (the listener's or file intake's `target`). */
  routes: string[];
  /** ISO 8601: the requester answers its modality by then; later work is not waited for. */
  deadline: string;
  /** Core NATS subject the verdict is published to. */
  replyTo: string;
}

/** Why one destination did not confirm; each is a distinct operator action. */
export type RouteFailureReasonV1 =
  /** No destination of that name in production.yaml. */
  | 'unknown-destination'
  /** Nothing under the storage key, or not a Part-10 object. */
  | 'not-stored'
  /** The storage location could not be read. */
  | 'storage-unavailable'
  /** TCP/TLS connect failed or timed out. */
  | 'unreachable'
  /** A-ASSOCIATE-RJ (PS3.8 Table 9-21). */
  | 'association-rejected'
  /** The SOP class or the stored transfer syntax was not accepted; the router never converts. */
  | 'presentation-context-rejected'
  /** A-ABORT, or the connection closed mid-message. */
  | 'aborted'
  /** No C-STORE-RSP within the destination's DIMSE timeout. */
  | 'timeout'
  /** The sender is shutting down. */
  | 'shutting-down'
  /** The destination answered with a failure status (PS3.7 Annex C). */
  | 'failure-status';

export interface RouteDeliveryV1 {
  destination: string;
  outcome: 'success' | 'warning' | 'failure';
  /** Status (0000,0900) of the destination's C-STORE-RSP; null when none arrived. */
  status: number | null;
  errorComment: string | null;
  /** Present when outcome is failure. */
  reason?: RouteFailureReasonV1;
  /** Delivery attempt: the command's JetStream delivery count (1 unless redelivered). */
  attempt: number;
}

export interface RouteVerdictV1 {
  commandId: string;
  sopInstanceUid: string;
  /**
   * - `delivered`: every matching destination answered success or warning;
   * - `failed`: at least one did not (see `deliveries`), or a rule could not be decided (`error`);
   * - `no-route`: no rule matched; the requester applies its no-route policy;
   * - `rejected`: the command itself was unusable (unknown route, malformed instance; `error` says why).
   */
  outcome: 'delivered' | 'failed' | 'no-route' | 'rejected';
  /** Names of the routes whose condition held. */
  matchedRoutes: string[];
  deliveries: RouteDeliveryV1[];
  error?: string;
}

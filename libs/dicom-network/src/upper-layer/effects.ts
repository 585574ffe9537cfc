/**
 * Side effects named by the actions of PS3.8 §9.2.2 (Tables 9-6 to 9-9). The machine only names
 * them; the adapter owns the socket, the ARTIM timer and the PDU contents, and performs them in order.
 */

/** PS3.8 §9.3.8 Table 9-26: who an A-ABORT PDU says initiated the abort. */
export type AbortSourceName = 'service-user' | 'service-provider';

/** PS3.8 §7: primitives the Upper Layer issues to its service user. */
export type UlIndication =
  | 'A-ASSOCIATE-indication'
  | 'A-ASSOCIATE-confirm-accept'
  | 'A-ASSOCIATE-confirm-reject'
  | 'P-DATA-indication'
  | 'A-RELEASE-indication'
  /** AR-8: an A-RELEASE indication while our own A-RELEASE-RQ is outstanding (PS3.8 §7.2). */
  | 'A-RELEASE-indication-collision'
  | 'A-RELEASE-confirm'
  /** The peer's service user aborted (A-ABORT PDU with source 0). */
  | 'A-ABORT-indication'
  /** The Upper Layer provider aborted, here or at the peer (PS3.8 §7.4). */
  | 'A-P-ABORT-indication';

export type UlEffect =
  /** AE-1: TRANSPORT CONNECT request to the local transport service. */
  | { readonly kind: 'transport-connect' }
  /** AE-5: TRANSPORT connection response; a no-op where the socket was accepted before Evt5. */
  | { readonly kind: 'transport-accept' }
  | { readonly kind: 'send-associate-rq' }
  | { readonly kind: 'send-associate-ac' }
  | { readonly kind: 'send-associate-rj' }
  | { readonly kind: 'send-pdata' }
  | { readonly kind: 'send-release-rq' }
  | { readonly kind: 'send-release-rp' }
  /** reason is PS3.8 Table 9-26 reason/diag.; it is 0 ("not significant") for a service-user source. */
  | { readonly kind: 'send-abort'; readonly source: AbortSourceName; readonly reason: number }
  | { readonly kind: 'indicate'; readonly primitive: UlIndication }
  /** Start, or restart if already running (AA-1's wording), the ARTIM timer of PS3.8 §9.1. */
  | { readonly kind: 'start-artim' }
  /** Stop ARTIM if it is running; harmless if it is not (AA-2: "Stop ARTIM timer if running"). */
  | { readonly kind: 'stop-artim' }
  | { readonly kind: 'close-transport' }
  /** AA-6: drop the received PDU. */
  | { readonly kind: 'ignore' };

export type UlEffectKind = UlEffect['kind'];

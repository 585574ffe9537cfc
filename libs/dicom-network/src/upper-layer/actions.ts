import type { UlEffect } from './effects';
import type { UlEvent } from './events';
import type { UlState } from './states';

/** PS3.8 §9.2.2, Tables 9-6 to 9-9, in the standard's order. */
export const ACTION_NAMES = [
  'AE-1',
  'AE-2',
  'AE-3',
  'AE-4',
  'AE-5',
  'AE-6',
  'AE-7',
  'AE-8',
  'DT-1',
  'DT-2',
  'AR-1',
  'AR-2',
  'AR-3',
  'AR-4',
  'AR-5',
  'AR-6',
  'AR-7',
  'AR-8',
  'AR-9',
  'AR-10',
  'AA-1',
  'AA-2',
  'AA-3',
  'AA-4',
  'AA-5',
  'AA-6',
  'AA-7',
  'AA-8',
] as const;

export type ActionName = (typeof ACTION_NAMES)[number];

/** The one fact about the association an action needs: AR-8 picks Sta9 or Sta10 by role. */
export interface UlContext {
  readonly isRequestor: boolean;
}

export interface ActionResult {
  next: UlState;
  effects: UlEffect[];
}

export type ActionFn = (event: UlEvent, context: UlContext) => ActionResult;

/** PS3.8 §9.3.8 Table 9-26 reason/diag. 2, "unexpected-PDU". */
export const UNEXPECTED_PDU_REASON = 2;
/** PS3.8 §9.3.8: with a service-user source the reason "shall not be significant" and is sent as 00H. */
const USER_ABORT_REASON = 0;
/** PS3.8 §9.3.8 Table 9-26 source 0: "DICOM UL service-user (initiated abort)". */
const SERVICE_USER_SOURCE = 0;

/**
 * The reason of a provider-source A-ABORT: the decoder's diagnosis for an invalid PDU (Evt19),
 * otherwise "unexpected-PDU", which is what a well-formed PDU in the wrong state is.
 */
function providerReason(event: UlEvent): number {
  return event.type === 'Evt19' ? event.abortReason : UNEXPECTED_PDU_REASON;
}

/**
 * Every action of PS3.8 §9.2.2 as a pure function. Each returns a fresh effects array, so a caller
 * may keep or change what it receives. Table 9-10 names only actions; next states are the actions' own.
 */
export const ACTIONS: Readonly<Record<ActionName, ActionFn>> = {
  /** AE-1: "Issue TRANSPORT CONNECT request primitive to local transport service. Next state is Sta4". */
  'AE-1': () => ({ next: 'Sta4', effects: [{ kind: 'transport-connect' }] }),

  /** AE-2: "Send A-ASSOCIATE-RQ-PDU. Next state is Sta5". */
  'AE-2': () => ({ next: 'Sta5', effects: [{ kind: 'send-associate-rq' }] }),

  /** AE-3: "Issue A-ASSOCIATE confirmation (accept) primitive. Next state is Sta6". */
  'AE-3': () => ({
    next: 'Sta6',
    effects: [{ kind: 'indicate', primitive: 'A-ASSOCIATE-confirm-accept' }],
  }),

  /**
   * AE-4: "Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection.
   * Next state is Sta1".
   */
  'AE-4': () => ({
    next: 'Sta1',
    effects: [{ kind: 'indicate', primitive: 'A-ASSOCIATE-confirm-reject' }, { kind: 'close-transport' }],
  }),

  /** AE-5: "Issue Transport connection response primitive; start ARTIM timer. Next state is Sta2". */
  'AE-5': () => ({ next: 'Sta2', effects: [{ kind: 'transport-accept' }, { kind: 'start-artim' }] }),

  /**
   * AE-6: "Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider: issue A-ASSOCIATE
   * indication primitive, next state is Sta3; otherwise: issue A-ASSOCIATE-RJ-PDU and start ARTIM
   * timer, next state is Sta13".
   * Only Evt6 carries the verdict; any other event is treated as not acceptable, failing closed.
   */
  'AE-6': (event) =>
    event.type === 'Evt6' && event.acceptableToProvider
      ? {
          next: 'Sta3',
          effects: [{ kind: 'stop-artim' }, { kind: 'indicate', primitive: 'A-ASSOCIATE-indication' }],
        }
      : {
          next: 'Sta13',
          effects: [{ kind: 'stop-artim' }, { kind: 'send-associate-rj' }, { kind: 'start-artim' }],
        },

  /** AE-7: "Send A-ASSOCIATE-AC PDU. Next state is Sta6". */
  'AE-7': () => ({ next: 'Sta6', effects: [{ kind: 'send-associate-ac' }] }),

  /** AE-8: "Send A-ASSOCIATE-RJ PDU and start ARTIM timer. Next state is Sta13". */
  'AE-8': () => ({ next: 'Sta13', effects: [{ kind: 'send-associate-rj' }, { kind: 'start-artim' }] }),

  /** DT-1: "Send P-DATA-TF PDU. Next state is Sta6". */
  'DT-1': () => ({ next: 'Sta6', effects: [{ kind: 'send-pdata' }] }),

  /** DT-2: "Send P-DATA indication primitive. Next state is Sta6". */
  'DT-2': () => ({ next: 'Sta6', effects: [{ kind: 'indicate', primitive: 'P-DATA-indication' }] }),

  /** AR-1: "Send A-RELEASE-RQ PDU. Next state is Sta7". */
  'AR-1': () => ({ next: 'Sta7', effects: [{ kind: 'send-release-rq' }] }),

  /** AR-2: "Issue A-RELEASE indication primitive. Next state is Sta8". */
  'AR-2': () => ({ next: 'Sta8', effects: [{ kind: 'indicate', primitive: 'A-RELEASE-indication' }] }),

  /** AR-3: "Issue A-RELEASE confirmation primitive, and close transport connection. Next state is Sta1". */
  'AR-3': () => ({
    next: 'Sta1',
    effects: [{ kind: 'indicate', primitive: 'A-RELEASE-confirm' }, { kind: 'close-transport' }],
  }),

  /** AR-4: "Issue A-RELEASE-RP PDU and start ARTIM timer. Next state is Sta13". */
  'AR-4': () => ({ next: 'Sta13', effects: [{ kind: 'send-release-rp' }, { kind: 'start-artim' }] }),

  /** AR-5: "Stop ARTIM timer. Next state is Sta1". */
  'AR-5': () => ({ next: 'Sta1', effects: [{ kind: 'stop-artim' }] }),

  /** AR-6: "Issue P-DATA indication. Next state is Sta7". */
  'AR-6': () => ({ next: 'Sta7', effects: [{ kind: 'indicate', primitive: 'P-DATA-indication' }] }),

  /** AR-7: "Issue P-DATA-TF PDU. Next state is Sta8". */
  'AR-7': () => ({ next: 'Sta8', effects: [{ kind: 'send-pdata' }] }),

  /**
   * AR-8: "Issue A-RELEASE indication (release collision): if association-requestor, next state is
   * Sta9; if not, next state is Sta10".
   */
  'AR-8': (_event, context) => ({
    next: context.isRequestor ? 'Sta9' : 'Sta10',
    effects: [{ kind: 'indicate', primitive: 'A-RELEASE-indication-collision' }],
  }),

  /** AR-9: "Send A-RELEASE-RP PDU. Next state is Sta11". */
  'AR-9': () => ({ next: 'Sta11', effects: [{ kind: 'send-release-rp' }] }),

  /** AR-10: "Issue A-RELEASE confirmation primitive. Next state is Sta12". */
  'AR-10': () => ({ next: 'Sta12', effects: [{ kind: 'indicate', primitive: 'A-RELEASE-confirm' }] }),

  /**
   * AA-1: "Send A-ABORT PDU (service-user source) and start (or restart if already started) ARTIM
   * timer. Next state is Sta13".
   * Table 9-10 also uses AA-1 for protocol errors in Sta2, so those go out with a user source too.
   */
  'AA-1': () => ({
    next: 'Sta13',
    effects: [
      { kind: 'send-abort', source: 'service-user', reason: USER_ABORT_REASON },
      { kind: 'start-artim' },
    ],
  }),

  /** AA-2: "Stop ARTIM timer if running. Close transport connection. Next state is Sta1". */
  'AA-2': () => ({ next: 'Sta1', effects: [{ kind: 'stop-artim' }, { kind: 'close-transport' }] }),

  /**
   * AA-3: "If (service-user initiated abort): issue A-ABORT indication and close transport
   * connection; otherwise (service-provider initiated abort): issue A-P-ABORT indication and close
   * transport connection. Next state is Sta1".
   * Only source 0 is service-user initiated; 2 and the reserved 1 take the "otherwise" branch.
   */
  'AA-3': (event) => ({
    next: 'Sta1',
    effects: [
      {
        kind: 'indicate',
        primitive:
          event.type === 'Evt16' && event.source === SERVICE_USER_SOURCE
            ? 'A-ABORT-indication'
            : 'A-P-ABORT-indication',
      },
      { kind: 'close-transport' },
    ],
  }),

  /**
   * AA-4: "Issue A-P-ABORT indication primitive. Next state is Sta1".
   * It follows Evt17, so the transport connection is already closed.
   */
  'AA-4': () => ({ next: 'Sta1', effects: [{ kind: 'indicate', primitive: 'A-P-ABORT-indication' }] }),

  /** AA-5: "Stop ARTIM timer. Next state is Sta1". */
  'AA-5': () => ({ next: 'Sta1', effects: [{ kind: 'stop-artim' }] }),

  /** AA-6: "Ignore PDU. Next state is Sta13". */
  'AA-6': () => ({ next: 'Sta13', effects: [{ kind: 'ignore' }] }),

  /**
   * AA-7: "Send A-ABORT PDU. Next state is Sta13".
   * The standard names no source here; the association is already gone and the fault is the peer's
   * PDU, so it is sent as the service-provider, with Evt19's diagnosis or "unexpected-PDU" for Evt6.
   */
  'AA-7': (event) => ({
    next: 'Sta13',
    effects: [{ kind: 'send-abort', source: 'service-provider', reason: providerReason(event) }],
  }),

  /**
   * AA-8: "Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start
   * ARTIM timer. Next state is Sta13".
   */
  'AA-8': (event) => ({
    next: 'Sta13',
    effects: [
      { kind: 'send-abort', source: 'service-provider', reason: providerReason(event) },
      { kind: 'indicate', primitive: 'A-P-ABORT-indication' },
      { kind: 'start-artim' },
    ],
  }),
};

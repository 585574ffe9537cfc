import { ACTIONS, type ActionName, type ActionResult, type UlContext } from './actions';
import type { UlEffect } from './effects';
import type { UlEvent } from './events';
import type { UlState } from './states';
import { TRANSITION_TABLE } from './transition-table';

export interface UlTransition {
  /** The Table 9-10 action taken, or null for a blank cell (see unexpectedEvent). */
  action: ActionName | null;
  next: UlState;
  effects: UlEffect[];
}

/** PS3.8 §9.2.1: every association starts, and ends, in Sta1 (Idle). */
export function initialState(): UlState {
  return 'Sta1';
}

/**
 * One step of the PS3.8 §9.2 state machine. Pure: the same arguments always give an equal result,
 * and nothing is performed; the adapter carries out `effects` in order and stores `next`.
 */
export function transition(state: UlState, event: UlEvent, context: UlContext): UlTransition {
  const action = TRANSITION_TABLE[state][event.type];
  if (action === undefined) return { action: null, ...unexpectedEvent(state, event, context) };
  return { action, ...ACTIONS[action](event, context) };
}

/**
 * A blank cell of Table 9-10. PS3.8 leaves these undefined; they are a local primitive or timer out
 * of order, or an event the transport cannot produce in that state. As dcm4che does, we answer them
 * as a provider-detected protocol error (an A-P-ABORT), shaped by what exists in the state:
 *
 * - Sta1: no connection, no association, nothing to abort: ignore, stay in Sta1.
 * - Sta4: a connect is pending, so no PDU can be sent: close the transport (as AA-2 does for Evt15
 *   here) and issue A-P-ABORT (as AA-4), next Sta1.
 * - Sta13: the association no longer exists and ARTIM already bounds the wait for close; a second
 *   A-ABORT or indication would tell nobody anything new: ignore, as AA-6 does.
 * - Sta2, Sta3, Sta5 to Sta12: connected, so exactly AA-8: A-ABORT PDU with service-provider source and
 *   reason 2 "unexpected-PDU" (Table 9-26 has no code for an unexpected primitive), A-P-ABORT
 *   indication, start ARTIM, next Sta13. This is what Table 9-10 itself does with unexpected PDUs.
 *
 * `action` stays null so the adapter can tell a blank cell from a real AA-8 and log the caller's bug.
 */
function unexpectedEvent(state: UlState, event: UlEvent, context: UlContext): ActionResult {
  switch (state) {
    case 'Sta1':
      return { next: 'Sta1', effects: [{ kind: 'ignore' }] };
    case 'Sta4':
      return {
        next: 'Sta1',
        effects: [{ kind: 'close-transport' }, { kind: 'indicate', primitive: 'A-P-ABORT-indication' }],
      };
    case 'Sta13':
      return ACTIONS['AA-6'](event, context);
    default:
      return ACTIONS['AA-8'](event, context);
  }
}

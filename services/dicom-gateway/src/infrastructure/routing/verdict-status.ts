import type { RouteDeliveryV1, RouteFailureReasonV1, RouteVerdictV1 } from '@dicom-router/contracts';
import type { NoRouteStatus } from '@dicom-router/config';
import { Status, type DimseOutcome } from '@dicom-router/dicom-network';

/** PS3.5 Table 6.2-1: Error Comment (0000,0902) is LO, at most 64 characters. */
export const MAX_ERROR_COMMENT = 64;

/**
 * No answer from the destination, or one that may differ on the next try: the modality should
 * send again later (PS3.4 B.2.3 A7xx "Refused: Out of Resources"). A destination that answered a
 * failure, or that cannot take the stored transfer syntax, gets 0110H "Processing failure".
 */
const TRANSIENT: ReadonlySet<RouteFailureReasonV1> = new Set([
  'unreachable',
  'association-rejected',
  'aborted',
  'timeout',
  'shutting-down',
  'storage-unavailable',
]);

/**
 * The C-STORE-RSP of a sync listener from the router's verdict (docs/architecture.md §5: Success only after
 * every matching destination answered success or warning).
 */
export function verdictStatus(verdict: RouteVerdictV1, noRoute: NoRouteStatus): DimseOutcome {
  switch (verdict.outcome) {
    case 'delivered':
      return { status: Status.Success };
    case 'no-route':
      return noRoute === 'success' ? { status: Status.Success } : { status: Status.ProcessingFailure, errorComment: 'no route matched' };
    case 'rejected':
      return { status: Status.ProcessingFailure, errorComment: fit(`routing refused: ${verdict.error ?? 'unknown reason'}`) };
    case 'failed': {
      const failed = verdict.deliveries.filter((d) => d.outcome === 'failure');
      if (failed.length === 0) return { status: Status.ProcessingFailure, errorComment: fit(verdict.error ?? 'routing failed') };
      const transient = failed.some((d) => d.reason !== undefined && TRANSIENT.has(d.reason));
      return {
        status: transient ? Status.OutOfResources : Status.ProcessingFailure,
        errorComment: namesComment(failed.some((d) => d.reason === 'timeout') && failed.every((d) => d.reason === 'timeout') ? 'no answer in time from' : 'not delivered to', failed),
      };
    }
  }
}

/** The router gave no verdict by the deadline: the modality hears A700H rather than waiting on. */
export function routerUnavailableStatus(timeoutMs: number): DimseOutcome {
  return { status: Status.OutOfResources, errorComment: fit(`routing gave no verdict within ${Math.round(timeoutMs / 1000)} s`) };
}

/**
 * "not delivered to a, b" naming every failed destination that fits in 64 characters, then
 * "+N more" for the rest, so the most useful part survives truncation.
 */
export function namesComment(prefix: string, failed: readonly Pick<RouteDeliveryV1, 'destination'>[]): string {
  const names = failed.map((d) => d.destination);
  for (let shown = names.length; shown >= 1; shown--) {
    const rest = names.length - shown;
    const text = `${prefix} ${names.slice(0, shown).join(', ')}${rest > 0 ? ` +${rest} more` : ''}`;
    if (text.length <= MAX_ERROR_COMMENT) return text;
  }
  return fit(`${prefix} ${names[0]}`);
}

function fit(text: string): string {
  return text.length <= MAX_ERROR_COMMENT ? text : `${text.slice(0, MAX_ERROR_COMMENT - 3)}...`;
}

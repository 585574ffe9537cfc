import type { RouteDeliveryV1, RouteVerdictV1 } from '@dicom-router/contracts';
import { Status } from '@dicom-router/dicom-network';
import { MAX_ERROR_COMMENT, namesComment, routerUnavailableStatus, verdictStatus } from './verdict-status';

const ok = (destination: string): RouteDeliveryV1 => ({ destination, outcome: 'success', status: 0, errorComment: null, attempt: 1 });
const failed = (destination: string, reason: RouteDeliveryV1['reason'], status: number | null = null): RouteDeliveryV1 => ({
  destination,
  outcome: 'failure',
  status,
  errorComment: 'x',
  reason,
  attempt: 1,
});
const verdict = (outcome: RouteVerdictV1['outcome'], deliveries: RouteDeliveryV1[] = [], error?: string): RouteVerdictV1 => ({
  commandId: 'c',
  sopInstanceUid: '1.2.3',
  outcome,
  matchedRoutes: [],
  deliveries,
  ...(error ? { error } : {}),
});

describe('C-STORE-RSP of a sync listener from the routing verdict', () => {
  it('is Success when every destination confirmed', () => {
    expect(verdictStatus(verdict('delivered', [ok('a'), ok('b')]), 'success')).toEqual({ status: Status.Success });
  });

  it('follows the listener policy when no route matched', () => {
    expect(verdictStatus(verdict('no-route'), 'success')).toEqual({ status: Status.Success });
    expect(verdictStatus(verdict('no-route'), 'failure')).toEqual({ status: Status.ProcessingFailure, errorComment: 'no route matched' });
  });

  it('is A700H naming the destination that could not be reached, so the modality retries', () => {
    expect(verdictStatus(verdict('failed', [ok('orthanc'), failed('pacs-b', 'unreachable')]), 'success')).toEqual({
      status: Status.OutOfResources,
      errorComment: 'not delivered to pacs-b',
    });
  });

  it('is 0110H when every failed destination answered a failure or cannot take the transfer syntax', () => {
    expect(verdictStatus(verdict('failed', [failed('a', 'failure-status', 0xa700), failed('b', 'presentation-context-rejected')]), 'success')).toEqual({
      status: Status.ProcessingFailure,
      errorComment: 'not delivered to a, b',
    });
  });

  it('says "no answer in time" when only timeouts failed', () => {
    expect(verdictStatus(verdict('failed', [failed('slow', 'timeout')]), 'success')).toEqual({
      status: Status.OutOfResources,
      errorComment: 'no answer in time from slow',
    });
  });

  it('is 0110H with the reason for an undecidable rule or a refused command', () => {
    expect(verdictStatus(verdict('failed', [], 'route ct cannot be decided: no such key'), 'success')).toEqual({
      status: Status.ProcessingFailure,
      errorComment: 'route ct cannot be decided: no such key',
    });
    const refused = verdictStatus(verdict('rejected', [], `no route is named "${'x'.repeat(80)}"`), 'success');
    expect(refused.status).toBe(Status.ProcessingFailure);
    expect(refused.errorComment).toHaveLength(MAX_ERROR_COMMENT);
    expect(refused.errorComment?.endsWith('...')).toBe(true);
  });

  it('keeps the Error Comment within 64 characters, naming as many destinations as fit', () => {
    const names = ['radiology-pacs-main', 'radiology-pacs-backup', 'cardiology-archive', 'research-store'];
    const text = namesComment('not delivered to', names.map((destination) => ({ destination })));
    expect(text).toBe('not delivered to radiology-pacs-main +3 more');
    expect(namesComment('not delivered to', [{ destination: 'a' }, { destination: 'b' }])).toBe('not delivered to a, b');
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_COMMENT);
    const long = namesComment('not delivered to', [{ destination: 'd'.repeat(64) }]);
    expect(long.length).toBe(MAX_ERROR_COMMENT);
  });

  it('is A700H when the router gave no verdict in time', () => {
    expect(routerUnavailableStatus(5000)).toEqual({ status: Status.OutOfResources, errorComment: 'routing gave no verdict within 5 s' });
  });
});

import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { NoRouteStatus } from '@dicom-router/config';
import type { RouteVerdictV1 } from '@dicom-router/contracts';
import { routeCommandFor } from '@dicom-router/destinations';
import { Status, type DimseOutcome } from '@dicom-router/dicom-network';
import type { Logger } from '@dicom-router/service-runtime';
import type { StoreOutcome } from '../../application/store-instance/store-instance.use-case';
import { LOGGER } from '../../tokens';
import { ROUTE_INSTANCES, RouterUnavailableError, type RouteInstances } from './route-instances';
import { routerUnavailableStatus, verdictStatus } from './verdict-status';

/** Where a stored instance came from, and what its sender configured for routing it. */
export interface SyncRouteRequest {
  outcome: StoreOutcome;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  source: string;
  association?: { id: string; callingAet: string; calledAet: string; peerAddress: string };
  routes: readonly string[];
  timeoutMs: number;
  noRouteStatus: NoRouteStatus;
}

export interface SyncRouteResult {
  /** The C-STORE-RSP status (and Error Comment) to answer. */
  response: DimseOutcome;
  verdict?: RouteVerdictV1;
}

/**
 * A sync listener's or route-targeting file intake's second half (docs/architecture.md §5): once the object
 * and its stored event are durable, hand it to storage-router and turn the verdict into the
 * C-STORE-RSP. The gateway's own Message ID handling is untouched: the response still answers the
 * request it belongs to (PS3.7 §9.3.1.2, Message ID Being Responded To).
 */
@Injectable()
export class SyncRouting implements OnApplicationShutdown {
  constructor(
    @Inject(ROUTE_INSTANCES) private readonly router: RouteInstances | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async route(request: SyncRouteRequest): Promise<SyncRouteResult> {
    const stored = request.outcome.stored;
    // Nothing new was written (a duplicate kept by policy): there is nothing to route.
    if (!stored) return { response: { status: request.outcome.status, errorComment: request.outcome.errorComment } };
    if (!this.router) {
      return { response: { status: Status.OutOfResources, errorComment: 'storage-router is not connected' } };
    }
    const command = routeCommandFor({
      storageKey: stored.key,
      sha256: stored.sha256,
      sopClassUid: request.sopClassUid,
      sopInstanceUid: request.sopInstanceUid,
      transferSyntaxUid: request.transferSyntaxUid,
      callingAet: request.association?.callingAet,
      calledAet: request.association?.calledAet,
      peerAddress: request.association?.peerAddress,
      source: request.source,
      attributes: request.outcome.attributes?.elements ?? new Map(),
      routes: request.routes,
      timeoutMs: request.timeoutMs,
      replyTo: '',
    });
    const { replyTo: _unused, ...routeRequest } = command;
    let verdict: RouteVerdictV1;
    try {
      verdict = await this.router.route(routeRequest);
    } catch (error) {
      if (!(error instanceof RouterUnavailableError)) throw error;
      this.logger.warn({ sopInstanceUid: request.sopInstanceUid, commandId: command.commandId, err: error.message }, 'routing: no verdict in time');
      return { response: routerUnavailableStatus(request.timeoutMs) };
    }
    const response = verdictStatus(verdict, request.noRouteStatus);
    const log = {
      sopInstanceUid: request.sopInstanceUid,
      commandId: command.commandId,
      outcome: verdict.outcome,
      routes: verdict.matchedRoutes,
      deliveries: verdict.deliveries.map((d) => ({ destination: d.destination, outcome: d.outcome, status: d.status, reason: d.reason, errorComment: d.errorComment })),
      status: response.status,
      ...(verdict.error ? { error: verdict.error } : {}),
    };
    if (response.status === Status.Success) this.logger.info(log, 'instance routed');
    else this.logger.warn(log, `instance not routed: ${response.errorComment ?? ''}`);
    return { response, verdict };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.router?.close();
  }
}

import type { RouteInstanceCommandV1, RouteVerdictV1 } from '@dicom-router/contracts';

/** The command without its reply subject: each implementation knows where its answer comes back. */
export type RouteRequest = Omit<RouteInstanceCommandV1, 'replyTo'>;

/** The router did not answer by the command's deadline (or could not be asked at all). */
export class RouterUnavailableError extends Error {
  override readonly name = 'RouterUnavailableError';
}

/**
 * Hands one stored instance to storage-router and waits for its verdict (docs/architecture.md §3). Over NATS
 * (a durable JetStream command) when NATS_URL is set; in this process under the embedded defaults.
 */
export interface RouteInstances {
  /** Resolves with the verdict; rejects with RouterUnavailableError when none came by the deadline. */
  route(request: RouteRequest): Promise<RouteVerdictV1>;
  close(): Promise<void>;
}

export const ROUTE_INSTANCES = Symbol('ROUTE_INSTANCES');

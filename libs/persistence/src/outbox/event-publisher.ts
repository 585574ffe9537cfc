import type { CloudEventJson } from '@dicom-router/contracts';

/**
 * The one thing the outbox needs from the messaging lib's EventBus, which satisfies it as is.
 * Infra libs may not import each other (eslint module boundaries), so the port lives here.
 */
export interface EventPublisher {
  /** Resolves once the event is durable on the bus; rejects (e.g. BusUnavailableError) otherwise. */
  publish(event: CloudEventJson): Promise<unknown>;
}

import type { CloudEventJson } from '@dicom-router/contracts';

/**
 * The one thing the outbox needs from the messaging lib's EventBus, which satisfies it as is.
 * Infra libs may not import each other (eslint module boundaries), so the port lives here.
 */
export interface EventPublisher {
  /**
   * Resolves once the event is durable on the bus; rejects (e.g. BusUnavailableError) otherwise. A
   * bus that keeps nothing across a restart (the in-process one) resolves with `{ handled }`, a promise
   * of its consumers' outcome: publishDurably waits for it, and the outbox keeps the row until it resolves.
   */
  publish(event: CloudEventJson): Promise<unknown>;
}

/** The `handled` promise of a publish result, when the bus gave one. */
export function handledOf(result: unknown): Promise<void> | undefined {
  const handled = (result as { handled?: { then?: unknown } } | null | undefined)?.handled;
  return typeof handled?.then === 'function' ? (handled as Promise<void>) : undefined;
}

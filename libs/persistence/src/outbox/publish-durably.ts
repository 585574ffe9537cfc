import type { CloudEventJson } from '@dicom-router/contracts';
import type { EventPublisher } from './event-publisher';
import type { Outbox } from './outbox';

export type DurableVia = 'bus' | 'outbox';

/**
 * Makes `event` durable before the C-STORE path answers Success (DESIGN.md §5) and says where.
 *
 * Publish first: with NATS up that is one round trip and leaves no row behind, the common case.
 * If the publish fails, for whatever reason, the event is committed to the outbox instead and the
 * relay publishes it once NATS is back. A publish that timed out may still have reached the stream;
 * the relay's republish carries the same id, which JetStream drops within its duplicate window.
 * While the relay catches up, newer events published directly can overtake queued ones.
 *
 * Rejects only when both failed: then nothing is durable and the caller must answer a failure status.
 */
export async function publishDurably(outbox: Outbox, bus: EventPublisher, event: CloudEventJson): Promise<DurableVia> {
  let publishError: unknown;
  try {
    await bus.publish(event);
    return 'bus';
  } catch (err) {
    publishError = err;
  }
  try {
    await outbox.add(event);
    return 'outbox';
  } catch (outboxError) {
    throw new AggregateError([publishError, outboxError], `event ${event.id} is not durable: neither the bus nor the outbox took it`);
  }
}

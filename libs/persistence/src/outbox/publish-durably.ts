import type { CloudEventJson } from '@dicom-router/contracts';
import { handledOf, type EventPublisher } from './event-publisher';
import type { Outbox } from './outbox';

export type DurableVia = 'bus' | 'outbox';

export interface PublishDurablyOptions {
  /**
   * On a bus that keeps nothing (in-process): how long the consumers may take to handle the event
   * before it goes to the outbox instead. Default 2 s.
   */
  handoffMs?: number;
}

const DEFAULT_HANDOFF_MS = 2_000;

/**
 * Makes `event` durable before the C-STORE path answers Success (DESIGN.md §5) and says where.
 *
 * Publish first: with NATS up that is one round trip and leaves no row behind, the common case. On
 * the in-process bus, which keeps nothing across a restart, the event is durable once every consumer
 * has handled it, because each commits what it takes from the event before it acknowledges; a
 * consumer that fails or takes longer than `handoffMs` sends the event to the outbox instead, and the
 * relay's republish waits for that first delivery's outcome before it lets go of the row.
 *
 * If the publish fails, for whatever reason, the event is committed to the outbox instead and the
 * relay publishes it once the bus is back. A publish that timed out may still have reached the
 * stream; the relay's republish carries the same id, which the bus drops within its duplicate window.
 * While the relay catches up, newer events published directly can overtake queued ones.
 *
 * Rejects only when both failed: then nothing is durable and the caller must answer a failure status.
 */
export async function publishDurably(outbox: Outbox, bus: EventPublisher, event: CloudEventJson, options: PublishDurablyOptions = {}): Promise<DurableVia> {
  let publishError: unknown;
  try {
    const handled = handledOf(await bus.publish(event));
    if (handled) await within(handled, options.handoffMs ?? DEFAULT_HANDOFF_MS, `consumers did not handle event ${event.id}`);
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

function within(work: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

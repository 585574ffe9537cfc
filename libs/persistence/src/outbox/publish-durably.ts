import type { CloudEventJson } from '@dicom-router/contracts';
import type { BusBreaker } from './bus-breaker';
import { handledOf, type EventPublisher } from './event-publisher';
import type { Outbox } from './outbox';

export type DurableVia = 'bus' | 'outbox';

export interface PublishDurablyOptions {
  /**
   * On a bus that keeps nothing (in-process): how long the consumers may take to handle the event
   * before it goes to the outbox instead. Default 2 s.
   */
  handoffMs?: number;
  /**
   * Remembers a failed publish: while it is open the event goes to the outbox first, without waiting
   * out a publish timeout, and the bus is tried only if the outbox fails.
   */
  breaker?: BusBreaker;
}

const DEFAULT_HANDOFF_MS = 2_000;

/**
 * Makes `event` durable before the C-STORE path answers Success (docs/architecture.md §5) and says where.
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
 * Without a breaker, newer events published directly can overtake queued ones while the relay
 * catches up; with one, events keep going to the outbox until the relay has published them all.
 *
 * Rejects only when both failed: then nothing is durable and the caller must answer a failure status.
 */
export async function publishDurably(outbox: Outbox, bus: EventPublisher, event: CloudEventJson, options: PublishDurablyOptions = {}): Promise<DurableVia> {
  const { breaker } = options;
  if (breaker?.isOpen) {
    try {
      await addToOutbox(outbox, event, breaker);
      return 'outbox';
    } catch (outboxError) {
      // The database failed too: the bus may be back, and a durable event beats a failure status.
      try {
        await publishOnBus(bus, event, options);
        return 'bus';
      } catch (publishError) {
        throw notDurable(event, publishError, outboxError);
      }
    }
  }
  let publishError: unknown;
  try {
    await publishOnBus(bus, event, options);
    return 'bus';
  } catch (err) {
    publishError = err;
    breaker?.publishFailed(err);
  }
  try {
    await addToOutbox(outbox, event, breaker);
    return 'outbox';
  } catch (outboxError) {
    throw notDurable(event, publishError, outboxError);
  }
}

async function publishOnBus(bus: EventPublisher, event: CloudEventJson, options: PublishDurablyOptions): Promise<void> {
  const handled = handledOf(await bus.publish(event));
  if (handled) await within(handled, options.handoffMs ?? DEFAULT_HANDOFF_MS, `consumers did not handle event ${event.id}`);
}

async function addToOutbox(outbox: Outbox, event: CloudEventJson, breaker: BusBreaker | undefined): Promise<void> {
  const settled = breaker?.outboxWriteStarted();
  try {
    await outbox.add(event);
  } finally {
    settled?.();
  }
}

function notDurable(event: CloudEventJson, publishError: unknown, outboxError: unknown): AggregateError {
  return new AggregateError([publishError, outboxError], `event ${event.id} is not durable: neither the bus nor the outbox took it`);
}

function within(work: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

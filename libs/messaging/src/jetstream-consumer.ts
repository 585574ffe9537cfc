import { parseCloudEventJson } from '@dicom-router/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { EventHandler, HandlerErrorListener, Subscription } from './event-bus';

export interface ConsumerSettings {
  /** Unacknowledged for this long → redelivered. Kept alive with `working()` while a handler runs. */
  ackWaitMs: number;
  /** Deliveries per event before JetStream stops trying (it then emits a MAX_DELIVERIES advisory). */
  maxDeliver: number;
  /** First redelivery delay after a handler throws; doubles per attempt up to `maxNakDelayMs`. */
  nakDelayMs: number;
  maxNakDelayMs: number;
  /** Events pulled ahead of the handler. */
  batchSize: number;
}

export const DEFAULT_CONSUMER_SETTINGS: ConsumerSettings = {
  ackWaitMs: 30_000,
  maxDeliver: 10,
  nakDelayMs: 1_000,
  maxNakDelayMs: 60_000,
  batchSize: 64,
};

/**
 * A durable pull consumer with explicit acks. A new durable starts at the oldest retained event so
 * nothing published before its first start is missed. Limits are updated in place; the filter is not,
 * because nats-server 2.9 cannot change it on an existing consumer.
 */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  durableName: string,
  filterSubject: string,
  settings: ConsumerSettings,
): Promise<ConsumerInfo> {
  const limits: Partial<ConsumerConfig> = {
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.maxDeliver,
    max_ack_pending: Math.max(settings.batchSize * 4, 256),
  };
  const existing = await consumerInfo(jsm, stream, durableName);
  if (!existing) {
    return jsm.consumers.add(stream, {
      durable_name: durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filterSubject,
      ...limits,
    });
  }
  if (existing.config.filter_subject !== filterSubject) {
    throw new Error(
      `durable consumer ${durableName} on ${stream} filters ${existing.config.filter_subject}, not ${filterSubject}: ` +
        'use another durable name or delete the consumer',
    );
  }
  const changed = (Object.keys(limits) as (keyof typeof limits)[]).some((key) => existing.config[key] !== limits[key]);
  return changed ? jsm.consumers.update(stream, durableName, limits) : existing;
}

async function consumerInfo(jsm: JetStreamManager, stream: string, name: string): Promise<ConsumerInfo | null> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return null;
    throw err;
  }
}

/** Pulls events one at a time into `handler`: ack when it resolves, nak with back-off when it throws. */
export async function consumeDurable(
  js: JetStreamClient,
  stream: string,
  durableName: string,
  handler: EventHandler,
  settings: ConsumerSettings,
  onHandlerError: HandlerErrorListener,
): Promise<Subscription> {
  const consumer = await js.consumers.get(stream, durableName);
  const messages = await consumer.consume({ max_messages: settings.batchSize });
  const loop = (async () => {
    for await (const msg of messages) await deliver(msg, handler, settings, onHandlerError);
  })();
  return {
    durableName,
    async close() {
      await messages.close();
      await loop;
    },
  };
}

async function deliver(
  msg: JsMsg,
  handler: EventHandler,
  settings: ConsumerSettings,
  onHandlerError: HandlerErrorListener,
): Promise<void> {
  let event;
  try {
    event = parseCloudEventJson(msg.string());
  } catch (err) {
    // Redelivering bytes that are not a CloudEvent cannot succeed; `term` leaves them in the stream for inspection.
    msg.term(`not a CloudEvents JSON event: ${(err as Error).message}`);
    return;
  }
  const attempt = msg.info.deliveryCount;
  const keepAlive = setInterval(() => msg.working(), Math.max(settings.ackWaitMs / 2, 100));
  try {
    await handler(event, { attempt });
    msg.ack();
  } catch (err) {
    onHandlerError(err, event, { attempt });
    msg.nak(Math.min(settings.nakDelayMs * 2 ** (attempt - 1), settings.maxNakDelayMs));
  } finally {
    clearInterval(keepAlive);
  }
}

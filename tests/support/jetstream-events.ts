import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';

/**
 * A subscriber to the gateway's public event stream, as another team would be: a real NATS
 * connection and a pull consumer of its own on `DICOM_EVENTS`. The NATS server is a dependency of
 * the suites (docs/architecture.md §7): unreachable means a failure, never a skip.
 */

export const NATS_URL = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';
export const EVENTS_STREAM_NAME = 'DICOM_EVENTS';

export interface ReceivedEvent {
  seq: number;
  subject: string;
  /** The `Nats-Msg-Id` header. */
  msgId: string | undefined;
  contentType: string | undefined;
  /** The CloudEvent, parsed from the message body. */
  event: { specversion: string; id: string; source: string; type: string; subject?: string; time: string; datacontenttype?: string; data: any };
}

export async function connectNats(url = NATS_URL): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, name: 'dicom-router-tests', timeout: 3000, maxReconnectAttempts: 0 });
  } catch (e) {
    throw new Error(`NATS with JetStream must run at ${url} (Debian nats-server, started by .ci/run): ${(e as Error).message}`);
  }
}

/**
 * A consumer with deliver policy "new", created before the traffic it should see; it collects every
 * event appended to the stream from then on.
 */
export class EventCollector {
  private readonly received: ReceivedEvent[] = [];
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
    readonly consumerName: string,
  ) {}

  /** The stream must exist already (the gateway creates it at start-up). */
  static async start(url = NATS_URL): Promise<EventCollector> {
    const nc = await connectNats(url);
    try {
      const jsm = await jetstreamManager(nc, { timeout: 5000 });
      const name = `tests-${randomUUID()}`;
      await jsm.consumers.add(EVENTS_STREAM_NAME, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: 'dicom.events.>',
        // Gone by itself if a crashed run never deletes it.
        inactive_threshold: nanos(10 * 60 * 1000),
      });
      const collector = new EventCollector(nc, jsm, jetstream(nc), name);
      await collector.consume();
      return collector;
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  private async consume(): Promise<void> {
    const consumer = await this.js.consumers.get(EVENTS_STREAM_NAME, this.consumerName);
    const messages = await consumer.consume({ max_messages: 256 });
    this.messages = messages;
    this.loop = (async () => {
      for await (const m of messages) {
        this.received.push({
          seq: m.seq,
          subject: m.subject,
          msgId: m.headers?.get('Nats-Msg-Id') || undefined,
          contentType: m.headers?.get('Content-Type') || undefined,
          event: JSON.parse(m.string()) as ReceivedEvent['event'],
        });
        m.ack();
      }
    })();
  }

  events(): ReceivedEvent[] {
    return [...this.received];
  }

  /** Waits until `predicate` holds for the events so far; returns them. Rejects after timeoutMs. */
  async waitUntil(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs = 10_000, what = 'events'): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = this.events();
      if (predicate(events)) return events;
      if (Date.now() > deadline) {
        throw new Error(`no ${what} within ${timeoutMs} ms; received:\n${events.map((e) => `  #${e.seq} ${e.subject} ${e.event.subject ?? ''}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    this.messages?.stop();
    await this.loop.catch(() => undefined);
    await this.jsm.consumers.delete(EVENTS_STREAM_NAME, this.consumerName).catch(() => undefined);
    await this.nc.close();
  }
}

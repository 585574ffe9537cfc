import { subjectOfEvent, EVENT_SUBJECT_PREFIX, type CloudEventJson } from '@dicom-router/contracts';
import { JetStreamApiError, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { errors, headers, RequestError, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { BusUnavailableError } from './errors';
import {
  assertDurableName,
  type EventBus,
  type EventConsumer,
  type HandlerErrorListener,
  type PublishResult,
  type Subscription,
} from './event-bus';
import { consumeDurable, DEFAULT_CONSUMER_SETTINGS, ensureDurableConsumer, type ConsumerSettings } from './jetstream-consumer';
import { DEFAULT_STREAM_SETTINGS, ensureEventStream, type EventStreamSettings } from './jetstream-stream';
import { assertSubjectFilter } from './subject-match';

export interface JetStreamBusOptions {
  /** `NATS_URL`; several URLs for a cluster. */
  servers: string | string[];
  /** Connection name shown by the server's monitoring (e.g. the service and pod name). */
  name: string;
  stream?: Partial<EventStreamSettings>;
  consumer?: Partial<ConsumerSettings>;
  /** Budget for one publish including its retries; past it publish rejects with BusUnavailableError. */
  publishTimeoutMs?: number;
  /** Attempts within that budget; retrying is safe because the event id deduplicates. */
  publishAttempts?: number;
  /** Budget for the first connection and each JetStream API call. */
  connectTimeoutMs?: number;
  /**
   * After the first connection the client reconnects forever, waiting this long (plus jitter) between
   * rounds over `servers`, and resumes pull consumers itself; publishes during an outage fail fast
   * with BusUnavailableError so the caller can answer a DICOM failure status instead of hanging.
   */
  reconnectTimeWaitMs?: number;
  onHandlerError?: HandlerErrorListener;
}

export interface PublishAck extends PublishResult {
  stream: string;
  seq: number;
}

const PUBLISH_BACKOFF_MS = 100;

export class JetStreamBus implements EventBus {
  readonly #subscriptions = new Set<Subscription>();
  readonly #disconnectListeners = new Set<(server: string) => void>();
  #watchingStatus = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly stream: EventStreamSettings,
    private readonly consumerSettings: ConsumerSettings,
    private readonly publishTimeoutMs: number,
    private readonly publishAttempts: number,
    private readonly onHandlerError: HandlerErrorListener,
  ) {}

  get streamName(): string {
    return this.stream.name;
  }

  async publish(event: CloudEventJson): Promise<PublishAck> {
    const subject = this.toStreamSubject(subjectOfEvent(event));
    const payload = JSON.stringify(event);
    const hdrs = headers();
    hdrs.set('Content-Type', 'application/cloudevents+json');
    const deadline = Date.now() + this.publishTimeoutMs;
    let lastError: unknown;
    for (let attempt = 0; attempt < this.publishAttempts; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        const ack = await this.js.publish(subject, payload, {
          msgID: event.id,
          headers: hdrs,
          timeout: Math.max(Math.floor(remaining / (this.publishAttempts - attempt)), 1),
          retries: 1,
        });
        return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
      } catch (err) {
        if (!isTransient(err)) throw err;
        lastError = err;
        await sleep(Math.min(PUBLISH_BACKOFF_MS * 2 ** attempt, Math.max(deadline - Date.now(), 0)));
      }
    }
    throw new BusUnavailableError(
      `event ${event.id} (${event.type}) not confirmed by NATS within ${this.publishTimeoutMs} ms: ${describe(lastError)}`,
      { cause: lastError },
    );
  }

  /**
   * Calls `listener` each time the connection to NATS is lost. A publish in the gap waits for the
   * reconnect or its timeout; a caller with another place for its events can stop trying at once.
   * Returns the function that removes the listener.
   */
  onDisconnect(listener: (server: string) => void): () => void {
    this.#disconnectListeners.add(listener);
    if (!this.#watchingStatus) {
      this.#watchingStatus = true;
      void this.watchStatus();
    }
    return () => this.#disconnectListeners.delete(listener);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type !== 'disconnect') continue;
      for (const listener of this.#disconnectListeners) {
        try {
          listener(status.server);
        } catch {
          // One listener's failure is not the connection's concern.
        }
      }
    }
  }

  async subscribe(filter: string, consumer: EventConsumer): Promise<Subscription> {
    assertDurableName(consumer.durableName);
    const filterSubject = this.toStreamSubject(filter);
    try {
      await ensureDurableConsumer(this.jsm, this.stream.name, consumer.durableName, filterSubject, this.consumerSettings);
      const inner = await consumeDurable(
        this.js,
        this.stream.name,
        consumer.durableName,
        consumer.handler,
        this.consumerSettings,
        this.onHandlerError,
      );
      const subscription: Subscription = {
        durableName: inner.durableName,
        close: async () => {
          this.#subscriptions.delete(subscription);
          await inner.close();
        },
      };
      this.#subscriptions.add(subscription);
      return subscription;
    } catch (err) {
      throw isTransient(err) ? new BusUnavailableError(`cannot subscribe ${consumer.durableName}: ${describe(err)}`, { cause: err }) : err;
    }
  }

  /** Stops consumers (waiting for handlers in progress), then drains the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.close()));
    if (this.nc.isClosed()) return;
    // Draining needs the server; while it is away, closing outright is all that is left to do.
    await this.nc.drain().catch(() => this.nc.close());
  }

  /** The contract's `dicom.events.…` subjects and filters, mapped into this stream's namespace. */
  private toStreamSubject(subject: string): string {
    assertSubjectFilter(subject);
    if (subject !== '>' && !subject.startsWith(`${EVENT_SUBJECT_PREFIX}.`)) {
      throw new TypeError(`${subject} is not under ${EVENT_SUBJECT_PREFIX}.>`);
    }
    const rest = subject === '>' ? '>' : subject.slice(EVENT_SUBJECT_PREFIX.length + 1);
    return `${this.stream.subjectPrefix}.${rest}`;
  }
}

/**
 * Connects, then creates or updates the event stream. Rejects with BusUnavailableError when no server
 * answers within `connectTimeoutMs`, so a service fails its start-up (and readiness) visibly.
 */
export async function connectJetStreamBus(options: JetStreamBusOptions): Promise<JetStreamBus> {
  const stream = { ...DEFAULT_STREAM_SETTINGS, ...options.stream };
  const consumer = { ...DEFAULT_CONSUMER_SETTINGS, ...options.consumer };
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.servers,
      name: options.name,
      timeout: connectTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? 2_000,
      reconnectJitter: 500,
      pingInterval: 20_000,
      maxPingOut: 3,
      // Each JetStream publish is a request, which would otherwise capture two stack traces up front
      // for a timeout it almost never raises (~50 µs per stored instance); the bus's own errors name
      // the subject and the cause.
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new BusUnavailableError(`cannot connect to NATS at ${String(options.servers)}: ${describe(err)}`, { cause: err });
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: connectTimeoutMs });
    await ensureEventStream(jsm, stream);
    return new JetStreamBus(
      nc,
      jsm,
      jsm.jetstream(),
      stream,
      consumer,
      options.publishTimeoutMs ?? 5_000,
      Math.max(options.publishAttempts ?? 3, 1),
      options.onHandlerError ?? (() => undefined),
    );
  } catch (err) {
    await nc.close();
    throw isTransient(err) ? new BusUnavailableError(`NATS JetStream unavailable: ${describe(err)}`, { cause: err }) : err;
  }
}

/** Failures a retry (or the caller's own retry later) may cure: the server is away, slow, or electing a leader. */
function isTransient(err: unknown): boolean {
  return (
    err instanceof errors.TimeoutError ||
    err instanceof errors.ConnectionError ||
    err instanceof errors.ClosedConnectionError ||
    err instanceof errors.DrainingConnectionError ||
    err instanceof errors.NoRespondersError ||
    (err instanceof RequestError && err.isNoResponders()) ||
    // The client reports "no responders" to a publish as JetStreamNotEnabled (not exported); during a
    // leader election, or before the stream exists, it is transient.
    (err instanceof Error && err.name === 'JetStreamNotEnabled') ||
    (err instanceof JetStreamApiError && err.status === 503)
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { CloudEventJson } from '@dicom-router/contracts';
import { JetStreamBus } from '@dicom-router/messaging';
import { BusBreaker, Database, Outbox, OutboxRelay, publishDurably } from '@dicom-router/persistence';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_DATABASE, GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { GatewayEventBus } from './event-bus';
import { GatewayMetrics } from './gateway-metrics';
import { Logger } from '@dicom-router/service-runtime';

/**
 * Makes a stored event durable before C-STORE success (docs/architecture.md §5): publish first, and fall back to
 * the database outbox when the bus cannot take it. On JetStream the stream's ack makes it durable; on
 * the in-process bus of the embedded defaults, the hosted consumers' own commits do (see
 * publishDurably), which spares the embedded database an outbox row, its read and its delete per
 * instance. The relay publishes outbox rows in order once the bus answers.
 *
 * A failed publish, or a lost NATS connection, opens a breaker: later events go straight to the
 * outbox instead of each waiting out the publish timeout (5 s on JetStream), until the relay's
 * drains show the bus answering and the outbox empty. Association lifecycle events go the same way
 * while it is open, so that a release is neither lost to the outage nor announced before the
 * instances stored on it.
 */
@Injectable()
export class DurableEvents implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private database: Database | null = null;
  private outbox: Outbox | null = null;
  private relay: OutboxRelay | null = null;
  private readonly breaker: BusBreaker;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly bus: GatewayEventBus,
    // Opened (and closed) by bootstrap: one database per process, shared with a hosted registry.
    @Inject(GATEWAY_DATABASE) private readonly openedDatabase: Database,
    metrics: GatewayMetrics,
  ) {
    for (const to of ['open', 'closed']) metrics.eventBusBreakerTransitions.labels(to).inc(0);
    this.breaker = new BusBreaker({
      opened: (err) => {
        metrics.eventBusBreakerOpen.set(1);
        metrics.eventBusBreakerTransitions.labels('open').inc();
        this.logger.warn({ err: describe(err) }, 'event bus unavailable: events go straight to the outbox until it answers again');
      },
      closed: (openForMs, queued) => {
        metrics.eventBusBreakerOpen.set(0);
        metrics.eventBusBreakerTransitions.labels('closed').inc();
        this.logger.info({ openForMs, queued }, 'event bus answers again and the outbox is published: events go to the bus directly');
      },
    });
  }

  async onModuleInit(): Promise<void> {
    this.database = this.openedDatabase;
    this.outbox = new Outbox(this.database);
    await this.bus.connected;
    this.relay = new OutboxRelay(this.database, this.bus.events, {
      batchSize: 100,
      // Every outbox add nudges the relay; the interval is only the safety net.
      intervalMs: 1000,
      // The in-process bus keeps no history worth inspecting: a published row goes at once.
      ...(!this.settings.natsUrl && { retentionMs: 0 }),
      // Also how soon the breaker learns that the bus is back: the first publish of a drain is its probe.
      maxBackoffMs: 5_000,
      onError: (err) => this.logger.warn({ err: describe(err) }, 'outbox relay: bus unavailable, will retry'),
      onDrained: () => void this.probe(),
    });
    // A lost NATS connection opens the breaker at once, sparing the next store its publish timeout.
    const events = this.bus.events;
    if (events instanceof JetStreamBus) events.onDisconnect((server) => this.breaker.publishFailed(new Error(`NATS connection to ${server} lost`)));
    this.logger.info({ database: this.database.kind }, 'event outbox ready');
  }

  /**
   * The relay starts once every module is initialised and the hosted consumers (async-filer, in
   * modules this one imports, bootstrapped first) have subscribed: the in-process bus keeps nothing
   * for a consumer not yet there, so rows left by the previous process must wait for it.
   */
  onApplicationBootstrap(): void {
    this.relay?.start();
  }

  /** Resolves once the event is durable on the bus or in the outbox; rejects if neither holds it. */
  async announce(event: CloudEventJson): Promise<void> {
    if (!this.database || !this.outbox) throw new Error('event outbox not open yet');
    const via = await publishDurably(this.outbox, this.bus.events, event, { breaker: this.breaker });
    // Publish soon, in one batch with the rows added around it.
    if (via === 'outbox') this.relay?.nudge();
  }

  /**
   * Publishes an event that promises nothing (association lifecycle): a failure is only reported,
   * and opens the breaker. While it is open the event queues in the outbox behind the events
   * announced before it.
   */
  async tell(event: CloudEventJson): Promise<void> {
    if (this.outbox && this.breaker.isOpen) {
      await this.announce(event);
      return;
    }
    try {
      await this.bus.events.publish(event);
    } catch (err) {
      this.breaker.publishFailed(err);
      throw err;
    }
  }

  /** After a drain that published all it claimed: closes the breaker once no row is left behind. */
  private async probe(): Promise<void> {
    if (!this.breaker.isOpen || !this.outbox) return;
    const ticket = this.breaker.probeStarted();
    try {
      this.breaker.probeSucceeded(ticket, !(await this.outbox.hasUnpublished()));
    } catch (err) {
      this.logger.warn({ err: describe(err) }, 'outbox not readable: the event bus breaker stays open');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { CloudEventJson } from '@dicom-router/contracts';
import { Database, Outbox, OutboxRelay, publishDurably } from '@dicom-router/persistence';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_DATABASE, GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { GatewayEventBus } from './event-bus';
import { Logger } from '@dicom-router/service-runtime';

/**
 * Makes a stored event durable before C-STORE success (DESIGN.md §5): publish first, and fall back to
 * the database outbox when the bus cannot take it. On JetStream the stream's ack makes it durable; on
 * the in-process bus of the embedded defaults, the hosted consumers' own commits do (see
 * publishDurably), which spares the embedded database an outbox row, its read and its delete per
 * instance. The relay publishes outbox rows in order once the bus answers.
 */
@Injectable()
export class DurableEvents implements OnModuleInit, OnApplicationShutdown {
  private database: Database | null = null;
  private outbox: Outbox | null = null;
  private relay: OutboxRelay | null = null;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly bus: GatewayEventBus,
    // Opened (and closed) by bootstrap: one database per process, shared with a hosted registry.
    @Inject(GATEWAY_DATABASE) private readonly openedDatabase: Database,
  ) {}

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
      maxBackoffMs: 30_000,
      onError: (err) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox relay: bus unavailable, will retry'),
    });
    this.relay.start();
    this.logger.info({ database: this.database.kind }, 'event outbox ready');
  }

  /** Resolves once the event is durable on the bus or in the outbox; rejects if neither holds it. */
  async announce(event: CloudEventJson): Promise<void> {
    if (!this.database || !this.outbox) throw new Error('event outbox not open yet');
    const via = await publishDurably(this.outbox, this.bus.events, event);
    // Publish soon, in one batch with the rows added around it.
    if (via === 'outbox') this.relay?.nudge();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { CloudEventJson } from '@dicom-router/contracts';
import { Database, openDatabase, Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS, OutboxRelay, publishDurably } from '@dicom-router/persistence';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { GatewayEventBus } from './event-bus';
import { Logger } from '@dicom-router/service-runtime';

/**
 * Makes a stored event durable before C-STORE success (DESIGN.md §5): on JetStream, publish first
 * and fall back to the database outbox when NATS is unreachable; on the in-process bus (embedded
 * defaults), which keeps nothing across a restart, always through the outbox. The relay publishes
 * outbox rows in order once the bus answers.
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
  ) {}

  async onModuleInit(): Promise<void> {
    this.database = await openDatabase({
      url: this.settings.databaseUrl,
      dataDir: this.settings.dataDir,
      entities: [...OUTBOX_ENTITIES],
      migrations: [...OUTBOX_MIGRATIONS],
      logger: { info: (message) => this.logger.info(message), warn: (message) => this.logger.warn(message) },
    });
    this.outbox = new Outbox(this.database);
    this.relay = new OutboxRelay(this.database, this.bus.events, {
      batchSize: 100,
      intervalMs: this.settings.natsUrl ? 1000 : 50,
      maxBackoffMs: 30_000,
      onError: (err) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox relay: bus unavailable, will retry'),
    });
    this.relay.start();
    this.logger.info({ database: this.database.kind }, 'event outbox ready');
  }

  /** Resolves once the event is durable on the bus or in the outbox; rejects if neither holds it. */
  async announce(event: CloudEventJson): Promise<void> {
    if (!this.database || !this.outbox) throw new Error('event outbox not open yet');
    if (!this.settings.natsUrl) {
      await this.database.transaction((manager) => (this.outbox as Outbox).add(event, manager));
      return;
    }
    await publishDurably(this.database, this.outbox, this.bus.events, event);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.database?.close();
  }
}

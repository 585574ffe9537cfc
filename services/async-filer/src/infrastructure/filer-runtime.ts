import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { EVENT_SUBJECT_PREFIX } from '@dicom-router/contracts';
import { DestinationSender } from '@dicom-router/destinations';
import { connectJetStreamBus, type EventBus, type Subscription } from '@dicom-router/messaging';
import { OutboxRelay, type Database } from '@dicom-router/persistence';
import type { Logger } from '@dicom-router/service-runtime';
import { createStorageLocation } from '@dicom-router/storage';
import { Dispatcher } from '../domain/dispatch';
import type { FilerOptions } from '../filer-settings';
import { FILER_BUS, FILER_DATABASE, FILER_SETTINGS, LOGGER, NATS_URL } from '../tokens';
import { AlertNotifier } from './alert-notifier';
import { DeliveryWorker } from './delivery-worker';
import { EventIntake } from './event-intake';
import { FilerMetrics } from './filer-metrics';
import { QueueStore } from './queue-store';

/**
 * The filer's moving parts: the durable consumer feeding the queue, the delivery worker, and (when
 * it has a bus of its own) the outbox relay that publishes alerts. Every replica runs them all; the
 * queue in PostgreSQL is what they share. Standalone it connects to NATS (NATS_URL); hosted in the
 * all-in-one process it is handed the host's bus (FILER_BUS), whose outbox relay then also
 * publishes the alerts, since both share one database.
 *
 * It starts in onApplicationBootstrap, after every module's onModuleInit, so that a host's bus is
 * connected by then.
 */
@Injectable()
export class FilerRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly store: QueueStore;
  private bus: EventBus | null = null;
  private ownBus = false;
  private subscription: Subscription | null = null;
  private relay: OutboxRelay | null = null;
  private sender: DestinationSender | null = null;
  private worker: DeliveryWorker | null = null;
  private notifier: AlertNotifier | null = null;
  private consuming = false;
  private readonly startedAt: number;

  constructor(
    @Inject(FILER_SETTINGS) private readonly settings: FilerOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(FILER_DATABASE) database: Database,
    private readonly metrics: FilerMetrics,
    @Optional() @Inject(NATS_URL) private readonly natsUrl?: string,
    @Optional() @Inject(FILER_BUS) private readonly hostBus?: { bus: Promise<EventBus>; sessionsEndWithHost: boolean },
  ) {
    // Before the host's listeners open (they start after this module's hooks): whatever was stored
    // earlier was stored by a previous process.
    this.startedAt = Date.now();
    this.store = new QueueStore(database);
    metrics.countQueueWith(() => this.store.counts());
  }

  async onApplicationBootstrap(): Promise<void> {
    const { settings, logger } = this;
    const storage = createStorageLocation(settings.storageLocation, settings.s3);
    this.sender = new DestinationSender(storage, {
      destinations: settings.production.destinations,
      implementation: settings.production.implementation,
      tls: settings.tls,
    });
    if (this.hostBus) {
      this.bus = await this.hostBus.bus;
    } else {
      if (!this.natsUrl) throw new Error('async-filer needs NATS_URL or a host bus');
      this.ownBus = true;
      const bus = await connectJetStreamBus({
        servers: this.natsUrl.split(','),
        name: 'async-filer',
        onHandlerError: (err, event) => logger.warn({ err: err instanceof Error ? err.message : String(err), eventId: event.id, type: event.type }, 'event not queued yet; it is redelivered'),
      });
      this.bus = bus;
      this.relay = new OutboxRelay(this.store.database, bus, {
        batchSize: 100,
        intervalMs: 1000,
        maxBackoffMs: 30_000,
        onError: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox relay: bus unavailable, will retry'),
      });
      this.relay.start();
    }
    const relay = this.relay;
    this.notifier = new AlertNotifier(settings.alertWebhookUrl, settings.alertEmail, logger);
    this.worker = new DeliveryWorker(
      this.store,
      this.sender,
      this.metrics,
      this.notifier,
      logger,
      { filers: settings.production.filers, leaseMs: settings.leaseMs, sessionIdleMs: settings.sessionIdleMs, pollMs: settings.pollMs, concurrency: settings.concurrency, onAlert: () => relay?.nudge() },
    );
    const worker = this.worker;
    const sessionsEndWithHost = this.hostBus?.sessionsEndWithHost === true;
    if (sessionsEndWithHost) await this.endSessionsOfPreviousProcess();
    const intake = new EventIntake(new Dispatcher(settings.production), this.store, logger, () => worker.wake(), sessionsEndWithHost ? this.startedAt : undefined);
    // One durable consumer over the whole event namespace (nats-server 2.9 has one filter per
    // consumer): stored events and the association's end arrive in the order they were published.
    this.subscription = await this.bus.subscribe(`${EVENT_SUBJECT_PREFIX}.>`, {
      durableName: settings.consumerName,
      handler: (event) => intake.handle(event),
    });
    this.worker.start();
    this.consuming = true;
    logger.info(
      {
        consumer: settings.consumerName,
        worker: this.worker.owner,
        filers: settings.production.filers.map((f) => `${f.name}→${f.destination}`),
        sessionIdleSeconds: settings.sessionIdleMs / 1000,
        alerts: [...(settings.alertWebhookUrl ? ['webhook'] : []), ...(settings.alertEmail ? ['e-mail'] : [])],
      },
      'async-filer consuming events and delivering queued documents',
    );
  }

  /**
   * The host's associations died with its previous process (PS3.8 §7.1.4: a lost transport
   * connection is an A-P-ABORT), so no release will ever come for a session still open: each is
   * ended now and its documents go without waiting out the idle timeout.
   */
  private async endSessionsOfPreviousProcess(): Promise<void> {
    const ended = await this.store.endOpenSessions('aborted');
    if (ended > 0) this.logger.info({ sessions: ended }, 'sessions left open by the previous process ended: their documents are delivered now');
  }

  /** New work may be due (requeue, resume). */
  wake(): void {
    this.worker?.wake();
  }

  status(): { consuming: boolean; inFlight: number } {
    return { consuming: this.consuming, inFlight: this.worker?.inFlight ?? 0 };
  }

  /** SIGTERM: stop taking events and batches, finish those in hand, publish pending alerts, close. */
  async onApplicationShutdown(): Promise<void> {
    this.consuming = false;
    await this.subscription?.close();
    await this.worker?.stop();
    await this.relay?.stop();
    await this.sender?.close();
    this.notifier?.close();
    if (this.ownBus) await this.bus?.close();
  }
}

import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Database, StoreIntents } from '@dicom-router/persistence';
import { Logger } from '@dicom-router/service-runtime';
import { ReconcileStoreIntent, type StoreIntent, type StoreIntentLog } from '../application/store-instance/store-intent';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_DATABASE, GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { DurableEvents } from './durable-events';
import { ObjectStorage } from './object-storage';

/** A store waits at most this long for its intent before it goes on without one. */
const HOLD_TIMEOUT_MS = 1_000;
/** After a failed hold, stores go on without intents for this long instead of each waiting again. */
const PAUSE_AFTER_FAILURE_MS = 5_000;
/** Intents this old belong to a store that died (a C-STORE's commit follows its intent within moments). */
const ABANDONED_AFTER_MS = 60_000;
const SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 200;

/**
 * The gateway's store intents, in its database beside the outbox, and the sweep that settles those a
 * dead process left: at start (all of them on embedded defaults, where no other replica can hold
 * one; those older than a minute otherwise) and every minute.
 *
 * Intents protect against a crash between an object and its event; they are not what Success rests
 * on. So a database that is away costs at most HOLD_TIMEOUT_MS once: stores then go on without
 * intents (logged) until one is written again.
 */
@Injectable()
export class GatewayStoreIntentLog implements StoreIntentLog, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly intents: StoreIntents;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(GATEWAY_DATABASE) database: Database,
    private readonly storage: ObjectStorage,
    private readonly events: DurableEvents,
  ) {
    this.intents = new StoreIntents(database);
  }

  async hold(intent: StoreIntent): Promise<void> {
    if (Date.now() < this.pausedUntil) throw new Error('store intents paused after a database failure');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.intents.hold(intent),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${HOLD_TIMEOUT_MS} ms`)), HOLD_TIMEOUT_MS))),
      ]);
    } catch (err) {
      if (this.pausedUntil === 0) {
        this.logger.warn({ err: describe(err) }, 'store intents unavailable: instances are stored without them until the database answers');
      }
      this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (this.pausedUntil !== 0) {
      this.pausedUntil = 0;
      this.logger.info('store intents written again');
    }
  }

  release(eventId: string): void {
    this.intents.release(eventId);
  }

  pendingFor(key: string): Promise<StoreIntent[]> {
    return this.intents.pendingFor(key);
  }

  forget(eventId: string): Promise<void> {
    return this.intents.forget(eventId);
  }

  onApplicationBootstrap(): void {
    // Embedded defaults: one process, so every intent found at start is a previous run's.
    this.sweep(this.settings.natsUrl ? ABANDONED_AFTER_MS : 0);
    this.timer = setInterval(() => this.sweep(ABANDONED_AFTER_MS), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await this.intents.close();
  }

  /** Settles the intents held more than `ageMs` before the sweep began, in batches, one sweep at a time. */
  private sweep(ageMs: number): void {
    this.sweeping = this.sweeping.then(async () => {
      const reconcile = new ReconcileStoreIntent(this.storage.location, this.events, this);
      const cutoff = new Date(Date.now() - ageMs);
      const settled = { announced: 0, dropped: 0 };
      try {
        for (let batch = await this.intents.heldBefore(cutoff, SWEEP_BATCH); batch.length > 0; batch = await this.intents.heldBefore(cutoff, SWEEP_BATCH)) {
          for (const intent of batch) settled[await reconcile.execute(intent)]++;
        }
      } catch (err) {
        this.logger.warn({ err: describe(err), ...settled }, 'store intents: sweep interrupted, continues at the next one');
        return;
      }
      if (settled.announced + settled.dropped > 0) {
        this.logger.info(settled, 'store intents of a previous run settled: objects left without their event announced, unfinished stores dropped');
      }
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { DynamicModule, Module } from '@nestjs/common';
import type { EventBus } from '@dicom-router/messaging';
import type { Database } from '@dicom-router/persistence';
import { API_TOKEN, BearerTokenGuard, processMetricsRegistry, type Logger } from '@dicom-router/service-runtime';
import { Registry } from 'prom-client';
import type { FilerOptions } from './filer-settings';
import { FilerMetrics } from './infrastructure/filer-metrics';
import { FilerRuntime } from './infrastructure/filer-runtime';
import { FILER_BUS, FILER_DATABASE, FILER_SETTINGS, LOGGER, NATS_URL } from './tokens';
import { DocumentsController } from './transport/documents.controller';
import { FilersController } from './transport/filers.controller';

/** What the async-filer REST API offers, for the OpenAPI document. */
export const FILER_API_DESCRIPTION = 'The queue of asynchronous routing: documents per filer and status, requeue, purge, pause/resume.';

export interface FilerModuleOptions {
  readonly options: FilerOptions;
  /** Opened by the host with FILER_MIGRATIONS (one embedded database per process). */
  readonly database: Database;
  /** The bearer token every REST call must carry. */
  readonly apiToken: string;
  readonly logger: Logger;
  /** Standalone: the filer consumes JetStream itself. */
  readonly natsUrl?: string;
  /** Hosted: the host's bus, resolved once it is connected. */
  readonly bus?: Promise<EventBus>;
  /**
   * The associations feeding the queue live in this process (the all-in-one): a session still open
   * when the filer starts belonged to a process that is gone, and is ended at once.
   */
  readonly sessionsEndWithHost?: boolean;
}

/**
 * The async-filer's queue, delivery and REST API, mountable in any Nest application (standalone in
 * main.ts, or the all-in-one process). Health and metrics endpoints belong to the host.
 */
@Module({})
export class FilerModule {
  static register(options: FilerModuleOptions): DynamicModule {
    return {
      module: FilerModule,
      controllers: [DocumentsController, FilersController],
      providers: [
        { provide: FILER_SETTINGS, useValue: options.options },
        { provide: LOGGER, useValue: options.logger },
        { provide: FILER_DATABASE, useValue: options.database },
        { provide: API_TOKEN, useValue: options.apiToken },
        ...(options.natsUrl ? [{ provide: NATS_URL, useValue: options.natsUrl }] : []),
        // Wrapped: Nest would await a bare promise while resolving providers, before the host's bus exists.
        ...(options.bus ? [{ provide: FILER_BUS, useValue: { bus: options.bus, sessionsEndWithHost: options.sessionsEndWithHost ?? false } }] : []),
        BearerTokenGuard,
        // Hosted, the host's registry already carries the process's default metrics, and merges this one in.
        { provide: FilerMetrics, useFactory: () => new FilerMetrics(options.bus ? new Registry() : processMetricsRegistry()) },
        FilerRuntime,
      ],
      exports: [FilerRuntime, FilerMetrics],
    };
  }
}

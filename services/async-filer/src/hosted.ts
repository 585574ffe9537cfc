import type { DynamicModule, InjectionToken, Provider } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { EventBus } from '@dicom-router/messaging';
import type { Database } from '@dicom-router/persistence';
import type { Logger } from '@dicom-router/service-runtime';
import { FilerModule } from './filer.module';
import { FilerMetrics } from './infrastructure/filer-metrics';
import type { FilerOptions } from './filer-settings';

export interface HostedFilerOptions {
  /** From loadFilerOptions(): the same variables, read the same way, as the standalone service. */
  readonly options: FilerOptions;
  /** The host's database, opened with FILER_QUEUE_MIGRATIONS beside its outbox. */
  readonly database: Database;
  readonly apiToken: string;
  readonly logger: Logger;
  /** Where the host's event bus comes from: a provider of the host, and how to get the bus once connected. */
  readonly busFrom: { readonly inject: InjectionToken; readonly pick: (host: never) => Promise<EventBus> };
}

const HOST_BUS_LINK = Symbol('HOST_BUS_LINK');

/**
 * The parts a host (the all-in-one `npm start`) adds to its Nest module to run async-filer inside
 * itself: the filer module (queue, delivery, REST under /api/v1/documents and /api/v1/filers) and a
 * provider that hands it the host's event bus. One process, one embedded database: its transactions
 * are serialised by the database itself, so one delivery worker needs no row locks to be safe.
 *
 * Every association of the process died with it: at start, the hosted filer ends the sessions still
 * open in the queue (FilerModuleOptions.sessionsEndWithHost), and their documents go at once.
 */
export function hostedFilerParts(options: HostedFilerOptions): {
  imports: DynamicModule[];
  providers: Provider[];
  /** The filer's metrics, for the host's /metrics. */
  metrics: { inject: InjectionToken; pick: (metrics: FilerMetrics) => Registry };
} {
  let resolveBus!: (bus: Promise<EventBus>) => void;
  const bus = new Promise<EventBus>((resolve) => (resolveBus = resolve));
  return {
    imports: [
      FilerModule.register({
        options: options.options,
        database: options.database,
        apiToken: options.apiToken,
        logger: options.logger,
        bus,
        sessionsEndWithHost: true,
      }),
    ],
    providers: [
      {
        provide: HOST_BUS_LINK,
        // Runs before any onModuleInit: hands over the promise, which the bus resolves once connected.
        useFactory: (host: never) => resolveBus(options.busFrom.pick(host)),
        inject: [options.busFrom.inject],
      },
    ],
    metrics: { inject: FilerMetrics, pick: (metrics) => metrics.registry },
  };
}

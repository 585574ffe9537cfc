import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { databaseReadiness, type Database } from '@dicom-router/persistence';
import { HealthController, READINESS_CHECKS, type Logger } from '@dicom-router/service-runtime';
import { FilerModule } from './filer.module';
import type { FilerSettings } from './filer-settings';
import { FilerRuntime } from './infrastructure/filer-runtime';
import { MetricsController } from './transport/metrics.controller';

/** async-filer on its own: the filer module plus health (database and event consumer) and metrics. */
@Module({})
export class AppModule {
  static register(settings: FilerSettings, logger: Logger, database: Database, apiToken: string): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule, FilerModule.register({ options: settings, database, apiToken, logger, natsUrl: settings.natsUrl })],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useFactory: (runtime: FilerRuntime) => [
            databaseReadiness(database),
            { name: 'events', probe: () => ({ up: runtime.status().consuming, details: runtime.status() }) },
          ],
          inject: [FilerRuntime],
        },
      ],
    };
  }
}

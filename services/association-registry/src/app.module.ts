import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RegistryMetrics } from './infrastructure/registry-metrics';
import { RegistryModule, type RegistryModuleOptions } from './registry.module';
import { HealthController } from './transport/health.controller';
import { MetricsController } from './transport/metrics.controller';

/** The registry running on its own: its REST API plus the process's health and metrics endpoints. */
@Module({})
export class AppModule {
  static register(options: RegistryModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [TerminusModule, RegistryModule.register(options)],
      controllers: [HealthController, MetricsController],
      providers: [RegistryMetrics],
    };
  }
}

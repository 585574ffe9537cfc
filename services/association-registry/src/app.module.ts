import { DynamicModule, Module } from '@nestjs/common';
import { databaseReadiness } from '@dicom-router/persistence';
import { ProbesModule } from '@dicom-router/service-runtime';
import { RegistryModule, type RegistryModuleOptions } from './registry.module';

/** The registry running on its own: its REST API plus the process's health and metrics endpoints. Ready while the database answers. */
@Module({})
export class AppModule {
  static register(options: RegistryModuleOptions): DynamicModule {
    return { module: AppModule, imports: [RegistryModule.register(options), ProbesModule.register([databaseReadiness(options.database)])] };
  }
}

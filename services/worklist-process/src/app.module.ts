import { DynamicModule, Module } from '@nestjs/common';
import { databaseReadiness } from '@dicom-router/persistence';
import { ProbesModule } from '@dicom-router/service-runtime';
import { WorklistModule, type WorklistModuleOptions } from './worklist.module';

/** worklist-process on its own: the worklist module plus the process's health and metrics endpoints. Ready while the database answers. */
@Module({})
export class AppModule {
  static register(options: WorklistModuleOptions): DynamicModule {
    return { module: AppModule, imports: [WorklistModule.register(options), ProbesModule.register([databaseReadiness(options.database)])] };
  }
}

/**
 * The one place the gateway reaches into worklist-process: under `npm start` (no NATS_URL) this
 * process hosts the worklist's Nest module and tables, and C-FIND is answered by its in-process
 * finder (WORKLIST_FINDER). Loaded only in that case (bootstrap imports it dynamically).
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- hosting a service in the all-in-one process is this file's purpose
import * as worklist from '@dicom-router/worklist-process';
import type { Database } from '@dicom-router/persistence';
import type { Logger } from '@dicom-router/service-runtime';
import type { DynamicModule } from '@nestjs/common';
import type { GatewaySettings } from '../../gateway-settings';

export const { WORKLIST_ENTITIES, WORKLIST_MIGRATIONS, WORKLIST_API_DESCRIPTION } = worklist;

/** The worklist REST API on this process's HTTP port, and its finder for the listeners' C-FIND. */
export function hostedWorklistModule(settings: GatewaySettings, logger: Logger, database: Database, apiToken: string): DynamicModule {
  return worklist.WorklistModule.register({ database, apiToken, logger, find: settings.production.worklist });
}

import { closeOnSignals, createLogger } from '@dicom-router/service-runtime';
import { createWorklistApp } from './worklist-app';
import { loadWorklistSettings } from './worklist-settings';

/** Load and validate every setting first (all errors at once), then open the database and serve HTTP. */
export async function startWorklistProcess(): Promise<void> {
  const settings = loadWorklistSettings();
  const logger = createLogger('worklist-process', settings.logLevel);
  const worklist = await createWorklistApp(settings, logger);
  await worklist.app.listen(settings.httpPort, settings.httpBind);
  closeOnSignals(() => worklist.close(), logger);
  logger.info({ httpPort: settings.httpPort, httpBind: settings.httpBind, nats: settings.natsUrl !== undefined, find: settings.find }, 'HTTP endpoints ready (/api/v1/worklist/items, /api/docs, /health/live, /health/ready, /metrics)');
}

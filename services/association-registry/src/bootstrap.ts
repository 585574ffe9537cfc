import { closeOnSignals, createLogger } from '@dicom-router/service-runtime';
import { createRegistryApp } from './registry-app';
import { loadRegistrySettings } from './registry-settings';

/** Load and validate every setting first (all errors at once), then open the database and serve HTTP. */
export async function startRegistry(): Promise<void> {
  const settings = loadRegistrySettings();
  const logger = createLogger('association-registry', settings.logLevel);
  const registry = await createRegistryApp({ ...settings, logger });
  await registry.app.listen(settings.httpPort, settings.httpBind);
  closeOnSignals(() => registry.close(), logger);
  logger.info({ httpPort: settings.httpPort, httpBind: settings.httpBind }, 'HTTP endpoints ready (/api/v1, /api/docs, /health/live, /health/ready, /metrics)');
}

import { type Database, openDatabase, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS, STORE_INTENT_MIGRATIONS } from '@dicom-router/persistence';
import { closeOnSignals, createLogger, createServiceApp, type Logger, resolveApiToken, setUpOpenApi } from '@dicom-router/service-runtime';
import { AppModule, type HostedParts } from './app.module';
import { GatewayEventBus } from './infrastructure/event-bus';
import { type GatewaySettings, loadGatewaySettings } from './gateway-settings';

/**
 * Load and validate every setting first (all errors at once), open the process's one database,
 * then start Nest and the listeners. Without NATS_URL (the embedded defaults of `npm start`, docs/architecture.md
 * §3) association-registry, worklist-process and async-filer run in this process too: their REST APIs
 * on the same HTTP port, their tables in the same database, their requests and events in process.
 */
export async function startGateway(): Promise<void> {
  const settings = loadGatewaySettings();
  const logger = createLogger('dicom-gateway', settings.logLevel);
  const hosted = settings.natsUrl ? undefined : await loadHostedServices();
  // The hosted filer reads what async-filer reads on its own (ASYNC_FILER_*, ALERT_*, SMTP_URL).
  const filerOptions = hosted?.filer.loadFilerOptions();
  const database = await openDatabase({
    url: settings.databaseUrl,
    dataDir: settings.dataDir,
    entities: [...OUTBOX_ENTITIES, ...(hosted ? [...hosted.registry.REGISTRY_ENTITIES, ...hosted.worklist.WORKLIST_ENTITIES] : [])],
    migrations: [
      ...OUTBOX_MIGRATIONS,
      ...STORE_INTENT_MIGRATIONS,
      ...(hosted ? [...hosted.registry.REGISTRY_MIGRATIONS, ...hosted.worklist.WORKLIST_MIGRATIONS, ...hosted.filer.FILER_QUEUE_MIGRATIONS] : []),
    ],
    logger: { info: (message) => logger.info(message), warn: (message) => logger.warn(message) },
  });
  try {
    const apiToken = hosted ? await resolveApiToken(settings.apiToken, settings.dataDir, logger) : undefined;
    const hosting = hosted && filerOptions && apiToken ? hostedParts(hosted, { settings, filerOptions, logger, database, apiToken }) : {};
    const app = await createServiceApp(AppModule.register(settings, logger, { database, ...hosting }), logger);
    if (hosted) {
      const apis = [hosted.registry.REGISTRY_API_DESCRIPTION, hosted.worklist.WORKLIST_API_DESCRIPTION, hosted.filer.FILER_API_DESCRIPTION, 'Destinations (C-ECHO) and routes (dry run).'];
      setUpOpenApi(app, 'all services in one process', apis.join(' '));
    }
    await app.listen(settings.httpPort, settings.httpBind);
    // Listeners drain in beforeApplicationShutdown, bounded by SHUTDOWN_GRACE_MS; the database closes last.
    closeOnSignals(() => app.close().finally(() => database.close()), logger);
    logger.info(
      { httpPort: settings.httpPort, httpBind: settings.httpBind, services: hosted ? 'registry, worklist and async-filer in process' : 'separate services' },
      'HTTP endpoints ready (/health/live, /health/ready, /metrics, /api/v1, /api/docs)',
    );
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
}

/** Loaded only on embedded defaults, so a gateway deployed beside the other services neither loads nor ships them. */
async function loadHostedServices() {
  return {
    registry: await import('./infrastructure/negotiation/hosted-registry'),
    worklist: await import('./infrastructure/worklist-queries/hosted-worklist'),
    // eslint-disable-next-line @nx/enforce-module-boundaries -- hosting a service in the all-in-one process (docs/architecture.md §3)
    filer: await import('@dicom-router/async-filer'),
  };
}

type HostedServices = Awaited<ReturnType<typeof loadHostedServices>>;
type FilerOptions = ReturnType<HostedServices['filer']['loadFilerOptions']>;

function hostedParts(
  hosted: HostedServices,
  {
    settings,
    filerOptions,
    logger,
    database,
    apiToken,
  }: { settings: GatewaySettings; filerOptions: FilerOptions; logger: Logger; database: Database; apiToken: string },
) {
  const worklist: HostedParts = { imports: [hosted.worklist.hostedWorklistModule(settings, logger, database, apiToken)], providers: [] };
  const filer: HostedParts = hosted.filer.hostedFilerParts({
    options: filerOptions,
    database,
    apiToken,
    logger,
    // async-filer reads stored and association events from this process's bus.
    busFrom: { inject: GatewayEventBus, pick: (bus: GatewayEventBus) => bus.connected.then(() => bus.events) },
  });
  return { registry: { module: hosted.registry, apiToken }, services: [worklist, filer] };
}

import { openDatabase, type Database } from '@dicom-router/persistence';
import { createServiceApp, resolveApiToken, setUpOpenApi, type Logger } from '@dicom-router/service-runtime';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { INestApplication } from '@nestjs/common';
import { AppModule } from './app.module';
import type { WorklistSettings } from './worklist-settings';
import { WORKLIST_API_DESCRIPTION, WORKLIST_ENTITIES, WORKLIST_MIGRATIONS } from './worklist.module';

export interface WorklistApp {
  readonly app: INestApplication;
  readonly database: Database;
  readonly apiToken: string;
  /** Closes HTTP and the NATS responder, then NATS and the database. */
  close(): Promise<void>;
}

/** Opens the database (migrating it) and NATS, resolves the token, builds the Nest app with OpenAPI. */
export async function createWorklistApp(settings: Omit<WorklistSettings, 'httpPort' | 'httpBind' | 'logLevel'>, logger: Logger): Promise<WorklistApp> {
  const database = await openDatabase({
    url: settings.databaseUrl,
    dataDir: settings.dataDir,
    entities: WORKLIST_ENTITIES,
    migrations: WORKLIST_MIGRATIONS,
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) },
  });
  let nc: NatsConnection | undefined;
  try {
    const apiToken = await resolveApiToken(settings.apiToken, settings.dataDir, logger);
    if (settings.natsUrl) nc = await connect({ servers: settings.natsUrl.split(','), name: 'worklist-process', maxReconnectAttempts: -1 });
    // Bodies are read by the endpoints themselves, in the DICOM media types.
    const app = await createServiceApp(AppModule.register({ database, apiToken, logger, find: settings.find, nats: nc }), logger, { readJsonBodies: false });
    setUpOpenApi(app, 'worklist-process', WORKLIST_API_DESCRIPTION);
    await app.init();
    const connection = nc;
    return {
      app,
      database,
      apiToken,
      close: () =>
        app
          .close()
          .then(() => connection?.drain())
          .finally(() => database.close()),
    };
  } catch (err) {
    await nc?.close();
    await database.close();
    throw err;
  }
}


import type { Database } from '@dicom-router/persistence';
import { API_TOKEN, type Logger } from '@dicom-router/service-runtime';
import { WORKLIST_FINDER } from '@dicom-router/worklist';
import type { NatsConnection } from '@nats-io/nats-core';
import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { DEFAULT_FIND_SETTINGS, type FindSettings } from './application/find-settings';
import { FindWorklist } from './application/find-worklist/find-worklist.use-case';
import { ImportArchive } from './application/manage-items/import-archive.use-case';
import { ManageItems } from './application/manage-items/manage-items.use-case';
import { WORKLIST_ITEMS } from './application/worklist-items.port';
import { TypeormWorklistItems } from './infrastructure/persistence/typeorm-worklist-items';
import { ItemsController } from './transport/http/items.controller';
import { FindResponder } from './transport/nats/find-responder';
import { DATABASE, FIND_SETTINGS, LOGGER } from './tokens';

export { WORKLIST_ENTITIES, WORKLIST_MIGRATIONS } from './infrastructure/persistence/schema';
export { FindWorklist } from './application/find-worklist/find-worklist.use-case';
export type { FindSettings } from './application/find-settings';

const NATS = Symbol('NATS');

/** What the worklist REST API offers, for the OpenAPI document. */
export const WORKLIST_API_DESCRIPTION = 'Modality Worklist items (DICOM JSON or Part-10 worklist files).';

export interface WorklistModuleOptions {
  /** Opened by the host with WORKLIST_ENTITIES and WORKLIST_MIGRATIONS (one embedded database per process). */
  readonly database: Database;
  /** The bearer token every REST call must carry. */
  readonly apiToken: string;
  readonly logger: Logger;
  /** production.yaml `worklist` and the PN matching option; defaults: 1000, refuse, case-sensitive. */
  readonly find?: Partial<FindSettings>;
  /** When given, C-FIND queries are also answered over NATS (COMMAND_SUBJECTS.worklistFind). */
  readonly nats?: NatsConnection;
}

/** Starts and drains the NATS responder with the application. */
@Injectable()
class NatsFindResponderLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private responder: FindResponder | undefined;

  constructor(
    @Optional() @Inject(NATS) private readonly nc: NatsConnection | undefined,
    private readonly finder: FindWorklist,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.nc) return;
    this.responder = new FindResponder(this.nc, this.finder, this.logger);
    this.responder.start();
    this.logger.info('worklist finds answered over NATS');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.responder?.stop();
  }
}

/**
 * Worklist items with their REST API, and the find use case behind C-FIND: exported as
 * WORKLIST_FINDER for a gateway in the same process, and served over NATS when a connection is given.
 */
@Module({})
export class WorklistModule {
  static register(options: WorklistModuleOptions): DynamicModule {
    return {
      module: WorklistModule,
      controllers: [ItemsController],
      providers: [
        { provide: DATABASE, useValue: options.database },
        { provide: API_TOKEN, useValue: options.apiToken },
        { provide: LOGGER, useValue: options.logger },
        { provide: FIND_SETTINGS, useValue: { ...DEFAULT_FIND_SETTINGS, ...options.find } },
        { provide: WORKLIST_ITEMS, useFactory: (db: Database) => new TypeormWorklistItems(db), inject: [DATABASE] },
        ...(options.nats ? [{ provide: NATS, useValue: options.nats }] : []),
        ManageItems,
        ImportArchive,
        FindWorklist,
        { provide: WORKLIST_FINDER, useExisting: FindWorklist },
        NatsFindResponderLifecycle,
      ],
      exports: [WORKLIST_FINDER, WORKLIST_ITEMS, DATABASE, LOGGER],
    };
  }
}

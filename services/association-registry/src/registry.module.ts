import type { Database } from '@dicom-router/persistence';
import { DynamicModule, Module } from '@nestjs/common';
import { AddPresentationContext } from './application/add-presentation-context/add-presentation-context.use-case';
import { ASSOCIATIONS } from './application/associations.port';
import { BrowseReference } from './application/browse-reference/browse-reference.use-case';
import { CreateAssociation } from './application/create-association/create-association.use-case';
import { CreateForAllSopClasses } from './application/create-for-all-sop-classes/create-for-all-sop-classes.use-case';
import { DeleteAssociation } from './application/delete-association/delete-association.use-case';
import { GetAssociation } from './application/get-association/get-association.use-case';
import { ImportAssociation } from './application/import-association/import-association.use-case';
import { ListAssociations } from './application/list-associations/list-associations.use-case';
import { RemovePresentationContext } from './application/remove-presentation-context/remove-presentation-context.use-case';
import { ReplaceTransferSyntaxes } from './application/replace-transfer-syntaxes/replace-transfer-syntaxes.use-case';
import { UpdateAssociation } from './application/update-association/update-association.use-case';
import { UpsertFromProduction } from './application/upsert-from-production/upsert-from-production.use-case';
import type { Logger } from '@dicom-router/service-runtime';
import { TypeormAssociations } from './infrastructure/persistence/typeorm-associations';
import { NegotiateAssociation } from './application/negotiate-association/negotiate-association.use-case';
import { AnnouncingAssociations } from './application/registry-changes/announcing-associations';
import { REGISTRY_CHANGES, RegistryChanges } from './application/registry-changes/registry-changes';
import { NatsNegotiation } from './transport/nats/nats-negotiation';
import { AssociationsController } from './transport/http/associations.controller';
import { ImportController } from './transport/http/import.controller';
import { PresentationContextsController } from './transport/http/presentation-contexts.controller';
import { ReferenceController } from './transport/http/reference.controller';
import { API_TOKEN, DATABASE, LOGGER, NATS_URL } from './tokens';

export { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS } from './infrastructure/persistence/schema';
export { UpsertFromProduction } from './application/upsert-from-production/upsert-from-production.use-case';
export { NegotiateAssociation } from './application/negotiate-association/negotiate-association.use-case';
export { REGISTRY_CHANGES, RegistryChanges } from './application/registry-changes/registry-changes';

/** What the registry's REST API offers, for the OpenAPI document. */
export const REGISTRY_API_DESCRIPTION = 'Associations, their presentation contexts, and the PS3.6 reference tables.';

export interface RegistryModuleOptions {
  /** Opened by the host with REGISTRY_ENTITIES and REGISTRY_MIGRATIONS (one embedded database per process). */
  readonly database: Database;
  /** The bearer token every REST call must carry. */
  readonly apiToken: string;
  readonly logger: Logger;
  /**
   * Set: also answer negotiation requests and publish change notices over NATS. Absent (the
   * all-in-one process): the host negotiates through NegotiateAssociation and REGISTRY_CHANGES directly.
   */
  readonly natsUrl?: string;
}

/**
 * The association registry's REST API, use cases and negotiation answers, mountable in any Nest
 * application (standalone in main.ts, or the all-in-one process). Health and metrics belong to the
 * hosting application.
 */
@Module({})
export class RegistryModule {
  static register(options: RegistryModuleOptions): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [AssociationsController, ImportController, PresentationContextsController, ReferenceController],
      providers: [
        { provide: DATABASE, useValue: options.database },
        { provide: API_TOKEN, useValue: options.apiToken },
        { provide: LOGGER, useValue: options.logger },
        {
          provide: REGISTRY_CHANGES,
          useFactory: (logger: Logger) => new RegistryChanges((err) => logger.error({ err }, 'registry change listener failed')),
          inject: [LOGGER],
        },
        {
          provide: ASSOCIATIONS,
          useFactory: (db: Database, changes: RegistryChanges) => new AnnouncingAssociations(new TypeormAssociations(db), changes),
          inject: [DATABASE, REGISTRY_CHANGES],
        },
        NegotiateAssociation,
        ...(options.natsUrl ? [{ provide: NATS_URL, useValue: options.natsUrl }, NatsNegotiation] : []),
        ListAssociations,
        GetAssociation,
        CreateAssociation,
        UpdateAssociation,
        DeleteAssociation,
        AddPresentationContext,
        ReplaceTransferSyntaxes,
        RemovePresentationContext,
        ImportAssociation,
        CreateForAllSopClasses,
        BrowseReference,
        UpsertFromProduction,
      ],
      exports: [DATABASE, LOGGER, UpsertFromProduction, NegotiateAssociation, REGISTRY_CHANGES],
    };
  }
}

/**
 * The one place the gateway reaches into association-registry: docs/architecture.md §3 runs every service in
 * one process under `npm start`, so this process then hosts the registry's Nest module, tables and
 * negotiation use case. Loaded only in that case (bootstrap imports it dynamically), so a gateway
 * deployed beside a separate registry (NATS_URL set) neither loads nor ships it.
 */
// eslint-disable-next-line @nx/enforce-module-boundaries -- hosting a service in the all-in-one process is this file's purpose
import * as registry from '@dicom-router/association-registry';
import type { Database } from '@dicom-router/persistence';
import type { Logger } from '@dicom-router/service-runtime';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { GatewaySettings } from '../../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../../tokens';
import { InProcessNegotiator } from './in-process-negotiator';
import type { NegotiationParts } from './negotiation.providers';
import { ASSOCIATION_NEGOTIATOR, RegistryNegotiation } from './registry-negotiation';

export const { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS, REGISTRY_API_DESCRIPTION } = registry;

/**
 * GitOps for the hosted registry: production.yaml `associations` are upserted before the listeners
 * open (every onModuleInit runs before any onApplicationBootstrap), so the first association finds them.
 */
@Injectable()
class UpsertAssociationsAtStart implements OnModuleInit {
  constructor(
    private readonly upsert: registry.UpsertFromProduction,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const summary = await registry.upsertAtStart(this.upsert, this.settings.production.associations);
    this.logger.info(summary, 'association registry (in process): associations of production.yaml upserted');
  }
}

/** The registry's REST API on this process's HTTP port, and `negotiation: registry` answered in process. */
export function hostedRegistryParts(logger: Logger, database: Database, apiToken: string): NegotiationParts {
  return {
    imports: [registry.RegistryModule.register({ database, apiToken, logger })],
    providers: [
      UpsertAssociationsAtStart,
      {
        provide: ASSOCIATION_NEGOTIATOR,
        useFactory: (negotiate: registry.NegotiateAssociation, changes: registry.RegistryChanges) => new InProcessNegotiator({ negotiate, changes }),
        inject: [registry.NegotiateAssociation, registry.REGISTRY_CHANGES],
      },
      RegistryNegotiation,
    ],
  };
}

import type { Database } from '@dicom-router/persistence';
import type { Logger } from '@dicom-router/service-runtime';
import type { DynamicModule, Provider } from '@nestjs/common';
import type { GatewaySettings } from '../../gateway-settings';
import { NatsNegotiator } from './nats-negotiator';
import { ASSOCIATION_NEGOTIATOR, RegistryNegotiation } from './registry-negotiation';

export interface NegotiationParts {
  imports: DynamicModule[];
  providers: Provider[];
}

/** The registry hosted in the gateway's process (embedded defaults): its module, database and token. */
export interface HostedRegistry {
  /** `await import('./hosted-registry')`, loaded only when the registry is hosted here. */
  readonly module: typeof import('./hosted-registry');
  readonly database: Database;
  readonly apiToken: string;
}

/**
 * Where `negotiation: registry` listeners ask: the registry in this process when it is hosted here,
 * otherwise association-registry over NATS (connected only if some listener needs it).
 */
export function negotiationModuleParts(settings: GatewaySettings, logger: Logger, hosted: HostedRegistry | undefined): NegotiationParts {
  if (hosted) return hosted.module.hostedRegistryParts(logger, hosted.database, hosted.apiToken);
  const needed = settings.listeners.some((l) => l.negotiation === 'registry');
  return {
    imports: [],
    providers: [
      {
        provide: ASSOCIATION_NEGOTIATOR,
        useFactory: () => (needed && settings.natsUrl ? NatsNegotiator.connect(settings.natsUrl.split(','), logger) : null),
      },
      RegistryNegotiation,
    ],
  };
}

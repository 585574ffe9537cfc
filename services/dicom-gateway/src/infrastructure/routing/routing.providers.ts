import type { Provider } from '@nestjs/common';
import { eventSource, type CloudEventJson } from '@dicom-router/contracts';
import { RouteInstanceUseCase } from '@dicom-router/destinations';
import type { Logger } from '@dicom-router/service-runtime';
import type { GatewaySettings } from '../../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../../tokens';
import { Destinations } from '../destinations/destinations';
import { GatewayEventBus } from '../event-bus';
import { InProcessRouteInstances } from './in-process-route-instances';
import { NatsRouteInstances } from './nats-route-instances';
import { ROUTE_INSTANCES, type RouteInstances } from './route-instances';
import { SyncRouting } from './sync-routing';

/** True when some listener or file intake hands its instances to routes. */
export function routesAnything(settings: GatewaySettings): boolean {
  const production = settings.production;
  const routeNames = new Set(production.routes.map((r) => r.name));
  return (
    production.listeners.some((l) => l.mode === 'sync' && l.target !== undefined) ||
    production.fileIntakes.some((f) => f.target !== undefined && routeNames.has(f.target))
  );
}

/**
 * Where synchronous routing happens: storage-router over NATS when NATS_URL is set (connected only
 * if something routes), otherwise the router's use case in this process (embedded defaults), with
 * its delivery events published on this process's bus.
 */
export const routingProviders: Provider[] = [
  {
    provide: ROUTE_INSTANCES,
    useFactory: async (settings: GatewaySettings, logger: Logger, destinations: Destinations, bus: GatewayEventBus): Promise<RouteInstances | null> => {
      if (!routesAnything(settings)) return null;
      if (settings.natsUrl) {
        const routing = await NatsRouteInstances.connect(settings.natsUrl.split(','), logger);
        logger.info('routing: storage-router over NATS (durable route commands)');
        return routing;
      }
      // Delivery events go straight onto the bus, as storage-router publishes them to JetStream: they
      // report what happened and promise nothing to a modality (the stored event is the durable one).
      // Looked up per event: the bus connects in onModuleInit, after this factory ran.
      const events = { announce: (event: CloudEventJson) => bus.events.publish(event).then(() => undefined) };
      const useCase = new RouteInstanceUseCase(settings.production.routes, destinations.sender, events, {
        eventSource: eventSource('storage-router'),
        onAnnounceError: (error, event) =>
          logger.warn({ err: error instanceof Error ? error.message : String(error), type: event.type, subject: event.subject }, 'delivery event not announced'),
      });
      logger.info('routing: storage-router in process (embedded defaults)');
      return new InProcessRouteInstances(useCase);
    },
    inject: [GATEWAY_SETTINGS, LOGGER, Destinations, GatewayEventBus],
  },
  SyncRouting,
];

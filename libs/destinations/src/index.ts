/**
 * Destinations, the SCU side of the router (docs/architecture.md §3): stored instances streamed to PACS over
 * pooled associations, C-ECHO of a destination, and the synchronous routing of one instance to
 * every matching destination. Used by dicom-gateway (echo, routing in the all-in-one process) and
 * storage-router.
 */
export {
  DeliveryError,
  type DeliveryFailureReason,
  type DeliveryResult,
  type DestinationEcho,
  type EchoOutcome,
  type InstanceSender,
} from './instance-sender';
export { DestinationSender, type DestinationSenderOptions } from './destination-sender';
export { DestinationPool, PoolClosedError, type ContextNeed, type DestinationPoolOptions, type OpenAssociation } from './destination-pool';
export { openStoredInstance, type OpenedInstance } from './stored-instance';
export { RouteInstanceUseCase, type DeliveryAnnouncer, type RouteInstanceOptions, type RoutedInstance } from './route-instance';
export { routeCommandFor, type RouteCommandInput } from './route-command';
export { ensureRouteCommandConsumer, ensureRouteCommandStream, type RouteConsumerSettings } from './route-commands-jetstream';

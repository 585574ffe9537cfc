export { BusUnavailableError } from './errors';
export type { DeliveryContext, EventBus, EventConsumer, EventHandler, HandlerErrorListener, PublishResult, Subscription } from './event-bus';
export { connectJetStreamBus, JetStreamBus, type JetStreamBusOptions, type PublishAck } from './jetstream-bus';
export { DEFAULT_STREAM_SETTINGS, ensureEventStream, streamConfig, type EventStreamSettings } from './jetstream-stream';
export { DEFAULT_CONSUMER_SETTINGS, type ConsumerSettings } from './jetstream-consumer';
export { InProcessBus, type InProcessBusOptions } from './in-process-bus';
export { subjectMatches } from './subject-match';

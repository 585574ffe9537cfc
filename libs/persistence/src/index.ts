export { Database, openDatabase, type DatabaseKind, type DatabaseLogger, type OpenDatabaseOptions } from './database/data-source';
export { BusBreaker, type BusBreakerListener, type BusBreakerState, type ProbeTicket } from './outbox/bus-breaker';
export type { EventPublisher } from './outbox/event-publisher';
export { Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from './outbox/outbox';
export { OutboxEvent } from './outbox/outbox-event.entity';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay';
export { publishDurably, type DurableVia, type PublishDurablyOptions } from './outbox/publish-durably';
export { databaseReadiness } from './database/readiness';
export { STORE_INTENT_MIGRATIONS, StoreIntents, type StoreIntent } from './intents/store-intents';
